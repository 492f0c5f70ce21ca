"""EPUB 3: what the book holds, checked by EPUBCheck and DAISY Ace, and rebuilt the same.

Built once per module: the Chinese summary of the Strategic Review (with its PDF, whose
layout the EPUB's page list follows) and the English briefing paper (images, a chart,
notes), in a pool of two workers, as `build` does.
"""
import dataclasses
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from nswp_publish.build.incremental import plan
from nswp_publish.build.parallel import build_jobs
from nswp_publish.build.pipeline import Builder
from nswp_publish.epub import documents, fonts as epub_fonts, package, pagebreaks, xhtml
from nswp_publish.pdf.pages import PageStart
from nswp_publish.errors import FontError
from nswp_publish.project import BuildRequest, Project
from nswp_publish.qa.epubs import check_epubs

from conftest import ROOT, SLUG

BRIEFING = 'briefing-member-consultation-2015'
OPF = {'opf': 'http://www.idpf.org/2007/opf', 'dc': 'http://purl.org/dc/elements/1.1/'}
X = {'x': xhtml.XHTML, 'svg': xhtml.SVG}
EPUB_TYPE = '{http://www.idpf.org/2007/ops}type'


@pytest.fixture(scope='module')
def books(tmp_path_factory):
    """{name: path} of the built EPUBs (and the zh summary's PDF), and their project."""
    project = Project(ROOT, tmp_path_factory.mktemp('epub'))
    built = {}
    for request in (BuildRequest(languages=('zh',), editions=('summary',),
                                 formats=('pdf', 'epub'), publications=(SLUG,)),
                    BuildRequest(languages=('en',), formats=('epub',),
                                 publications=(BRIEFING,))):
        todo, _, manifest = plan(project, request)
        for job, result in build_jobs(project, request, todo, 2).items():
            assert result.status == 'written', result.error
            manifest.record(job, result.seconds)
            built[(job.slug, job.language, job.fmt)] = job.path
        manifest.save()
    return project, built


def entries(path):
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}, \
            archive.infolist()


def parsed(data):
    return ElementTree.fromstring(data)


def content_documents(files):
    return {name: parsed(data) for name, data in files.items()
            if name.endswith('.xhtml') and not name.endswith('nav.xhtml')}


def test_the_tools_publishers_use_find_nothing(books):
    """EPUBCheck: no fatal error, error or warning; DAISY Ace: no violation."""
    project, built = books
    paths = [path for (slug, language, fmt), path in built.items() if fmt == 'epub']
    findings = check_epubs(paths, ROOT)
    assert findings == {path: [] for path in paths}


def test_named_like_the_pdfs_and_zipped_as_ocf_requires(books):
    _, built = books
    pdf, epub = built[(SLUG, 'zh', 'pdf')], built[(SLUG, 'zh', 'epub')]
    assert epub.name == pdf.name.replace('.pdf', '.epub') == \
        'nswp-strategic-review-2010-15-summary-zh.epub'
    files, infos = entries(epub)
    assert infos[0].filename == 'mimetype' and infos[0].compress_type == zipfile.ZIP_STORED
    assert files['mimetype'] == b'application/epub+zip'
    assert epub.read_bytes()[30:38] == b'mimetype'
    assert b'EPUB/package.opf' in files['META-INF/container.xml']


def test_page_list_is_the_print_editions_pages_where_they_start(books):
    """Every printed page is in the page list, in order, and its break stands before the
    text that page begins with (page 4 starts inside a paragraph)."""
    _, built = books
    reader = PdfReader(built[(SLUG, 'zh', 'pdf')])
    files, _ = entries(built[(SLUG, 'zh', 'epub')])
    nav = parsed(files['EPUB/nav.xhtml'])
    page_list = next(element for element in nav.iter(f'{{{xhtml.XHTML}}}nav')
                     if element.get(EPUB_TYPE) == 'page-list')
    assert page_list.get('role') == 'doc-pagelist'
    links = [(link.text, link.get('href')) for link in page_list.iter(f'{{{xhtml.XHTML}}}a')]
    assert [label for label, _ in links] == [str(n) for n in range(1, len(reader.pages) + 1)]
    texts = {}
    for label, href in links:
        name, ident = href.split('#')
        document = parsed(files[f'EPUB/{name}'])
        marker = document.find(f'.//*[@id="{ident}"]')
        assert marker.get('role') == 'doc-pagebreak' and marker.get(EPUB_TYPE) == 'pagebreak'
        assert marker.get('aria-label') == label
        texts[label] = _text_after(document, marker)
    squeeze = lambda text: re.sub(r'\s+', '', text)
    page_4 = squeeze(reader.pages[3].extract_text())
    after = squeeze(texts['4'])
    # The page's text, its running head aside, is what follows the break.
    assert after[:12] in page_4 and page_4.index(after[:12]) < 40, (after[:30], page_4[:60])
    package_document = parsed(files['EPUB/package.opf'])
    source = package_document.find('.//dc:source', OPF)
    assert source.text == built[(SLUG, 'zh', 'pdf')].name


def _text_after(document, marker):
    """The text that follows `marker` in document order."""
    seen, parts = False, []
    for element in document.iter():
        if element is marker:
            seen = True
            parts.append(element.tail or '')
            continue
        if seen:
            parts.append(element.text or '')
            parts.append(element.tail or '')
        if sum(map(len, parts)) > 200:
            break
    return ''.join(parts)


def test_a_page_that_starts_after_a_link_inside_a_paragraph():
    """The break goes before the word the page starts in, after the note reference."""
    root = xhtml.parse('<body><section class="chapter" id="c"><h1>T</h1><p><span '
                       'id="m-aa-1">Alpha <a href="#n">1</a> beta gam-</span></p></section>'
                       '</body>')
    parts = documents.split_book(root)
    language = Project(ROOT).languages.source
    placed = pagebreaks.mark_pages(parts, [PageStart(1, None), PageStart(2, 'm-aa-1', 'gam-')],
                                   {}, language)
    assert placed == [('1', 'c.xhtml', 'page-1'), ('2', 'c.xhtml', 'page-2')]
    span = parts[0].body.find('.//*[@id="m-aa-1"]')
    assert [child.get('id') for child in span] == [None, 'page-2']
    assert span[0].tail == ' beta ' and span[1].tail == 'gam-'


def test_language_direction_and_metadata(books):
    _, built = books
    files, _ = entries(built[(SLUG, 'zh', 'epub')])
    for name, root in content_documents(files).items():
        assert root.get('lang') == 'zh' and root.get('{http://www.w3.org/XML/1998/namespace}lang') == 'zh'
        assert root.get('dir') == 'ltr'
        assert root.find('x:head/x:title', X).text.strip(), name
    opf = parsed(files['EPUB/package.opf'])
    assert opf.find('.//dc:language', OPF).text == 'zh'
    titles = [title.text for title in opf.findall('.//dc:title', OPF)]
    assert titles[0] == 'NSWP 战略回顾' and len(titles) == 3
    assert opf.find('.//dc:creator', OPF).text == 'Sarah Middleton-Lee'
    assert opf.find('.//dc:date', OPF).text == '2015-10'
    assert opf.find('.//dc:publisher', OPF).text == '全球性工作项目网络（NSWP）'
    meta = {}
    for element in opf.iter('{http://www.idpf.org/2007/opf}meta'):
        meta.setdefault(element.get('property'), []).append(element.text)
    assert meta['dcterms:modified'] == ['2015-10-01T00:00:00Z']
    assert meta['schema:accessMode'] == ['textual', 'visual']
    assert 'textual' in meta['schema:accessModeSufficient']
    assert {'printPageNumbers', 'pageBreakMarkers', 'tableOfContents', 'alternativeText',
            'longDescription'} <= set(meta['schema:accessibilityFeature'])
    assert meta['schema:accessibilityHazard'] == ['none']
    assert meta['schema:accessibilitySummary'][0].startswith('本电子书符合 EPUB Accessibility 1.1')
    assert meta['dcterms:conformsTo'] == ['EPUB Accessibility 1.1 - WCAG 2.2 Level AA']
    assert meta['a11y:certifiedBy'] == ['全球性工作项目网络（NSWP）']
    assert opf.find('opf:spine', OPF).get('page-progression-direction') == 'ltr'


def test_right_to_left_language_sets_dir_and_page_progression():
    """Read from the `Language`: no module names a language."""
    language = dataclasses.replace(Project(ROOT).languages.source, code='xx', direction='rtl')
    page = documents.build_page(xhtml.parse('<body><p>x</p></body>').find(xhtml.tag('body')),
                                language, 'css/book.css', 'T')
    assert page.get('dir') == 'rtl' and page.get('lang') == 'xx'
    meta = package.Metadata('urn:uuid:0', 'T', None, 'E', language, None, 'P', '2026-12',
                            '2026-12-01T00:00:00Z', None, (), 'x.pdf', 'S', 'P')
    opf = parsed(package.package_document(meta, [('a.xhtml', None)], ['a.xhtml'], [], False))
    assert opf.get('dir') == 'rtl'
    assert opf.find('opf:spine', OPF).get('page-progression-direction') == 'rtl'


def test_footnotes_are_epub_footnotes_linked_both_ways(books):
    _, built = books
    files, _ = entries(built[(BRIEFING, 'en', 'epub')])
    pages = content_documents(files)
    notes = 0
    for name, root in pages.items():
        for ref in root.iter(f'{{{xhtml.XHTML}}}a'):
            if ref.get('role') != 'doc-noteref':
                continue
            assert ref.get(EPUB_TYPE) == 'noteref'
            target = root.find(f'.//*[@id="{ref.get("href").lstrip("#")}"]')
            assert target is not None, (name, ref.get('href'))     # in the same file
            assert target.tag == f'{{{xhtml.XHTML}}}aside'
            assert target.get('role') == 'doc-footnote' and target.get(EPUB_TYPE) == 'footnote'
            back = [link for link in target.iter(f'{{{xhtml.XHTML}}}a')
                    if link.get('role') == 'doc-backlink']
            assert [link.get('href') for link in back] == [f'#{ref.get("id")}']
            notes += 1
    assert notes >= 3


def test_images_have_alt_text_and_charts_their_svg_and_data(books):
    _, built = books
    files, _ = entries(built[(BRIEFING, 'en', 'epub')])
    opf = parsed(files['EPUB/package.opf'])
    manifest = {item.get('href'): item for item in opf.iter('{http://www.idpf.org/2007/opf}item')}
    images = charts = 0
    for name, root in content_documents(files).items():
        for img in root.iter(f'{{{xhtml.XHTML}}}img'):
            assert img.get('alt') is not None
            assert f'EPUB/{img.get("src")}' in files and img.get('src') in manifest
            images += bool(img.get('alt'))
        parents = {child: parent for parent in root.iter() for child in parent}
        for figure in root.iter(f'{{{xhtml.XHTML}}}figure'):
            svg = figure.find('svg:svg', X)
            if svg is None:
                continue
            charts += 1
            assert svg.get('role') == 'img' and svg.find('svg:title', X).text.strip()
            # The data table right after the figure, whose caption stays its last child.
            siblings = list(parents[figure])
            data = siblings[siblings.index(figure) + 1]
            assert data.get('class') == 'chart-data' and data.find('x:table', X) is not None
            assert list(figure)[-1].tag == f'{{{xhtml.XHTML}}}figcaption'
            assert 'svg' in manifest[name.removeprefix('EPUB/')].get('properties', '')
    assert images >= 1 and charts >= 1


def test_chinese_fonts_are_embedded_as_subsets(books):
    """The text's every character is in the embedded faces, which hold a few thousand
    glyphs at most, not the 65,535 of the CJK font (16 MB a face)."""
    _, built = books
    files, _ = entries(built[(SLUG, 'zh', 'epub')])
    faces = {name: data for name, data in files.items() if name.startswith('EPUB/fonts/')}
    assert sorted(faces) == ['EPUB/fonts/NotoSansCJK-Bold-2.woff',
                             'EPUB/fonts/NotoSansCJK-Regular-2.woff',
                             'EPUB/fonts/NotoSerifCJK-Bold-2.woff',
                             'EPUB/fonts/NotoSerifCJK-Regular-2.woff']
    text = ''.join(''.join(root.itertext()) for root in content_documents(files).values())
    wanted = {ord(char) for char in text if not char.isspace()}
    assert len([code for code in wanted if code > 0x3000]) > 500
    for name, data in faces.items():
        font = TTFont(io.BytesIO(data))
        assert font.flavor == 'woff'
        assert len(font.getGlyphOrder()) < 3000, name
        assert wanted <= set(font.getBestCmap()), name
    assert sum(map(len, faces.values())) < 2_000_000
    css = files['EPUB/css/book.css'].decode()
    assert '@font-face { font-family: "Noto Serif CJK SC"; font-weight: 700' in css
    assert '@page' not in css and '@top-left' not in css


def test_a_stack_s_stand_in_family_is_embedded_for_the_characters_it_stands_in_for():
    """Arabic faces have no Latin letters: "NSWP" in an Arabic book comes from the next
    family of its stack, which the book brings too, subset to those letters; a book with
    no Latin letters brings no stand-in."""
    arabic = Project(ROOT).languages['ar']
    assert arabic.fonts.serif_stack[1:] and arabic.fonts.sans_stack[1:]
    stand_ins = {*arabic.fonts.serif_stack[1:], *arabic.fonts.sans_stack[1:],
                 *arabic.fonts.bold_stack[1:]}
    embedded = epub_fonts.embed(arabic, 'شبكة NSWP')
    by_family = {}
    for font in embedded:
        by_family.setdefault(font.family, []).append(font)
    assert set(by_family) == {*arabic.fonts.families}
    for family in stand_ins:
        for font in by_family[family]:
            cmap = set(TTFont(io.BytesIO(font.data)).getBestCmap())
            assert {ord(char) for char in 'NSWP'} <= cmap, font.name
            assert ord('ش') not in cmap and font.glyphs < 40, font.name
    own = by_family[arabic.fonts.serif][0]
    assert ord('ش') in set(TTFont(io.BytesIO(own.data)).getBestCmap())
    css = epub_fonts.font_face_css(embedded)
    assert all(f'font-family: "{family}"' in css for family in stand_ins)
    for font in epub_fonts.embed(arabic, 'شبكة'):       # no Latin: none of its letters
        if font.family in stand_ins:
            assert ord('N') not in set(TTFont(io.BytesIO(font.data)).getBestCmap())


def test_rebuilt_the_same_and_a_failed_build_keeps_the_previous(books, tmp_path,
                                                                monkeypatch):
    project, built = books
    path = built[(BRIEFING, 'en', 'epub')]
    before = path.read_bytes()
    again = Project(ROOT, tmp_path)
    builder = Builder(again)
    request = BuildRequest(languages=('en',), formats=('epub',), publications=(BRIEFING,))
    result = builder.build_one(builder.publication(BRIEFING), 'en', 'briefing', 'epub', request)
    assert result.status == 'written' and result.path.read_bytes() == before

    def missing(*args, **kwargs):
        raise FontError('font "Noto Serif" is not installed', hint='install it')
    monkeypatch.setattr(epub_fonts, 'font_file', missing)
    result = builder.build_one(builder.publication(BRIEFING), 'en', 'briefing', 'epub', request)
    assert result.status == 'failed' and 'Noto Serif' in result.error
    assert '\n' not in result.error
    assert result.path.read_bytes() == before


def test_incremental_builds_know_the_epubs(books):
    project, _ = books
    request = BuildRequest(languages=('en',), formats=('epub', 'html'), publications=(BRIEFING,))
    todo, current, _ = plan(project, request)
    assert [job.fmt for job in current] == ['epub'] and [job.fmt for job in todo] == ['html']
