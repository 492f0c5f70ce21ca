"""The live preview's PDF: a real server on 127.0.0.1, a real catalog saved on disk, the PDF
rebuilt by the preview's warm layout worker, and a broken save that keeps the last good PDF.

No timing is asserted (`benchmarks/bench_build.py` measures the loop); waits are bounded
only so that a hang fails instead of blocking the suite.
"""
import json
import queue
import threading
import urllib.request

import pytest
from pypdf import PdfReader

from nswp_publish.cli.preview import Preview
from nswp_publish.project import Project

from conftest import CHROMIUM, set_translations, copy_project

SLUG = 'briefing-member-consultation-2015'
PDF = f'fr/nswp-{SLUG}-briefing-fr.pdf'
#: A wait long enough for a PDF on a loaded machine; reached only when something hangs.
PATIENCE = 180


@pytest.fixture(scope='module')
def preview(tmp_path_factory):
    root = tmp_path_factory.mktemp('project')
    copy_project(root)
    log = []
    preview = Preview(Project(root), ['fr'], port=0, interval=0.1, log=log.append).start()
    preview.log_lines = log
    yield preview
    preview.stop()


class Events:
    """The preview's Server-Sent Events for the page showing `PDF`, read in a thread."""

    def __init__(self, preview):
        self.stream = urllib.request.urlopen(f'{preview.url}__events?pdf={PDF}',
                                             timeout=PATIENCE)
        self.states = queue.Queue()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.stream:
            if line.startswith(b'data: '):
                self.states.put(json.loads(line[len(b'data: '):]))

    def until(self, condition):
        """The first state that meets `condition`."""
        while True:
            state = self.states.get(timeout=PATIENCE)
            if condition(state):
                return state



def pdf_text(path):
    return ''.join(page.extract_text() for page in PdfReader(path).pages)


def test_the_pdf_page_shows_the_pdf_and_reloads_it_after_a_catalog_save(preview):
    page = urllib.request.urlopen(f'{preview.url}__pdf/{PDF}', timeout=PATIENCE).read().decode()
    assert '<iframe id="nswp-pdf"' in page and f'/{PDF}' in page
    index = urllib.request.urlopen(preview.url, timeout=PATIENCE).read().decode()
    assert f'href="/__pdf/{PDF}"' in index
    events = Events(preview)       # read until the preview stops (closing it would block)
    first = events.until(lambda state: state['pdf']['generation'] >= 1)
    path = preview.project.output_dir / PDF
    assert 'À l’écoute des membres' in pdf_text(path)
    served = urllib.request.urlopen(f'{preview.url}{PDF}?generation=1', timeout=PATIENCE)
    assert served.read() == path.read_bytes()
    before = path.read_bytes()

    set_translations(preview.project, 'fr', SLUG,
                     {'Listening to members': 'Les membres ont la parole'})
    # The web pages first, then the PDF.
    web = events.until(lambda state: state['generation'] > first['generation'])
    assert web['error'] is None
    rebuilt = events.until(
        lambda state: state['pdf']['generation'] > first['pdf']['generation'])
    assert rebuilt['pdf']['error'] is None and not rebuilt['pdf']['building']
    assert path.read_bytes() != before
    text = pdf_text(path)
    assert 'Les membres ont la parole' in text and 'À l’écoute des membres' not in text
    assert any(line.endswith(path.name) for line in preview.log_lines)


def test_a_broken_save_shows_its_error_and_keeps_the_last_good_pdf(preview):
    events = Events(preview)
    path = preview.project.output_dir / PDF
    catalog = preview.project.locales_dir / 'fr' / 'LC_MESSAGES' / f'{SLUG}.po'
    good = catalog.read_text('utf-8')
    built = events.until(lambda state: state['pdf']['generation'] >= 1
                         and not state['pdf']['building'])
    before = path.read_bytes()
    catalog.write_text(good + '\nmsgid "unterminated\n', 'utf-8')
    broken = events.until(lambda state: state['error'] and not state['pdf']['building'])
    assert f'{SLUG}.po:' in broken['error'] and 'PO syntax error' in broken['error']
    assert 'PO syntax error' in broken['pdf']['error']     # the PDF's rebuild failed too
    assert broken['pdf']['generation'] == built['pdf']['generation']
    assert path.read_bytes() == before          # the last good PDF, whole
    assert len(PdfReader(path).pages) >= 1

    catalog.write_text(good, 'utf-8')           # fixed: the error goes, a new PDF comes
    fixed = events.until(lambda state: state['error'] is None and
                         state['pdf']['generation'] > built['pdf']['generation'])
    assert fixed['pdf']['error'] is None


@pytest.mark.skipif(not CHROMIUM, reason='needs Debian chromium (python3 build.py test installs it)')
def test_the_pdf_page_in_a_browser_loads_each_new_pdf(preview, browser):
    page = browser.new_page()
    page.goto(f'{preview.url}__pdf/{PDF}')
    page.wait_for_function("/generation=[1-9]/.test(document.getElementById('nswp-pdf').src)",
                           timeout=PATIENCE * 1000)
    shown = page.evaluate("document.getElementById('nswp-pdf').src")
    set_translations(preview.project, 'fr', SLUG, {'Listening to members': 'À vous la parole'})
    page.wait_for_function(f"document.getElementById('nswp-pdf').src !== {json.dumps(shown)}",
                           timeout=PATIENCE * 1000)
    assert 'À vous la parole' in pdf_text(preview.project.output_dir / PDF)
    assert page.inner_text('#nswp-preview-error') == ''
    page.close()
