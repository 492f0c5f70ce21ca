"""Incremental builds: an output is rebuilt only when something it depends on changed.

Each output's inputs are hashed: its publication's folder, its language's
catalogs (the publication's and the shared one), the templates and styles, the
fonts a PDF or an EPUB embeds, the tool itself (its code and pinned dependencies) and the
build options. `output/.build-manifest.json` remembers the hash each file was
built from, and how long each PDF took to lay out, so that the next build starts
the longest first. Planning imports nothing heavy (no WeasyPrint, Jinja or Babel),
so a build with nothing to do answers at once.
"""
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..content.yamlfile import load_plain
from ..output import write_if_changed
from ..pdf.fonts import font_file

MANIFEST_NAME = '.build-manifest.json'
#: The formats that embed the language's fonts (an EPUB embeds subsets of the same faces).
EMBEDDING_FORMATS = ('pdf', 'epub')
#: The tool's own code, every subpackage of it: a change to any module rebuilds everything.
PACKAGE = Path(__file__).resolve().parent.parent
#: The folder of `templates/` that only `python3 build.py site` renders.
SITE_TEMPLATES = 'site'


@dataclass(frozen=True)
class Job:
    """One output file to build (or found current)."""

    slug: str
    language: str
    edition: str
    fmt: str
    path: Path
    digest: str
    weight: int = 0     # 1 for a report layout: laid out first, being the longest
    seconds: float | None = None    # what its layout took last time, if it was built


def hash_files(paths, root):
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(os.path.relpath(path, root).encode() + b'\0')
        digest.update(path.read_bytes() + b'\0')
    return digest.hexdigest()


def hash_catalogs(paths, root):
    """Catalogs, less the comments that cannot change an output (references, notes,
    where each message appears): so `update` adding those rebuilds nothing."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(os.path.relpath(path, root).encode() + b'\0')
        for line in path.read_bytes().splitlines(keepends=True):
            if not line.startswith((b'#.', b'#:', b'#|', b'# ', b'#\n', b'"POT-Creation-Date:',
                                    b'"PO-Revision-Date:')):
                digest.update(line)
    return digest.hexdigest()


def source_files(folder, pattern='**/*'):
    return [path for path in Path(folder).glob(pattern) if path.is_file()]


def tool_digest():
    """The tool itself: its code and its pinned dependencies (WeasyPrint's version among
    them): a change to either rebuilds everything."""
    return hash_files([*source_files(PACKAGE, '**/*.py'),
                       *source_files(PACKAGE.parent, 'pyproject.toml')], PACKAGE.parent)


class Manifest:
    """What each output was built from."""

    def __init__(self, output_dir):
        self.path = Path(output_dir) / MANIFEST_NAME
        try:
            data = json.loads(self.path.read_text('utf-8'))
        except (OSError, ValueError):
            data = {}
        self.outputs = data.get('outputs', {})
        self.fonts = data.get('fonts', {})
        self.publications = data.get('publications', {})   # slug -> digest last validated
        self.seconds = data.get('seconds', {})      # output -> its last layout's seconds
        self.unchecked = []     # (folder, digest) of changed publications not yet loaded

    def key(self, path):
        return os.path.relpath(path, self.path.parent)

    def is_current(self, job):
        return self.outputs.get(self.key(job.path)) == job.digest and job.path.exists()

    def record(self, job, seconds=None):
        self.outputs[self.key(job.path)] = job.digest
        if seconds is not None:
            self.seconds[self.key(job.path)] = round(seconds, 2)

    def forget(self, job):
        self.outputs.pop(self.key(job.path), None)

    def record_results(self, built):
        """Record each job of `built` ({job: result}) written; forget each that failed, so
        that the next build tries it again."""
        for job, result in built.items():
            if result.status == 'written':
                self.record(job, result.seconds)
            else:
                self.forget(job)

    def save(self):
        """Write the manifest if it changed (a build with nothing to do writes nothing)."""
        data = {'outputs': dict(sorted(self.outputs.items())), 'fonts': self.fonts,
                'publications': self.publications, 'seconds': dict(sorted(self.seconds.items()))}
        text = json.dumps(data, indent=1, ensure_ascii=False) + '\n'
        write_if_changed(self.path, text)


def _font_digest(language, manifest):
    """The embedded fonts' files (size and time) of a `Language`; fontconfig is asked only
    once."""
    parts = []
    for family in sorted(set(language.fonts.families)):
        known = manifest.fonts.get(family)
        if not known or not os.path.exists(known[0]):
            known = manifest.fonts[family] = list(font_file(family, language.fonts.package))
        stat = os.stat(known[0])
        parts.append(f'{family}:{known[0]}:{known[1]}:{stat.st_size}:{stat.st_mtime_ns}')
    return hashlib.sha256('\n'.join(parts).encode()).hexdigest()


def check_changed_content(project, manifest):
    """Load each publication the plan found changed since it was last checked, which
    raises its errors (file and line); then remember it as checked."""
    if not manifest.unchecked:
        return
    # Only now the content loader (Markdown, images): a build of content already checked
    # never needs it in this process (its workers load the content themselves).
    from ..content.load import load_publication
    while manifest.unchecked:
        folder, content = manifest.unchecked[0]
        load_publication(folder, project.languages.codes)
        manifest.publications[folder.name] = content
        manifest.unchecked.pop(0)


def plan(project, request, check_content=True):
    """([jobs to build], [jobs already current], manifest), or None for an unknown
    `--pub` (the full build then names it). A publication whose files changed since the
    last build is checked by the full loader, which raises its errors; with
    `check_content=False` that is left to `check_changed_content`, which a build calls
    once its workers are starting."""
    manifest = Manifest(project.output_dir)
    tool = tool_digest()
    # The languages' declaration: their fonts, names and typography reach every output.
    declaration = hash_files(source_files(project.locales_dir, 'languages.toml'), project.root)
    # The web library's own templates reach its pages only, never a file built here.
    templates = hash_files([path for path in source_files(project.templates_dir)
                            if project.templates_dir / SITE_TEMPLATES not in path.parents],
                           project.root)
    folders = sorted(path.parent for path in project.content_dir.glob('*/publication.yaml'))
    if request.publications:
        known = {folder.name for folder in folders}
        if set(request.publications) - known:
            return None
        folders = [folder for folder in folders if folder.name in request.publications]
    manifest.unchecked = []
    todo, current, fonts = [], [], {}
    declared = set()
    for folder in folders:
        content = hash_files(source_files(folder), project.root)
        if manifest.publications.get(folder.name) != content:
            # Changed since it was last checked: the full loader checks it (and raises).
            manifest.unchecked.append((folder, content))
            if check_content:
                check_changed_content(project, manifest)
        meta = load_plain((folder / 'publication.yaml').read_text('utf-8'))
        slug, languages, editions = meta['slug'], meta['languages'], meta['editions']
        output_name = meta.get('output_name') or f'nswp-{slug}'
        declared.update(editions)
        for language in request.languages_of(languages):
            catalogs = hash_catalogs(
                [path for domain in (slug, 'messages')
                 if (path := project.locales_dir / language / 'LC_MESSAGES' / f'{domain}.po')
                 .exists()], project.root)
            for edition in (name for name in editions
                            if request.editions is None or name in request.editions):
                for fmt in request.formats:
                    embeds = fmt in EMBEDDING_FORMATS
                    if embeds and language not in fonts:
                        fonts[language] = _font_digest(project.languages[language], manifest)
                    inputs = [tool, declaration, templates, content, catalogs, fonts.get(language, '')
                              if embeds else '', language, edition, fmt,
                              request.pdf_variant if fmt == 'pdf' else '', request.strict,
                              request.draft]
                    digest = hashlib.sha256(json.dumps(inputs).encode()).hexdigest()
                    path = project.output_dir / language / f'{output_name}-{edition}-{language}.{fmt}'
                    weight = int((editions[edition] or {}).get('layout') == 'report')
                    job = Job(slug, language, edition, fmt, path, digest, weight,
                              manifest.seconds.get(manifest.key(path)))
                    (current if manifest.is_current(job) else todo).append(job)
    if request.editions and set(request.editions) - declared:
        return None     # an unknown edition: the full build names it
    return todo, current, manifest
