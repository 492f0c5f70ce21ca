"""Images, charts and CSV tables built for real: the PDFs (pypdf: images, /Alt, Figure tags,
chart numbers in each language's format), the HTML and its web copies, catalogs that carry
CSV text with its file and line, and incremental rebuilds when an image or CSV changes."""
import io
import re
import shutil
import textwrap

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

from nswp_publish.cli import main as cli
from nswp_publish.content import load as content
from nswp_publish.content import images
from nswp_publish.errors import ContentError
from nswp_publish.build.pipeline import Builder
from nswp_publish.project import BuildRequest, Project
from nswp_publish.i18n.workflow import update_all

from conftest import LANGUAGES, ROOT, raster_images, set_translations

SLUG = 'media-demo'
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">'
        '<rect width="40" height="40" fill="#c8102e"/><circle cx="80" cy="20" r="18" '
        'fill="#1f4e79"/></svg>\n')
CHAPTER = '''\
chapter: intro
title: Introduction
blocks:
  - p: "Members met in 2026."
  - image:
      src: march.jpg
      alt: "Sex workers marching with a red umbrella banner"
      caption: "A march in 2026"
      credit: "Photo: NSWP"
  - image:
      src: mark.svg
      alt: "The network's mark"
      width: half
  - image:
      src: rule.png
      decorative: true
  - chart:
      type: bar
      data: members.csv
      x: region
      y: members
      series: {members: "Member organisations"}
      caption: "Members by region"
      unit: "Organisations"
  - id: split
    chart:
      type: donut
      data:
        - {group: "Sex worker-led", count: 3}
        - {group: "Allies", count: 1}
      x: group
      y: count
      caption: "Who leads"
  - table:
      caption: "Figures by region"
      data: members.csv
'''


def raster(path, size, fmt, colour):
    picture = PILImage.new('RGB', size, colour)
    for x in range(0, size[0], 7):
        picture.putpixel((x, x % size[1]), (255, 255, 255))
    picture.save(path, fmt)


def write_media_publication(folder, chapter=CHAPTER, languages='[en, fr, zh]', extra=''):
    folder.mkdir(parents=True)
    (folder / 'publication.yaml').write_text(textwrap.dedent(f'''\
        slug: {folder.name}
        title: Media
        short_title: Media
        date: 2026-11
        editions: {{brief: {{label: Brief}}}}
        languages: {languages}
        chapters: [intro.yaml]
        logo: {{src: mark.svg, alt: "NSWP"}}
        funders:
          acknowledgement: "Made possible by our funders."
          names:
            - {{name: "Red Umbrella Fund", logo: fund.png}}
            - {{name: "Open Society"}}
        cover: {{colour: "#7a1f3d", image: cover.jpg}}
        ''') + extra)
    raster(folder / 'fund.png', (300, 100), 'PNG', (0, 121, 107))
    raster(folder / 'cover.jpg', (1200, 700), 'JPEG', (122, 31, 61))
    (folder / 'intro.yaml').write_text(chapter)
    raster(folder / 'march.jpg', (2400, 1600), 'JPEG', (200, 16, 46))
    raster(folder / 'march.zh.jpg', (2400, 1600), 'JPEG', (31, 78, 121))
    raster(folder / 'rule.png', (600, 8), 'PNG', (120, 120, 120))
    (folder / 'mark.svg').write_text(LOGO)
    (folder / 'members.csv').write_text('region,members\nAfrica,12\n"Asia and the Pacific",7\n'
                                        'Europe,1234.5\n', 'utf-8')
    return folder


FRENCH = {'Sex workers marching with a red umbrella banner':
          'Des travailleuses du sexe défilent derrière une banderole au parapluie rouge',
          'Africa': 'Afrique', 'Europe': 'Europe', 'Members by region': 'Membres par région',
          'Member organisations': 'Organisations membres', 'Organisations': 'Organisations',
          "The network's mark": 'La marque du réseau', 'region': 'région'}


@pytest.fixture(scope='module')
def media_project(tmp_path_factory):
    root = tmp_path_factory.mktemp('media') / 'project'
    shutil.copytree(ROOT / 'templates', root / 'templates')
    shutil.copytree(ROOT / 'locales', root / 'locales',
                    ignore=shutil.ignore_patterns('strategic-review*', '*.pot'))
    write_media_publication(root / 'content' / SLUG)
    project = Project(root)
    update_all(project)
    set_translations(project, 'fr', SLUG, FRENCH)
    images.clear_cache()
    results = Builder(project, log_warnings=False).build(BuildRequest(languages=('en', 'fr', 'zh')))
    failed = [result.error for result in results if result.status != 'written']
    assert not failed, failed
    return project


def output(project, language, fmt):
    return project.output_dir / language / f'nswp-{SLUG}-brief-{language}.{fmt}'


def structure(reader):
    """(tag, Alt) of every structure element, depth first."""
    found = []

    def walk(node):
        node = node.get_object()
        if '/S' in node:
            found.append((str(node['/S']), str(node.get('/Alt')) if '/Alt' in node else None))
        kids = node.get('/K')
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            kid = kid.get_object() if hasattr(kid, 'get_object') else kid
            if isinstance(kid, dict):
                walk(kid)
    walk(reader.trailer['/Root']['/StructTreeRoot'])
    return found


def test_pdf_has_the_print_images_and_alt_text(media_project):
    reader = PdfReader(output(media_project, 'fr', 'pdf'))
    sizes = [(width, height) for width, height, _ in raster_images(reader)]
    assert (2400, 1600) in sizes                   # the original photo, not the web copy
    assert (600, 8) in sizes
    figures = [alt for tag, alt in structure(reader) if tag == '/Figure']
    assert all(figures), figures       # decorative pictures are artifacts, not empty Figures
    assert FRENCH['Sex workers marching with a red umbrella banner'] in figures
    assert 'La marque du réseau' in figures
    # The chart: its name, then its numbers in French, worded by the catalog's messages.
    assert 'Membres par région (Organisations). Afrique\u202f: 12. ' \
           'Asia and the Pacific\u202f: 7. Europe\u202f: 1\u202f234,5.' in figures
    text = ''.join(page.extract_text() for page in reader.pages)
    assert '1\u202f234,5' in text or '1 234,5' in text     # the chart and the CSV table
    assert 'Afrique' in text and 'Organisations membres' in text
    assert 'Photo: NSWP' in text
    assert figures.count('NSWP') == 2                  # the logo: cover and back page
    assert 'Made possible by our funders.' in text and 'Red Umbrella Fund' in text
    assert (300, 100) in sizes                         # the funder's logo, as a background


def test_chinese_pdf_uses_its_own_image_variant(media_project):
    reader = PdfReader(output(media_project, 'zh', 'pdf'))
    colours = set()
    for page in reader.pages:
        for xobject in page['/Resources'].get('/XObject', {}).values():
            xobject = xobject.get_object()
            if xobject['/Subtype'] == '/Image' and int(xobject['/Width']) == 2400:
                picture = PILImage.open(io.BytesIO(xobject.get_data())) \
                    if xobject.get('/Filter') == '/DCTDecode' else None
                if picture:
                    colours.add(picture.convert('RGB').getpixel((5, 500)))
    assert colours and all(abs(b - 121) < 12 and r < 50 for r, g, b in colours)
    text = ''.join(page.extract_text() for page in reader.pages)
    assert '1,234.5' in text


def test_html_links_web_copies_with_sizes(media_project):
    html = output(media_project, 'fr', 'html').read_text('utf-8')
    photo = re.search(r'<img src="(images/march-[0-9a-f]{12}\.jpg)" width="(\d+)" height="(\d+)" '
                      r'alt="([^"]*)"', html)
    assert photo, html[:3000]
    assert (photo[2], photo[3]) == ('1600', '1067')
    assert photo[4] == FRENCH['Sex workers marching with a red umbrella banner']
    copy = output(media_project, 'fr', 'html').parent / photo[1]
    assert PILImage.open(copy).size == (1600, 1067)
    assert re.search(r'<img src="images/rule-[0-9a-f]{12}\.png" width="600" height="8" '
                     r'alt="" role="presentation">', html)
    assert re.search(r'<img src="images/mark-[0-9a-f]{12}\.svg" width="120" height="40" '
                     r'alt="La marque du réseau">', html)
    assert 'role="img" aria-labelledby="split-title"' in html
    assert '<details class="chart-data">' in html
    zh = output(media_project, 'zh', 'html').read_text('utf-8')
    assert re.search(r'src="images/march\.zh-[0-9a-f]{12}\.jpg"', zh)
    assert 'file:' not in html and 'file:' not in zh


def test_catalog_has_csv_messages_with_their_file_and_line(media_project):
    pot = (media_project.locales_dir / f'{SLUG}.pot').read_text('utf-8')
    assert f'#: content/{SLUG}/members.csv:2\nmsgid "Africa"' in pot
    assert f'#: content/{SLUG}/members.csv:3\nmsgid "Asia and the Pacific"' in pot
    assert f'content/{SLUG}/members.csv:1' in pot and 'msgid "region"' in pot
    assert f'#: content/{SLUG}/intro.yaml:7\nmsgid "Sex workers marching' in pot
    assert 'msgid "1234.5"' not in pot and 'msgid "members.csv"' not in pot
    assert 'msgid "march.jpg"' not in pot


def test_incremental_build_watches_images_and_csv_and_rebuilds_the_same_bytes(
        media_project, capsys, monkeypatch):
    monkeypatch.setattr(cli, 'ROOT', media_project.root)
    build = ['--lang', 'en', '--jobs', '1']

    def statuses():
        assert cli.main(build) == 0
        rows = capsys.readouterr().out.splitlines()[1:]
        return {row.split()[0] for row in rows if row.strip()}

    assert statuses() == {'written'}                 # the first build with a manifest
    pdf = output(media_project, 'en', 'pdf')
    first = pdf.read_bytes()
    assert statuses() == {'unchanged'}
    folder = media_project.content_dir / SLUG
    csv = folder / 'members.csv'
    original = csv.read_text()
    csv.write_text(original.replace('Europe,1234.5', 'Europe,1500'))
    try:
        assert statuses() == {'written'}
        assert '1,500' in ''.join(page.extract_text() for page in PdfReader(pdf).pages)
    finally:
        csv.write_text(original)
    assert statuses() == {'written'}
    assert pdf.read_bytes() == first                  # same inputs, same bytes
    raster(folder / 'rule.png', (600, 9), 'PNG', (120, 120, 120))
    assert statuses() == {'written'}
    assert 'height="9"' in output(media_project, 'en', 'html').read_text('utf-8')


def refused(tmp_path, chapter=CHAPTER, extra='', change=None):
    folder = write_media_publication(tmp_path / 'pub', chapter, extra=extra)
    if change:
        change(folder)
    images.clear_cache()
    with pytest.raises(ContentError) as caught:
        content.load_publication(folder, LANGUAGES)
    message = str(caught.value)
    assert '\n' not in message
    return message


def test_missing_image(tmp_path):
    assert 'intro.yaml:6: image "gone.jpg" not found in pub/' in refused(
        tmp_path, CHAPTER.replace('src: march.jpg', 'src: gone.jpg'))


def test_image_over_20_mb(tmp_path):
    def grow(folder):
        with open(folder / 'march.jpg', 'r+b') as file:
            file.truncate(20 * 1024 * 1024 + 1)
    assert 'intro.yaml:6: image "march.jpg" is 20.0 MB, more than the 20 MB allowed' in refused(
        tmp_path, change=grow)


def test_unsupported_format(tmp_path):
    def gif(folder):
        PILImage.new('RGB', (4, 4)).save(folder / 'march.jpg', 'GIF')
    assert 'intro.yaml:6: image "march.jpg" is not a PNG, JPEG or SVG image' in refused(
        tmp_path, change=gif)


@pytest.mark.parametrize('alt, expected', [
    (None, 'intro.yaml:5: image: alt text is missing or empty'),
    ('""', 'intro.yaml:7: image: alt text is empty'),
    ('"   "', 'intro.yaml:7: image: alt text is empty'),
])
def test_missing_or_empty_alt(tmp_path, alt, expected):
    line = '      alt: "Sex workers marching with a red umbrella banner"\n'
    chapter = CHAPTER.replace(line, '' if alt is None else f'      alt: {alt}\n')
    assert expected in refused(tmp_path, chapter)


def test_hostile_svg(tmp_path):
    def script(folder):
        (folder / 'mark.svg').write_text(LOGO.replace('<rect', '<script>alert(1)</script>\n<rect'))
    assert 'mark.svg:1: SVG <script> element is not allowed' in refused(tmp_path, change=script)


def test_svg_linking_outside(tmp_path):
    def link(folder):
        (folder / 'mark.svg').write_text(LOGO.replace(
            '<rect', '<image href="https://example.org/x.png" width="1" height="1"/><rect'))
    assert 'links outside the publication are not allowed' in refused(tmp_path, change=link)


def test_bad_csv_number(tmp_path):
    def typo(folder):
        (folder / 'members.csv').write_text('region,members\nAfrica,12\nEurope,"1,234.5"\n')
    assert 'members.csv:3: column "members": "1,234.5" is not a number' in refused(
        tmp_path, change=typo)


def test_unknown_chart_column(tmp_path):
    assert ('intro.yaml:21: chart column "member" is not a column of members.csv '
            '(its columns are: region, members)') in refused(
        tmp_path, CHAPTER.replace('      y: members\n', '      y: member\n'))


def test_unknown_chart_type(tmp_path):
    assert 'intro.yaml:17: chart: unknown type "pie"' in refused(
        tmp_path, CHAPTER.replace('type: bar', 'type: pie'))


def test_logo_that_is_not_an_image(tmp_path):
    folder = write_media_publication(tmp_path / 'pub')
    meta = folder / 'publication.yaml'
    meta.write_text(meta.read_text().replace('logo: {src: mark.svg', 'logo: {src: notes.txt'))
    (folder / 'notes.txt').write_text('NSWP')
    with pytest.raises(ContentError) as caught:
        content.load_publication(folder, LANGUAGES)
    assert 'publication.yaml:8: logo "notes.txt" is not a PNG, JPEG or SVG image' in str(caught.value)


def test_table_with_both_forms(tmp_path):
    table = '      caption: "Figures by region"\n      data: members.csv\n'
    chapter = CHAPTER.replace(table, table + '      header: ["a"]\n      rows: [["b"]]\n')
    assert 'table: give either "header" and "rows", or "data: file.csv"' in refused(
        tmp_path, chapter)


def test_chromium_shows_images_chart_and_its_data(media_project, browser):
    """The web page in a real browser: every image decoded at its size, the chart laid out
    and named, its data table reachable."""
    page = browser.new_page(viewport={'width': 1000, 'height': 900})
    failed = []
    page.on('requestfailed', lambda request: failed.append(request.url))
    page.goto(output(media_project, 'fr', 'html').as_uri())
    page.wait_for_load_state('load')
    shown = page.eval_on_selector_all('img', '''images => images.map(image => [
        image.getAttribute('alt'), image.complete, image.naturalWidth,
        image.getBoundingClientRect().width])''')
    assert failed == []
    # cover: logo, picture; chapter: photo, mark, rule; back: funder's logo, logo
    assert len(shown) == 7
    assert [row[0] for row in shown].count('NSWP') == 2
    for alt, complete, natural, width in shown:
        assert complete and natural > 0 and width > 0, (alt, natural, width)
    photo = [row for row in shown if row[0].startswith('Des travailleuses')]
    assert photo and photo[0][2] == 1600 and photo[0][3] <= 1000
    chart = page.locator('svg[role="img"][aria-labelledby="split-title"]')
    assert chart.bounding_box()['width'] > 300
    assert page.locator('svg[aria-labelledby="split-title"] title').text_content() == 'Who leads'
    details = page.locator('details.chart-data').first
    assert not details.locator('table').is_visible()
    details.locator('summary').click()
    assert details.locator('table').is_visible()
    assert 'Afrique' in details.locator('table').inner_text()
    assert '1\u202f234,5' in details.locator('table').inner_text()
    page.close()


def test_cover_colour_must_be_a_colour(tmp_path):
    folder = write_media_publication(tmp_path / 'pub')
    meta = folder / 'publication.yaml'
    meta.write_text(meta.read_text().replace('"#7a1f3d"', '"red; background: url(x)"'))
    with pytest.raises(ContentError) as caught:
        content.load_publication(folder, LANGUAGES)
    assert 'publication.yaml:14: cover: colour "red; background: url(x)" is not a colour' in str(
        caught.value)


def test_funder_logo_that_is_not_an_image(tmp_path):
    folder = write_media_publication(tmp_path / 'pub')
    (folder / 'fund.png').write_text('not a picture')
    with pytest.raises(ContentError) as caught:
        content.load_publication(folder, LANGUAGES)
    assert 'publication.yaml:12: funder logo "fund.png" is not a PNG, JPEG or SVG image' in str(
        caught.value)


def test_nothing_in_images_or_charts_escapes_translation(media_project):
    """Pseudo-translated, every word of the charts, captions, alt texts, funders and CSV
    cells is inside a message (wrapped chart labels included)."""
    from nswp_publish.qa.leaks import find_leaks
    builder = Builder(media_project, log_warnings=False)
    assert find_leaks(builder, builder.publication(SLUG)) == []
