"""Accessibility: the web pages checked in real Chromium, the PDFs' structure trees read back.

Web: axe-core (from npm, pinned in package.json) runs every WCAG 2.0/2.1/2.2 A and AA rule and
its best-practice rules on every web page of every publication in every language, and on the
live preview with its error banner showing. Other tests do what axe cannot: the keyboard
path through a page, reflow at 320 CSS px (400 % zoom), the contrast of coloured headings
under every colour scheme and motion preference, and the language switcher's markup.

PDF: the structure tree of every PDF the suite builds (en and zh, both editions) is what a
screen reader needs (`nswp_publish.pdf.structure.problems`), and matches the document it was
laid out from: a P for every paragraph, the same headings, a TH with /Scope for every header
cell, a Figure with the image's own alternative text for every image, a Note for every note.
"""
import hashlib
import html.parser
import http.server
import shutil
import subprocess
import threading
from functools import partial

import pikepdf
import pytest

from nswp_publish.content.load import load_publications
from nswp_publish.content.markup import NOTE_ID_PREFIX
from nswp_publish.pdf import structure as pdf_structure
from nswp_publish.pdf.writer import PdfWriter
from nswp_publish.build.pipeline import Builder
from nswp_publish.project import BuildRequest, Project
from nswp_publish.cli.preview import Preview

from conftest import CHROMIUM, PROJECT_LANGUAGES, ROOT, SLUG, output_file, copy_project

try:
    from playwright import sync_api as playwright
except ImportError:
    playwright = None
web = pytest.mark.skipif(not (CHROMIUM and playwright),
                         reason='needs Debian chromium and playwright (python3 build.py test installs them)')
#: The Strategic Review's languages; the briefing paper has Portuguese and Arabic too.
LANGUAGES = ('en', 'fr', 'es', 'ru', 'zh')
AXE = ROOT / 'node_modules' / 'axe-core' / 'axe.min.js'
#: The rule sets the pages must pass: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's
#: best practices (landmarks, heading order, one main, ...).
AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice']


@pytest.fixture(scope='module')
def axe_source():
    """axe-core's script, installed from package-lock.json with `npm ci` if it is not yet."""
    if not AXE.is_file():
        npm = shutil.which('npm')
        if not npm:
            pytest.skip('needs npm to install axe-core (python3 build.py test installs it)')
        subprocess.run([npm, 'ci', '--no-audit', '--no-fund', '--loglevel=error'], cwd=ROOT,
                       check=True, capture_output=True)
    return AXE.read_text('utf-8')


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    """Every web page of every publication, served from a temporary folder on 127.0.0.1."""
    project = Project(ROOT, tmp_path_factory.mktemp('a11y-site'))
    results = Builder(project).build(BuildRequest(formats=('html',)))
    assert results and all(result.status == 'written' for result in results), \
        [result.error for result in results if result.status != 'written']
    handler = partial(QuietHandler, directory=str(project.output_dir))
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pages = sorted(path.relative_to(project.output_dir).as_posix()
                   for path in project.output_dir.glob('*/*.html'))
    yield f'http://127.0.0.1:{server.server_address[1]}', pages
    server.shutdown()
    server.server_close()


def run_axe(page, axe_source, **options):
    """axe's violations on the loaded page, one readable line per rule and element."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate('''(options) => axe.run(document, options)''',
                           {'runOnly': {'type': 'tag', 'values': AXE_TAGS}, **options})
    return [f'{rule["id"]} ({rule["impact"]}): {node["target"]} {node["failureSummary"]}'
            for rule in result['violations'] for node in rule['nodes']]


def pages_of(site, language):
    base, pages = site
    found = [f'{base}/{page}' for page in pages if page.startswith(f'{language}/')]
    assert found, f'no web page was built in {language}'
    return found


@web
@pytest.mark.parametrize('language', PROJECT_LANGUAGES.codes)
def test_axe_finds_no_violation_on_any_page(site, browser, axe_source, language):
    page = browser.new_page()
    problems = []
    for url in pages_of(site, language):
        page.goto(url)
        problems += [f'{url}: {line}' for line in run_axe(page, axe_source)]
    page.close()
    assert problems == []


@web
def test_axe_finds_no_violation_on_the_preview_with_its_error_banner(browser, axe_source, tmp_path):
    root = tmp_path / 'project'
    copy_project(root)
    project = Project(root)
    preview = Preview(project, ['en'], port=0, interval=0.2, log=lambda line: None).start()
    try:
        page = browser.new_page()
        page.goto(f'{preview.url}en/nswp-{SLUG}-summary-en.html')
        # Broken once the page is open (and the watcher has looked at the sources).
        chapter = project.content_dir / SLUG / 'about.yaml'
        chapter.write_text(chapter.read_text() + 'title: twice\n')
        page.wait_for_function(
            "document.getElementById('nswp-preview-error').innerText.includes('duplicate key')",
            timeout=20_000)
        assert run_axe(page, axe_source) == []
        page.close()
    finally:
        preview.stop()


@web
def test_keyboard_reaches_a_skip_link_first_and_every_focus_is_visible(site, browser):
    base, _ = site
    page = browser.new_page(viewport={'width': 1280, 'height': 900})
    page.goto(f'{base}/fr/nswp-{SLUG}-full-fr.html')
    page.keyboard.press('Tab')
    skip = page.evaluate('''() => { const a = document.activeElement, box = a.getBoundingClientRect();
        return {cls: a.className, href: a.getAttribute('href'), text: a.innerText,
                visible: box.top >= 0 && box.bottom <= innerHeight && box.width > 0}; }''')
    assert skip['cls'] == 'skip-link' and skip['visible'] and skip['text'] == 'Aller au texte'
    page.keyboard.press('Enter')
    assert page.evaluate('location.hash') == skip['href'] == '#main-content'
    # The next Tab goes on from the text, not back to the top of the page.
    page.keyboard.press('Tab')
    assert page.evaluate("document.activeElement.closest('main') !== null")
    # Every stop of the keyboard, from the top, shows a focus outline of at least 2 px.
    page.goto(f'{base}/fr/nswp-{SLUG}-full-fr.html')
    unseen = []
    for _ in range(40):
        page.keyboard.press('Tab')
        focus = page.evaluate('''() => { const a = document.activeElement, s = getComputedStyle(a);
            return {what: a.outerHTML.slice(0, 80), style: s.outlineStyle,
                    width: parseFloat(s.outlineWidth)}; }''')
        if focus['style'] == 'none' or focus['width'] < 2:
            unseen.append(focus)
    assert unseen == []
    page.close()


@web
def test_every_page_reflows_at_320_css_pixels(site, browser):
    """400 % zoom of a 1280 px window is a 320 px viewport: nothing may scroll sideways."""
    base, pages = site
    page = browser.new_page(viewport={'width': 320, 'height': 256})
    too_wide = {}
    for url in (f'{base}/{name}' for name in pages):
        page.goto(url)
        width = page.evaluate('''() => Math.max(document.documentElement.scrollWidth,
            ...[...document.querySelectorAll('body *')].map(e => e.scrollWidth > e.clientWidth
                && getComputedStyle(e).overflowX !== 'visible' ? e.scrollWidth : 0))''')
        if width > 320:
            too_wide[url] = width
    page.close()
    assert too_wide == {}


CONTRAST = '''() => {
    function rgb(value) { return value.match(/[\\d.]+/g).map(Number); }
    function luminance([r, g, b]) {
        return [r, g, b].map(c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
            .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0); }
    function background(element) {
        for (; element; element = element.parentElement) {
            const colour = rgb(getComputedStyle(element).backgroundColor);
            if (colour.length < 4 || colour[3] > 0) return colour.slice(0, 3);
        }
        return [255, 255, 255];
    }
    return [...document.querySelectorAll('h1, h2, h3, .box-title, .number, a, figcaption, .attribution, .crossref')]
        .filter(e => e.getClientRects().length)
        .map(e => { const a = luminance(rgb(getComputedStyle(e).color).slice(0, 3)), b = luminance(background(e));
                    return [e.tagName + '.' + e.className, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]; });
}'''


@web
@pytest.mark.parametrize('scheme, motion', [('light', 'no-preference'), ('dark', 'reduce')])
def test_coloured_headings_and_box_titles_keep_4_5_to_1(site, browser, axe_source, scheme, motion):
    base, _ = site
    page = browser.new_page()
    page.emulate_media(color_scheme=scheme, reduced_motion=motion)
    for edition in ('summary', 'full'):
        page.goto(f'{base}/en/nswp-{SLUG}-{edition}-en.html')
        ratios = page.evaluate(CONTRAST)
        assert len(ratios) > 50
        assert [(what, round(ratio, 2)) for what, ratio in ratios if ratio < 4.5] == []
        assert run_axe(page, axe_source, runOnly={'type': 'rule', 'values': ['color-contrast']}) == []
    page.close()


@web
def test_language_switcher_links_name_their_language(site, browser):
    base, _ = site
    page = browser.new_page()
    for language in LANGUAGES:
        page.goto(f'{base}/{language}/nswp-{SLUG}-summary-{language}.html')
        links = page.evaluate('''() => [...document.querySelectorAll('nav.language-switcher a')]
            .map(a => [a.getAttribute('hreflang'), a.getAttribute('lang'),
                       a.getAttribute('aria-current'), a.getAttribute('href')])''')
        assert [(code, lang) for code, lang, _, _ in links] == [(code, code) for code in LANGUAGES]
        assert [code for code, _, current, _ in links if current == 'page'] == [language]
        assert all(href.endswith(f'-{code}.html') for code, _, _, href in links)
        alternates = page.evaluate('''() => [...document.querySelectorAll('link[rel=alternate]')]
            .map(link => link.hreflang)''')
        assert sorted(alternates) == sorted(set(LANGUAGES) - {language})
    page.close()


# -- PDF ---------------------------------------------------------------------------------

class Outline(html.parser.HTMLParser):
    """What a document's HTML promises its PDF: paragraphs, headings, header cells, images
    (with their alternative text; '' for decoration) and footnotes."""

    def __init__(self, text):
        super().__init__()
        self.paragraphs, self.headings, self.header_cells, self.images = 0, [], [], []
        self.notes, self.title = 0, ''
        self._section, self._in_title, self._in_page_title = None, False, False
        self.feed(text)

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == 'p':
            self.paragraphs += 1
        elif tag in ('h1', 'h2', 'h3', 'h4', 'h5', 'h6'):
            self.headings.append(int(tag[1]))
        elif tag in ('thead', 'tbody', 'tfoot'):
            self._section = tag
        elif tag == 'th':
            self.header_cells.append(
                'Column' if self._section == 'thead' or attributes.get('scope') == 'col' else 'Row')
        elif tag == 'img':
            self.images.append(attributes.get('alt'))
        elif tag == 'svg' and attributes.get('role') == 'img':
            self.images.append(None)        # its alternative text is its <title>
        elif tag == 'title' and self.images and self.images[-1] is None:
            self._in_title = True
        elif tag == 'title':
            self._in_page_title = True
        elif tag == 'span' and 'footnote' in (attributes.get('class') or '').split():
            self.notes += 1

    def handle_endtag(self, tag):
        if tag == 'title':
            self._in_page_title = False

    def handle_data(self, data):
        if self._in_page_title:
            self.title += data
        elif self._in_title:
            self.images[-1] = data.strip()
            self._in_title = False


def print_html(project, language, edition):
    builder = Builder(project, log_warnings=False)
    html_text, _ = builder.render_output(builder.publication(SLUG), language, edition, 'pdf',
                                         BuildRequest())
    return html_text


@pytest.mark.parametrize('language', ['en', 'zh'])
@pytest.mark.parametrize('edition', ['summary', 'full'])
def test_pdf_structure_is_what_the_document_says(built, language, edition):
    path = output_file(built, language, edition, 'pdf')
    outline = Outline(print_html(built, language, edition))
    assert pdf_structure.problems(path, language, notes=outline.notes) == []
    structure = pdf_structure.read_structure(path)
    # A P for every paragraph (more where one runs over a page); the few Spans left are
    # ones with a meaning of their own, not one per line (1,944 before in the French full).
    assert structure.counts['P'] >= outline.paragraphs > 20
    assert structure.counts['Span'] + structure.counts['NonStruct'] < outline.paragraphs / 2
    assert structure.headings == outline.headings
    assert structure.header_scopes == outline.header_cells
    assert (edition == 'full') == bool(outline.header_cells)
    # Every image is a Figure with the text the page gives it, in the document's language
    # (an <img> without alt, or an SVG image without <title>, would pass for decoration).
    assert None not in outline.images
    described = [alt for alt in outline.images if alt]
    assert structure.figures == described and described
    if language == 'zh':
        assert all(any('\u4e00' <= char <= '\u9fff' for char in alt) for alt in described)
    assert outline.notes >= 1 and len(structure.notes) == outline.notes
    assert all(note_id.startswith(NOTE_ID_PREFIX) for note_id, _ in structure.notes)
    # The title bar shows the document's title: the page's <title>.
    assert structure.display_title and structure.title == outline.title


PNG = ('data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8'
       'z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==')


@pytest.fixture(scope='module')
def writer():
    return PdfWriter([ROOT / 'templates' / 'assets'])


def small_pdf(writer, tmp_path, body):
    path = tmp_path / 'small.pdf'
    path.write_bytes(writer.write(
        f'<!DOCTYPE html><html lang="fr"><head><title>Petit</title></head><body>{body}'
        '</body></html>', identifier='small'))
    return path


def test_decorative_image_is_an_artifact_and_a_described_one_a_figure(writer, tmp_path):
    path = small_pdf(writer, tmp_path, f'''<h1>Titre</h1><p>Texte.</p>
        <figure><img src="{PNG}" alt="" style="width: 10mm"></figure>
        <figure><img src="{PNG}" alt="Un point rouge" style="width: 10mm">
        <figcaption>Légende</figcaption></figure>''')
    assert pdf_structure.problems(path, 'fr') == []
    assert pdf_structure.read_structure(path).figures == ['Un point rouge']
    with pikepdf.open(path) as pdf:
        operators = [(str(operator), [str(operand) for operand in operands])
                     for operands, operator in pikepdf.parse_content_stream(pdf.pages[0])]
    assert ('BMC', ['/Artifact']) in operators


def test_checks_fail_on_what_a_screen_reader_would_miss(writer, tmp_path):
    """The checks can fail: headings with a gap, loose text, a figure without a text."""
    path = small_pdf(writer, tmp_path, '''<h1>Titre</h1><h3>Trop bas</h3>
        <div>Texte hors de tout paragraphe</div>''')
    found = pdf_structure.problems(path, 'es', notes=1)
    assert any('H1 to H3' in line for line in found)
    assert any('outside any paragraph' in line for line in found)
    assert any('language is "fr", not "es"' in line for line in found)
    assert any('0 notes tagged Note, but 1' in line for line in found)


def test_table_header_cells_get_their_scope_and_notes_follow_their_call(writer, tmp_path):
    path = small_pdf(writer, tmp_path, '''<style>.footnote { float: footnote }
        .footnote::footnote-call { content: none }</style><h1>Titre</h1>
        <p>Un texte<a class="footnote-call" href="#fn-a">1</a><span class="footnote"
        id="fn-a">La note.</span> et la suite.</p>
        <table><thead><tr><th>Région</th><th>Nombre</th></tr></thead>
        <tbody><tr><th>Afrique</th><td>3</td></tr><tr><th>Asie</th><td>4</td></tr></tbody></table>''')
    structure = pdf_structure.read_structure(path)
    assert pdf_structure.problems(path, 'fr', notes=1) == []
    assert structure.header_scopes == ['Column', 'Column', 'Row', 'Row']
    assert structure.notes == [('fn-a', True)]
    with pikepdf.open(path) as pdf:
        paragraph = next(kid for kid in pdf.Root.StructTreeRoot.K[0].K if kid.S == '/P')
        kinds = [str(kid.S) for kid in paragraph.K if isinstance(kid, pikepdf.Dictionary)]
        assert kinds == ['/Link', '/Note']
        assert 'fn-a' in [str(key) for key in pdf.Root.StructTreeRoot.IDTree.Names[::2]]


def test_repair_gives_the_same_bytes_and_keeps_the_identifier(writer, tmp_path):
    first = small_pdf(writer, tmp_path, '<h1>Titre</h1><p>Texte.</p>').read_bytes()
    second = small_pdf(writer, tmp_path, '<h1>Titre</h1><p>Texte.</p>').read_bytes()
    assert first == second
    with pikepdf.open(tmp_path / 'small.pdf') as pdf:
        assert bytes(pdf.trailer.ID[0]) == hashlib.md5(b'small').hexdigest().encode()


def test_headings_are_renumbered_to_nest_without_gaps():
    from nswp_publish.render.headings import close_heading_gaps
    page = ('<h1>Chapter</h1><aside><h3 class="box-title">Box</h3><p>t</p></aside>'
            '<h2>Section</h2><h3 class="box-title">Box</h3><h5>Deep</h5><h1>Next</h1>')
    assert close_heading_gaps(page) == (
        '<h1>Chapter</h1><aside><h2 class="box-title">Box</h2><p>t</p></aside>'
        '<h2>Section</h2><h3 class="box-title">Box</h3><h4>Deep</h4><h1>Next</h1>')
    assert close_heading_gaps('<h1>A</h1><h2>B</h2><h3>C</h3>') == '<h1>A</h1><h2>B</h2><h3>C</h3>'


def test_every_publication_pdf_passes_with_its_images_charts_and_logos(tmp_path):
    """Each publication other than the Strategic Review (built above), in English and
    Chinese: images, charts and logos are Figures with their own text, decoration is not."""
    project = Project(ROOT, tmp_path)
    others = [publication.slug for publication in load_publications(project)
              if publication.slug != SLUG]
    assert others, 'no second publication to check'
    results = Builder(project).build(BuildRequest(languages=('en', 'zh'), formats=('pdf',),
                                                  publications=tuple(others)))
    assert results and all(result.status == 'written' for result in results)
    builder = Builder(project, log_warnings=False)
    for result in results:
        publication = builder.publication(result.path.name.split('-', 1)[1].rsplit(
            f'-{result.edition}-', 1)[0])
        html_text, _ = builder.render_output(publication, result.language, result.edition,
                                             'pdf', BuildRequest())
        outline = Outline(html_text)
        assert pdf_structure.problems(result.path, result.language, notes=outline.notes) == []
        assert None not in outline.images
        assert pdf_structure.read_structure(result.path).figures == \
            [alt for alt in outline.images if alt]
