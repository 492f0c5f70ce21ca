"""What a command line selects, checked before any work starts.

Each option's values are checked against what exists (the languages, formats and
PDF kinds the tool knows; the publications in `content/`; the editions those
publications declare), so that a typo is one line naming the choices and the
closest one, and never the first error of a half-done build.

Editions are names each publication declares in its `publication.yaml`, so
`--edition` takes any name and `check_editions` is the one place that checks it.
Everything here reads `publication.yaml` with plain PyYAML: no WeasyPrint, Jinja or
Babel, so a wrong option is answered at once. A file that does not load is skipped:
the full loader reports it with its line.
"""
import argparse

import yaml

from ..content.yamlfile import load_plain
from ..errors import UsageError
from ..wording import did_you_mean


def _hint(word, choices, what='choose from'):
    suggestion = did_you_mean(word, choices)
    listed = f'{what}: {", ".join(choices)}' if choices else f'{what}: none'
    return f'{suggestion} {listed}' if suggestion else listed


def choice(choices):
    """An argparse `type` accepting one of `choices`, with a suggestion for a typo."""
    def check(value):
        if value not in choices:
            raise argparse.ArgumentTypeError(
                f"invalid choice: '{value}'; {_hint(value, choices)}")
        return value
    return check


def number(low, high, kind=float, what='a number'):
    """An argparse `type`: a `kind` number from `low` to `high` (None: no bound)."""
    def check(value):
        try:
            result = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{value}' is not {what}") from None
        # `result != result`: 'nan', which float() accepts and no comparison refuses.
        if result != result or (low is not None and result < low) or (
                high is not None and result > high):
            bounds = (f'from {low} to {high}' if high is not None else f'{low} or more')
            raise argparse.ArgumentTypeError(f"'{value}' is out of range: give {what} {bounds}")
        return result
    return check


def text(what='the value'):
    """An argparse `type`: a value that is not empty or only white space."""
    def check(value):
        if not value.strip():
            raise argparse.ArgumentTypeError(f'{what} cannot be empty')
        return value
    return check


def check_output(project):
    """Raise for an `--output` folder that would mix built files with the sources: a build
    into `content/` would add folders the next build reads as publications."""
    output = project.output_dir.resolve()
    sources = [project.content_dir, project.locales_dir, project.templates_dir,
               project.root / 'nswp_publish', project.root / 'tests']
    inside = [folder for folder in sources
              if output == folder.resolve() or folder.resolve() in output.parents]
    if output == project.root.resolve() or inside:
        raise UsageError(f'--output {output} would mix the built files with the sources',
                         hint='choose a folder of its own, e.g. --output output-draft')


def publication_meta(project):
    """{slug: publication.yaml as plain data, or None where it does not load}."""
    found = {}
    for path in sorted(project.content_dir.glob('*/publication.yaml')):
        try:
            meta = load_plain(path.read_text('utf-8'))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            meta = None
        found[path.parent.name] = meta if isinstance(meta, dict) else None
    return found


def check_publications(project, slugs):
    """Raise for a `--pub` that names no folder of `content/`."""
    known = list(publication_meta(project))
    for slug in slugs or ():
        if slug not in known:
            raise UsageError(f'unknown publication "{slug}"', project.content_dir,
                             hint=_hint(slug, known, 'expected one of'))


def declared_editions(project, slugs=None):
    """{slug: [edition names]} that the chosen publications declare.

    `editions:` is a list of names, or a mapping of names to their settings; either way
    the names are what `--edition` chooses from.
    """
    found = {}
    for slug, meta in publication_meta(project).items():
        if slugs and slug not in slugs or meta is None:
            continue
        editions = meta.get('editions')
        if isinstance(editions, (list, dict)):
            found[slug] = [str(name) for name in editions]
    return found


def offered(project, slugs=None):
    """'brief ships in en, fr (editions: summary)' for each chosen publication."""
    parts = []
    for slug, meta in publication_meta(project).items():
        if (not slugs or slug in slugs) and meta is not None:
            languages, editions = meta.get('languages') or (), meta.get('editions') or ()
            parts.append(f'{slug} ships in {", ".join(map(str, languages))} (editions: '
                         f'{", ".join(map(str, editions))})')
    return '; '.join(parts) or 'content/ holds no publication'


def check_editions(requested, declared):
    """Raise for a requested edition that none of the publications declares.

    `declared` is {slug: [edition names]}; the error lists the names they declare.
    """
    names = list(dict.fromkeys(name for editions in declared.values() for name in editions))
    for edition in requested or ():
        if edition not in names:
            where = (f'{next(iter(declared))} declares' if len(declared) == 1
                     else 'the publications declare')
            raise UsageError(f'unknown edition "{edition}"',
                             hint=_hint(edition, names, where))
    return names
