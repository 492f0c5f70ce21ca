"""The web library (`python3 build.py site`): its pages and metadata as written, read back in
Chromium over http (`serve --site`; Pagefind works over http only) with no network, checked
by axe, at 320 px and without JavaScript; then the incremental rebuild and an interrupted one.

The site is built once, from a copy of the project with the briefing paper only (5 languages,
one edition: its PDFs lay out in seconds), and the tests read that one build; the last two
tests change it, in the order they are written.
"""
import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from conftest import CHROMIUM, LANGUAGES, PROJECT_LANGUAGES, ROOT
from nswp_publish.cli import main as cli
from nswp_publish.cli.preview import Preview
from nswp_publish.errors import ContentError, SiteError
from nswp_publish.i18n.catalog import catalog_bytes, po_path, read_catalog
from nswp_publish.output import write_atomic
from nswp_publish.project import Project
from nswp_publish.site import builder as site_builder
from nswp_publish.site.builder import build_site
from nswp_publish.site.config import read_site_config
from nswp_publish.site.library import downloads_of, file_size
from test_accessibility import axe_source, run_axe     # noqa: F401 - the fixture

SLUG = 'briefing-member-consultation-2015'
BASE = 'https://library.example.org/nswp/'
SITEMAP_NS = {'s': 'http://www.sitemaps.org/schemas/sitemap/0.9',
              'x': 'http://www.w3.org/1999/xhtml'}
needs_browser = pytest.mark.skipif(not CHROMIUM, reason='needs Debian chromium')


def page_name(language):
    return f'nswp-{SLUG}-briefing-{language}.html'


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    """The briefing's project, its site built once: (project, SiteReport)."""
    root = tmp_path_factory.mktemp('site') / 'project'
    shutil.copytree(ROOT / 'templates', root / 'templates')
    shutil.copytree(ROOT / 'locales', root / 'locales')
    shutil.copytree(ROOT / 'content' / SLUG, root / 'content' / SLUG)
    (root / 'site.yaml').write_text(f'base_url: {BASE}\npublisher:\n  name: NSWP\n'
                                    '  url: https://www.nswp.org/\n')
    project = Project(root)
    return project, build_site(project)


class Links(HTMLParser):
    """The elements of a page that the site's metadata is made of."""

    def __init__(self, text):
        super().__init__()
        self.tags = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag, **wanted):
        return [attrs for name, attrs in self.tags if name == tag
                and all(attrs.get(key.replace('_', '-')) == value for key, value in wanted.items())]


def json_ld(text):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', text,
                                re.S).group(1))


def test_every_language_has_its_library_with_the_publication(site):
    project, report = site
    folder = project.output_dir / 'site'
    assert report.rebuilt == [*LANGUAGES, '/'] and not report.unchanged
    root = (folder / 'index.html').read_text('utf-8')
    for code in LANGUAGES:
        language = PROJECT_LANGUAGES[code]
        # The root page names each language in its own language, in its own direction.
        assert (f'<li lang="{code}" dir="{language.direction}"><a href="{code}/" '
                f'hreflang="{code}"><span class="name">{language.name}</span>') in root
        library = (folder / code / 'index.html').read_text('utf-8')
        assert f'<html lang="{code}" dir="{language.direction}">' in library
        links = Links(library)
        pdf = folder / code / f'nswp-{SLUG}-briefing-{code}.pdf'
        # The same bytes as the build's PDF, linked with its size as the locale writes it.
        assert pdf.read_bytes() == (project.output_dir / code / pdf.name).read_bytes()
        assert links.all('a', href=pdf.name, type='application/pdf')
        assert f'({file_size(pdf.stat().st_size, code, language.numbering)})' in library
        assert links.all('a', href=page_name(code))
        assert (folder / code / page_name(code)).is_file()
        # Its cover, drawn from the PDF's first page, sized before it loads.
        (cover,) = links.all('img', **{'class': 'cover'})
        assert (folder / code / cover['src']).read_bytes()[:3] == b'\xff\xd8\xff'
        assert cover['width'] == '320' and int(cover['height']) > 400
    summary = read_catalog(po_path(project.locales_dir, 'zh', SLUG), 'zh', SLUG)
    zh = (folder / 'zh' / 'index.html').read_text('utf-8')
    assert '2026年12月' in zh and '倾听成员的声音' in zh
    assert next(message.string for message in summary
                if message.id.startswith('How the Strategic Review')) in zh
    assert 'Listening to members' not in zh
    # Numbers in the library are in each language's declared digits, as in its PDF.
    arabic = next(language for language in PROJECT_LANGUAGES.values()
                  if language.numbering != 'latn')
    page = (folder / arabic.code / 'index.html').read_text('utf-8')
    pdf = folder / arabic.code / f'nswp-{SLUG}-briefing-{arabic.code}.pdf'
    size = file_size(pdf.stat().st_size, arabic.code, arabic.numbering)
    assert f'({size})' in page and not set(size) & set('0123456789')
    assert '٢٠٢٦</time>' in page and '2026</time>' not in page


def test_downloads_are_what_the_output_holds(site, tmp_path):
    """An EPUB beside the PDF is linked with its size; one that is not there, never."""
    project, _ = site
    (publication,) = site_builder.load_publications(project)
    found = downloads_of(project, publication, 'fr', 'briefing')
    assert [(download.fmt, download.kind) for download in found] == [('pdf', 'accessible')]
    epub = project.output_path(publication, 'fr', 'briefing', 'epub')
    try:
        epub.write_bytes(b'PK\x03\x04' + bytes(1500))
        found = downloads_of(project, publication, 'fr', 'briefing')
        assert [(download.fmt, download.size) for download in found] == [
            ('pdf', found[0].size), ('epub', 1504)]
    finally:
        epub.unlink()


def test_language_versions_are_tied_together(site):
    project, _ = site
    folder = project.output_dir / 'site'
    expected = {code: f'{BASE}{code}/{page_name(code)}' for code in LANGUAGES}
    expected['x-default'] = expected['en']
    for code in LANGUAGES:
        text = (folder / code / page_name(code)).read_text('utf-8')
        links = Links(text)
        assert [attrs['href'] for attrs in links.all('link', rel='canonical')] == [expected[code]]
        assert {attrs['hreflang']: attrs['href'] for attrs in links.all('link', rel='alternate')} \
            == expected
        og = {attrs['property']: attrs['content'] for attrs in links.all('meta')
              if 'property' in attrs}
        assert og['og:url'] == expected[code] and og['og:type'] == 'article'
        assert og['og:image'].startswith(f'{BASE}{code}/covers/')
        data = json_ld(text)
        assert data['@type'] == 'Report' and data['inLanguage'] == code
        assert data['datePublished'] == '2026-12'
        assert data['encoding'][0]['contentUrl'] == expected[code][:-4] + 'pdf'
        assert (data.get('translationOfWork') == {'@id': expected['en']}) == (code != 'en')
        library = Links((folder / code / 'index.html').read_text('utf-8'))
        assert {attrs['hreflang'] for attrs in library.all('link', rel='alternate')} == {
            *LANGUAGES, 'x-default'}
    sitemap = ET.parse(folder / 'sitemap.xml').getroot()
    urls = {url.find('s:loc', SITEMAP_NS).text: {
        link.get('hreflang'): link.get('href') for link in url.findall('x:link', SITEMAP_NS)}
        for url in sitemap.findall('s:url', SITEMAP_NS)}
    assert len(urls) == 1 + 2 * len(LANGUAGES)
    assert urls[expected['zh']] == expected and urls[f'{BASE}fr/']['x-default'] == BASE
    assert f'Sitemap: {BASE}sitemap.xml' in (folder / 'robots.txt').read_text()


def test_the_site_command(site, capsys, monkeypatch):
    """`site` says what it did (nothing changed: every part unchanged); a bad base URL is
    one line, exit 1, and the site stays."""
    project, _ = site
    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['site']) == 0
    out = capsys.readouterr().out
    assert all(re.search(rf'^unchanged +{re.escape(part)} ', out, re.M)
               for part in (*LANGUAGES, '/'))
    settings = project.site_file.read_text()
    try:
        project.site_file.write_text(settings.replace(BASE, 'library.example.org/nswp/'))
        assert cli.main(['site']) == 1
        error = capsys.readouterr().err
        assert error.startswith('error: ') and error.count('\n') == 1
        assert 'site.yaml:1: base_url "library.example.org/nswp/" is not an absolute' in error
    finally:
        project.site_file.write_text(settings)
    assert (project.output_dir / 'site' / 'index.html').is_file()


@pytest.mark.parametrize(('text', 'line', 'fragment'), [
    ('base_url: www.nswp.org/library/\n', 1, 'is not an absolute http or https address'),
    ('publisher: {name: N, url: https://n.org/}\nbase_url: ftp://nswp.org/\n', 2,
     'is not an absolute http or https address'),
    ('base_url: /library/\n', 1, 'is not an absolute http or https address'),
    ('publisher: {name: N, url: https://n.org/}\n', 1, 'no base_url'),
    ('base_url: https://nswp.org/\nbaseurl: x\n', 2, 'unknown setting "baseurl"'),
])
def test_a_bad_base_url_is_one_line(tmp_path, text, line, fragment):
    path = tmp_path / 'site.yaml'
    path.write_text(text)
    with pytest.raises(SiteError) as error:
        read_site_config(path)
    assert error.value.line == line and fragment in str(error.value)
    assert '\n' not in str(error.value)


def test_a_publication_without_summary_is_one_line(project):
    """Said before anything is built or replaced, at the publication's title."""
    (project.root / 'site.yaml').write_text(f'base_url: {BASE}\n')
    with pytest.raises(ContentError) as error:
        build_site(project)
    assert (error.value.path.name, error.value.line) == ('publication.yaml', 2)
    assert 'no summary' in str(error.value) and '\n' not in str(error.value)
    assert 'add summary: with one paragraph' in str(error.value)
    assert not (project.output_dir / 'site').exists()


@pytest.fixture(scope='module')
def served(site):
    """`serve --site`: the site as the web team will upload it, over http on 127.0.0.1."""
    project, _ = site
    preview = Preview(project, LANGUAGES, port=0, interval=60, log=lambda line: None,
                      site=True).start()
    yield preview
    preview.stop()


def offline_page(browser, served, width=1280, javascript=True):
    """A page that may load nothing but the served site: every other request fails."""
    context = browser.new_context(viewport={'width': width, 'height': 900},
                                  java_script_enabled=javascript)
    elsewhere = []

    def route(request_route):
        if request_route.request.url.startswith(served.url):
            return request_route.continue_()
        elsewhere.append(request_route.request.url)
        return request_route.abort()
    context.route('**/*', route)
    return context.new_page(), elsewhere


@needs_browser
@pytest.mark.parametrize(('language', 'query', 'found'), [
    # Chinese has no spaces: found only because the extended Pagefind segments words.
    ('zh', '顾问', '独立顾问'),
    # Russian: the nominative finds the genitive plural in the text (stemming).
    ('ru', 'организация', 'организаций'),
])
def test_search_works_in_chinese_and_russian_with_no_network(browser, served, language,
                                                             query, found):
    page, elsewhere = offline_page(browser, served)
    page.goto(f'{served.url}{language}/')
    box = page.locator('#search input')
    box.fill(query)
    result = page.locator('#search a[href*="briefing"]').first
    result.wait_for(timeout=15000)
    assert page_name(language) in result.get_attribute('href')
    page.wait_for_function('(found) => document.getElementById("search").innerText'
                           '.includes(found)', arg=found, timeout=15000)
    assert not elsewhere
    page.context.close()


@needs_browser
@pytest.mark.parametrize('path', ['', 'en/', 'zh/', 'ru/', f'ru/{page_name("ru")}'])
def test_library_pages_pass_axe(browser, served, axe_source, path):   # noqa: F811
    page, elsewhere = offline_page(browser, served)
    page.goto(served.url + path)
    if path.endswith('/'):      # a library, with search results showing too
        page.locator('#search input').fill('NSWP')
        page.locator('#search a[href*="briefing"]').first.wait_for(timeout=15000)
    assert run_axe(page, axe_source) == []
    assert not elsewhere
    page.context.close()


@needs_browser
@pytest.mark.parametrize('path', ['', 'en/', 'zh/', f'fr/{page_name("fr")}'])
def test_pages_reflow_at_320_px_and_work_without_javascript(browser, served, path):
    page, _ = offline_page(browser, served, width=320, javascript=False)
    page.goto(served.url + path)
    assert page.evaluate('document.documentElement.scrollWidth') <= 320
    if path.endswith('/'):
        # The search box needs JavaScript: without it, hidden; the list is all there.
        assert not page.locator('#search').is_visible()
        page.locator(f'a[href="{page_name(path[:2])}"]').first.click()
        assert page.url.endswith(page_name(path[:2]))
        assert page.locator('main[data-pagefind-body] h1').first.is_visible()
    page.context.close()


def inodes(folder):
    return {path.relative_to(folder).as_posix(): path.stat().st_ino
            for path in folder.rglob('*') if path.is_file()}


def contents(folder):
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in folder.rglob('*') if path.is_file()}


def test_a_rebuild_is_byte_identical(site):
    """Every page, cover and search index written again is the same bytes (Pagefind's
    entry file with sorted keys, covers drawn the same way)."""
    project, _ = site
    folder = project.output_dir / 'site'
    before, written = contents(folder), inodes(folder)
    report = build_site(project, force=True)
    assert report.rebuilt == [*LANGUAGES, '/']
    assert contents(folder) == before
    assert all(inode != written[name] for name, inode in inodes(folder).items()
               if name.endswith(('.html', '.jpg', '.json')))


def test_an_interrupted_build_leaves_the_site_as_it_was(site, monkeypatch):
    project, _ = site
    folder = project.output_dir / 'site'
    before = inodes(folder)

    def interrupted(language_folder):
        raise KeyboardInterrupt
    monkeypatch.setattr(site_builder, 'index_language', interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_site(project, force=True)
    assert inodes(folder) == before
    assert not [*project.output_dir.glob('.site-new-*'), *project.output_dir.glob('.site-old-*')]


def test_a_changed_catalog_rebuilds_its_language_only(site):
    project, _ = site
    folder = project.output_dir / 'site'
    before = inodes(folder)
    path = po_path(project.locales_dir, 'fr', SLUG)
    catalog = read_catalog(path, 'fr', SLUG)
    message = catalog.get('Listening to members')
    message.string = 'Écouter nos membres'
    write_atomic(path, catalog_bytes(catalog))

    report = build_site(project)
    assert report.rebuilt == ['fr'] and sorted(report.unchanged) == sorted(
        [code for code in LANGUAGES if code != 'fr'] + ['/'])
    after = inodes(folder)
    changed = {name for name in after if before.get(name) != after[name]}
    assert changed and all(name.startswith('fr/') for name in changed)
    # Its pages and its search index were written again; the other languages' files are
    # the same files.
    assert {'fr/index.html', f'fr/{page_name("fr")}', 'fr/pagefind/pagefind-entry.json'} \
        <= changed
    assert 'Écouter nos membres' in (folder / 'fr' / 'index.html').read_text('utf-8')
    assert {name for name in after if not name.startswith('fr/')} == {
        name for name in before if not name.startswith('fr/')}
