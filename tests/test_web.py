"""The HTML editions in a real browser (Debian's headless chromium, driven by Playwright):
no console error, working language switcher and note links, phone and desktop layouts,
and the live preview rebuilding after a catalog edit."""
import http.server
import struct
import threading
from functools import partial

import pytest

from nswp_publish.i18n.catalog import po_path, read_catalog
from nswp_publish.i18n.catalog import catalog_bytes
from nswp_publish.output import write_atomic
from nswp_publish.build.pipeline import Builder
from nswp_publish.project import BuildRequest, Project
from nswp_publish.cli.preview import Preview

from conftest import CHROMIUM, ROOT, SLUG, copy_project

pytest.importorskip('playwright.sync_api')
pytestmark = pytest.mark.skipif(not CHROMIUM, reason='needs Debian chromium (python3 build.py test installs it)')
LANGUAGES = ('en', 'fr', 'es', 'ru', 'zh')


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    """Every HTML page, served from a temporary folder on 127.0.0.1."""
    project = Project(ROOT, tmp_path_factory.mktemp('site'))
    results = Builder(project).build(BuildRequest(formats=('html',), publications=(SLUG,)))
    assert all(result.status == 'written' for result in results)
    handler = partial(QuietHandler, directory=str(project.output_dir))
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield project, f'http://127.0.0.1:{server.server_address[1]}'
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def page_url(base, language, edition):
    return f'{base}/{language}/nswp-{SLUG}-{edition}-{language}.html'


@pytest.mark.parametrize('language', LANGUAGES)
@pytest.mark.parametrize('edition', ['summary', 'full'])
def test_page_loads_cleanly_and_its_links_resolve(site, browser, language, edition):
    _, base = site
    page = browser.new_page()
    errors = []
    page.on('console', lambda message: errors.append(message.text)
            if message.type == 'error' else None)
    page.on('pageerror', lambda error: errors.append(str(error)))
    response = page.goto(page_url(base, language, edition))
    assert response.ok and errors == []
    assert page.evaluate('document.documentElement.lang') == language
    # Every in-page link (notes, back-links, contents, cross-references) has its target.
    missing = page.evaluate('''() => [...document.querySelectorAll('a[href^="#"]')]
        .map(a => a.getAttribute('href').slice(1)).filter(id => !document.getElementById(id))''')
    assert missing == []
    assert page.locator('a[role="doc-noteref"]').count() == 9
    assert page.locator('section.endnotes a[role="doc-backlink"]').count() == 9
    # The switcher names every language in its own language and each link loads.
    switcher = page.locator('nav.language-switcher a')
    assert switcher.all_inner_texts() == ['English', 'Français', 'Español', 'Русский', '中文']
    for href in switcher.evaluate_all('links => links.map(link => link.href)'):
        assert page.request.get(href).ok, href
    page.close()


def png_size(data):
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    return struct.unpack('>II', data[16:24])


@pytest.mark.parametrize('width, height', [(390, 844), (1280, 900)])
def test_phone_and_desktop_layouts(site, browser, tmp_path, width, height):
    _, base = site
    page = browser.new_page(viewport={'width': width, 'height': height})
    page.goto(page_url(base, 'ru', 'full'))
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate('document.documentElement.scrollWidth') <= width
    path = tmp_path / f'ru-{width}.png'
    page.screenshot(path=str(path))
    assert png_size(path.read_bytes()) == (width, height)
    assert path.stat().st_size > 20_000          # a rendered page, not a blank one
    page.close()


def test_preview_rebuilds_after_a_catalog_edit(browser, tmp_path):
    root = tmp_path / 'project'
    copy_project(root)
    project = Project(root)
    log = []
    preview = Preview(project, ['fr'], port=0, interval=0.2, log=log.append).start()
    try:
        page = browser.new_page()
        page.goto(f'{preview.url}fr/nswp-{SLUG}-summary-fr.html')
        assert 'Introduction' in page.inner_text('h1#introduction, section#introduction h1')

        path = po_path(project.locales_dir, 'fr', SLUG)
        catalog = read_catalog(path, 'fr', SLUG)
        catalog.get('Introduction').string = 'Avant-propos'
        write_atomic(path, catalog_bytes(catalog))
        page.wait_for_function(
            "document.querySelector('section#introduction h1').innerText === 'Avant-propos'",
            timeout=20_000)

        chapter = project.content_dir / SLUG / 'about.yaml'
        good = chapter.read_text()
        chapter.write_text(good + 'title: twice\n')
        page.wait_for_function(
            "document.getElementById('nswp-preview-error').innerText.includes('duplicate key')",
            timeout=20_000)
        assert any('duplicate key "title"' in line for line in log)   # the terminal too
        chapter.write_text(good)
        page.wait_for_function(
            "getComputedStyle(document.getElementById('nswp-preview-error')).display === 'none'",
            timeout=20_000)
        page.close()
    finally:
        preview.stop()
