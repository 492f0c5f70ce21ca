"""Shared fixtures: the real project built once per test session, and PDF text helpers."""
import atexit
import logging
import os
import re
import shutil
import tempfile
import textwrap
from pathlib import Path

# The tests' projects live in temporary folders, and compiled templates are cached by
# their path: a session's cache (the fonts' character maps too) is its own, not the
# user's, which would keep every test's templates forever. Set before the package reads it.
os.environ['XDG_CACHE_HOME'] = tempfile.mkdtemp(prefix='nswp-test-cache-')
atexit.register(shutil.rmtree, os.environ['XDG_CACHE_HOME'], True)

import pytest
from pypdf import PdfReader

from nswp_publish.i18n.catalog import po_path, read_catalog
from nswp_publish.i18n.catalog import catalog_bytes
from nswp_publish.output import write_atomic
from nswp_publish.build.pipeline import Builder
from nswp_publish.project import BuildRequest, Project
from nswp_publish.i18n.workflow import update_all

ROOT = Path(__file__).resolve().parent.parent
#: The published Chinese summary, the content's ground truth (a copy of the seed NSWP
#: handed over, shared/seed/000_1387c95d0b8c7767.txt), kept here so any clone can test.
SEED = ROOT / 'tests' / 'data' / 'seed-strategic-review-2010-15-summary-zh.txt'
SLUG = 'strategic-review-2010-15'
#: The languages the project declares (locales/languages.toml), and their codes.
PROJECT_LANGUAGES = Project(ROOT).languages
LANGUAGES = PROJECT_LANGUAGES.codes
#: Body text is 10pt (13.3px); footnotes, calls and running heads are smaller.
BODY_SIZE = 11.9
#: WeasyPrint draws pages in CSS pixels: 0.75 PDF points each.
PAGE_SCALE = 0.75
CHROMIUM = shutil.which('chromium')
#: Chromium in a container, on local pages: no sandbox, GPU or background traffic.
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync']


@pytest.fixture(scope='module')
def browser():
    """Debian's chromium driven by Playwright, one per test module; skipped without them
    (.ci/run installs both)."""
    sync_api = pytest.importorskip('playwright.sync_api')
    if not CHROMIUM:
        pytest.skip('needs Debian chromium (python3 build.py test installs it)')
    with sync_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope='session')
def built(tmp_path_factory):
    """The Strategic Review in en and zh, both editions, PDF and HTML, in a temporary folder."""
    project = Project(ROOT, tmp_path_factory.mktemp('output'))
    results = Builder(project).build(BuildRequest(languages=('en', 'zh')))
    failed = [result.error for result in results if result.status != 'written']
    assert not failed, failed
    return project


def output_file(project, language, edition, fmt):
    return project.output_dir / language / f'nswp-{SLUG}-{edition}-{language}.{fmt}'


class PdfText:
    """The text of a PDF split in three: body text; small text (notes, running heads);
    and figure text (SVG drawn in form XObjects, which pypdf reports in their own space)."""

    def __init__(self, path):
        self.reader = PdfReader(path)
        self.pages = []        # (body, small, figures) per page, white space removed
        for page in self.reader.pages:
            body, small, figures = [], [], []
            def visit(text, cm, tm, font, size):
                if cm[0] != PAGE_SCALE:
                    figures.append(text)
                elif size * (tm[0] if tm else 1) >= BODY_SIZE:
                    body.append(text)
                else:
                    small.append(text)
            page.extract_text(visitor_text=visit)
            self.pages.append(tuple(unhyphenate(''.join(part)) for part in (body, small, figures)))

    @property
    def body(self):
        return ''.join(page[0] for page in self.pages)

    @property
    def small(self):
        return ''.join(page[1] for page in self.pages)

    @property
    def figures(self):
        return ''.join(page[2] for page in self.pages)

    def page_of(self, text, small=False):
        """1-based page whose body (or small) text contains `text`, or None."""
        text = squeeze(text)
        for number, page in enumerate(self.pages, 1):
            if text in page[1 if small else 0]:
                return number
        return None


def unhyphenate(text):
    """PDF text without the hyphens (U+2010) WeasyPrint adds at line ends, white space removed."""
    return squeeze(re.sub('\u2010\\s*', '', text))


def squeeze(text):
    """Text with all white space removed, for comparisons that ignore line breaks."""
    return re.sub(r'\s+', '', text)


@pytest.fixture
def capture_logs(caplog):
    caplog.set_level(logging.INFO, logger='nswp_publish')
    return caplog


# -- a small publication made in the test: content/brief, English and French ---------

def write_publication(folder, chapter, footnotes='footnotes: {}\n'):
    """A minimal publication folder (English only, summary only) with one chapter."""
    folder.mkdir(parents=True)
    (folder / 'publication.yaml').write_text(textwrap.dedent(f'''\
        slug: {folder.name}
        title: T
        subtitle: S
        short_title: T
        author: A
        author_role: R
        date: 2020-01
        editions: {{summary: {{label: Summary}}}}
        languages: [en]
        chapters: [intro.yaml]
        footnotes: footnotes.yaml
        acronyms: acronyms.yaml
        publications: publications.yaml
        '''))
    (folder / 'intro.yaml').write_text(chapter)
    (folder / 'footnotes.yaml').write_text(footnotes)
    (folder / 'acronyms.yaml').write_text('acronyms: {}\n')
    (folder / 'publications.yaml').write_text('publications: []\n')
    return folder


SMALL_CHAPTER = '''\
chapter: intro
title: Introduction
blocks:
  - p: "NSWP has {members} **members** in {regions} regions."
  - p:
      text: "NSWP has {members} **members** in {regions} regions."
      context: repeated
      note: The same sentence again, to show msgctxt.
  - p: "See the [website](https://nswp.org)[^site]."
'''
DATA_CHAPTER = SMALL_CHAPTER.replace(
    '  - p: "NSWP has {members} **members** in {regions} regions."\n',
    '  - p:\n      text: "NSWP has {members} **members** in {regions} regions."\n'
    '      data: {members: 237, regions: 5}\n', 1).replace(
    '      context: repeated\n', '      context: repeated\n      data: {members: 237, regions: 5}\n')


@pytest.fixture
def project(tmp_path):
    root = tmp_path / 'project'
    shutil.copytree(ROOT / 'templates', root / 'templates')
    copy_languages(root)
    write_publication(root / 'content' / 'brief', DATA_CHAPTER,
                      footnotes='footnotes:\n  site: "NSWP website."\n')
    publication = root / 'content' / 'brief' / 'publication.yaml'
    publication.write_text(publication.read_text().replace('languages: [en]', 'languages: [en, fr]'))
    project = Project(root)
    update_all(project)
    return project


@pytest.fixture
def empty_project(tmp_path, monkeypatch):
    """An empty project, the command line's: the templates and catalogs of this one, no
    publication (what `import` starts from)."""
    from nswp_publish.cli import main as cli
    root = tmp_path / 'project'
    copy_project(root, ('templates', 'locales'))
    (root / 'content').mkdir()
    monkeypatch.setattr(cli, 'ROOT', root)
    monkeypatch.chdir(root)
    return root


def copy_project(root, folders=('templates', 'content', 'locales')):
    """This project's `folders` copied into a test project at `root`."""
    for folder in folders:
        shutil.copytree(ROOT / folder, root / folder)


def copy_languages(root):
    """The project's languages' declaration, into a test project at `root`."""
    (root / 'locales').mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / 'locales' / 'languages.toml', root / 'locales' / 'languages.toml')


def raster_images(reader):
    """Every raster image the pages draw, found through forms too: (width, height, filter)."""
    found = []

    def visit(resources):
        for xobject in (resources or {}).get('/XObject', {}).values():
            xobject = xobject.get_object()
            if xobject['/Subtype'] == '/Image':
                found.append((int(xobject['/Width']), int(xobject['/Height']),
                              xobject.get('/Filter')))
            elif xobject['/Subtype'] == '/Form':
                visit(xobject.get('/Resources'))
    for page in reader.pages:
        visit(page.get('/Resources'))
    return found


def set_translations(project, language, domain, translations):
    path = po_path(project.locales_dir, language, domain)
    catalog = read_catalog(path, language, domain)
    for message in catalog:
        if message.id and message.id in translations:
            message.string = translations[message.id]
            message.flags.discard('fuzzy')
    write_atomic(path, catalog_bytes(catalog))
    return path
