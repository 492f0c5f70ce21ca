"""The PDFs themselves: text against the seed and the source, fonts, metadata, footnotes."""
import re

import pytest

from nswp_publish.content import load as content
from nswp_publish.content import markup
from nswp_publish.render.renderer import find_blocks
from nswp_publish.i18n.translate import format_value
from nswp_publish.build.pipeline import Builder
from nswp_publish.project import BuildRequest, Project

from conftest import LANGUAGES, PROJECT_LANGUAGES, ROOT, SEED, SLUG, PdfText, output_file, squeeze

SUPERSCRIPTS = '¹²³⁴⁵⁶⁷⁸⁹⁰'
#: Deliberate departures from the seed, each explained to translators in the catalog.
ERRATA = {
    # Finding 1 says 2014-15, footnote 2 says 2013-15: the plans ran 2010-12 and 2013-15.
    '2010-12 和 2014-15 的': '2010-12 和 2013-15 的',
}


def seed_lines():
    """(is_footnote, text) for every non-empty line of the published Chinese summary."""
    lines = []
    for line in SEED.read_text(encoding='utf-8').splitlines():
        line = line.strip()
        if not line:
            continue
        for wrong, right in ERRATA.items():
            line = line.replace(wrong, right)
        is_footnote = line[0] in SUPERSCRIPTS
        line = line.lstrip(SUPERSCRIPTS)
        line = re.sub(r'^(- |\d+\. )', '', line)            # list bullets and numbers
        line = line.replace('**', '').replace('<', '').replace('>', '')
        line = line.translate(str.maketrans('', '', SUPERSCRIPTS))
        lines.append((is_footnote, squeeze(line)))
    return lines


@pytest.fixture(scope='module')
def zh_summary(built):
    return PdfText(output_file(built, 'zh', 'summary', 'pdf'))


@pytest.fixture(scope='module')
def en_summary(built):
    return PdfText(output_file(built, 'en', 'summary', 'pdf'))


def without_bullets(text):
    return text.replace('•', '')


def test_zh_summary_has_every_seed_paragraph(zh_summary):
    body, small = without_bullets(zh_summary.body), zh_summary.small
    missing = [text for is_footnote, text in seed_lines()
               if text not in (small if is_footnote else body)]
    assert not missing, missing


def test_seed_errata_are_explained_to_translators():
    pot = (ROOT / 'locales' / f'{SLUG}.pot').read_text(encoding='utf-8')
    assert '2014-15' in pot.split('msgid "2010-12 and 2013-15')[0].rsplit('#:', 1)[0]


def test_en_summary_has_every_source_message(en_summary):
    publication = content.load_publication(ROOT / 'content' / SLUG, LANGUAGES)
    body, small = without_bullets(en_summary.body), en_summary.small
    # Footnotes are set small, the figure's labels are in its SVG; the rest is body text.
    notes = [note['text'] for note in publication.footnotes.values()]
    labels = [label for figure in figures(publication) for label in figure['labels']]
    # Recommendation headlines belong to the full edition's executive summary.
    headlines = [item['headline'] for block in find_blocks(publication.chapters, 'template')
                 if block['name'] == 'recommendations' for item in block['items']]
    missing = [message.text for message in content.iter_messages(publication.chapters, 'summary')
               if message not in labels + headlines and plain_english(message) not in body]
    missing += [message.text for message in notes if plain_english(message) not in small]
    missing += [message.text for message in labels
                if plain_english(message) not in en_summary.figures]
    assert not missing, missing


def figures(publication):
    """The figure blocks of a publication, wherever they are nested."""
    found = []
    def walk(tree):
        if isinstance(tree, dict):
            if tree.get('type') == 'figure':
                found.append(tree)
            for value in tree.values():
                walk(value)
        elif isinstance(tree, list):
            for value in tree:
                walk(value)
    walk(publication.chapters)
    return found


def plain_english(message):
    values = {name: format_value(value, 'en') for name, value in message.data.items()}
    return squeeze(markup.render_plain(message.text, values))


@pytest.mark.parametrize('language', ['en', 'zh'])
@pytest.mark.parametrize('edition', ['summary', 'full'])
def test_metadata_language_and_page_count(built, language, edition):
    pdf = PdfText(output_file(built, language, edition, 'pdf'))
    metadata = pdf.reader.metadata
    title = {'en': 'NSWP Strategic Review', 'zh': 'NSWP 战略回顾'}[language]
    label = {('en', 'summary'): 'Summary report', ('en', 'full'): 'Full report',
             ('zh', 'summary'): '摘要报告', ('zh', 'full'): '完整报告'}[language, edition]
    assert metadata.title == f'{title} – {label}'
    assert metadata.author == 'Sarah Middleton-Lee'
    assert metadata['/Keywords']
    assert pdf.reader.trailer['/Root']['/Lang'] == language
    assert pdf.reader.trailer['/Root']['/MarkInfo']['/Marked']   # tagged (PDF/UA-1)
    low, high = {'summary': (8, 16), 'full': (18, 32)}[edition]
    assert low <= len(pdf.reader.pages) <= high


def embedded_fonts(reader):
    names = set()
    for page in reader.pages:
        for font in page['/Resources']['/Font'].values():
            font = font.get_object()
            names.add(str(font['/BaseFont']).split('+', 1)[-1])
    return names


def test_zh_embeds_only_the_declared_fonts(zh_summary):
    fonts = embedded_fonts(zh_summary.reader)
    assert 'Noto-Serif-CJK-SC' in fonts and 'Noto-Sans-CJK-SC-Bold' in fonts
    # Any other family means fontconfig went hunting for a glyph our fonts lack.
    assert all(font.startswith(('Noto-Serif', 'Noto-Sans')) for font in fonts), fonts
    assert not [font for font in fonts if 'JP' in font or 'KR' in font or 'TC' in font], fonts


def test_en_embeds_noto(en_summary):
    fonts = embedded_fonts(en_summary.reader)
    assert {'Noto-Serif', 'Noto-Sans-Bold'} <= fonts, fonts
    assert not [font for font in fonts if 'CJK' in font], fonts


@pytest.mark.parametrize('language', ['en', 'zh'])
def test_footnotes_sit_on_the_page_of_their_reference(built, language):
    """Each note's text is at the foot of the page where the text citing it is."""
    from nswp_publish.i18n.catalog import MessageCatalog
    from nswp_publish.i18n.translate import Translator
    publication = content.load_publication(ROOT / 'content' / SLUG, LANGUAGES)
    catalog = MessageCatalog.load(ROOT / 'locales', PROJECT_LANGUAGES[language], publication.domain)
    translator = Translator(publication, catalog, PROJECT_LANGUAGES[language], 'web')
    pdf = PdfText(output_file(built, language, 'summary', 'pdf'))
    checked = 0
    for message in content.iter_messages(publication.chapters, 'summary'):
        text = catalog.lookup(message).text
        for label in markup.footnote_refs(text):
            before = squeeze(markup.render_plain(text.split(f'[^{label}]')[0],
                                                 _values(translator, message)))[-30:]
            note = squeeze(translator.footnote_text(label).plain)[:20]
            assert pdf.page_of(before) == pdf.page_of(note, small=True), label
            checked += 1
    assert checked == 9


def _values(translator, message):
    return {name: translator.value(value) for name, value in message.data.items()}


def test_footnotes_numbered_as_in_the_seed(zh_summary):
    small = zh_summary.small
    order = [small.find(f'{n}.{text}') for n, text in
             [(1, '《NSWP战略回顾'), (2, '在此期间'), (3, '目标1'), (4, '更多信息'),
              (5, '《中等收入国家'), (6, '1.交流'), (7, '《研究性工作(12)'),
              (8, '《性工作者主导'), (9, '《瑞典模型')]]
    assert -1 not in order and order == sorted(order), order


@pytest.mark.parametrize('language', ['en', 'zh'])
def test_figure_labels_are_translated(built, language):
    pdf = PdfText(output_file(built, language, 'summary', 'pdf'))
    expected = {'en': ['Community', 'empowerment', 'Clinical and support services'],
                'zh': ['社群赋权', '临床和支持服务']}[language]
    for label in expected:
        assert squeeze(label) in pdf.figures


def test_rebuild_is_byte_identical(built, tmp_path):
    project = Project(ROOT, tmp_path)
    request = BuildRequest(languages=('zh',), editions=('summary',), formats=('pdf',))
    Builder(project).build(request)
    first = output_file(project, 'zh', 'summary', 'pdf').read_bytes()
    assert first == output_file(built, 'zh', 'summary', 'pdf').read_bytes()


def test_full_edition_has_contents_acronyms_and_works_cited(built):
    pdf = PdfText(output_file(built, 'zh', 'full', 'pdf'))
    for heading in ('目录', '缩略语', '引用文献', '联合国艾滋病规划署'):
        assert heading in pdf.body
    en = PdfText(output_file(built, 'en', 'full', 'pdf'))
    for heading in ('Contents', 'Acronyms', 'Publications cited', 'Joint United Nations'):
        assert squeeze(heading) in en.body


def outline_pages(reader):
    """[(depth, title, page)] of a PDF's bookmarks, in order."""
    found = []
    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))
    walk(reader.outline, 0)
    return found


def test_bookmarks_follow_heading_levels(built):
    reader = PdfText(output_file(built, 'en', 'full', 'pdf')).reader
    outline = outline_pages(reader)
    top = [title for depth, title, _ in outline if depth == 0]
    assert top == ['NSWP Strategic Review', 'Contents', 'Figures and tables', 'Acronyms',
                   'About this report', 'Executive summary', 'Introduction', 'About NSWP',
                   'Methods', 'Findings', 'Conclusions and recommendations',
                   'Annex 1: Regional capacity-building support',
                   'Annex 2: Recommendations and the findings they answer',
                   "Annex 3: NSWP's donors, 2010-2015", 'Annex 4: Publications cited',
                   'About NSWP']
    findings = [title for depth, title, _ in outline if depth == 1 and title.split('.')[0].isdigit()]
    assert len(findings) == 12 and findings[0].startswith('1. The 2010-12 and 2013-15')
    assert any(depth == 2 and title.startswith('Case study:') for depth, title, _ in outline)


@pytest.mark.parametrize('language', ['en', 'zh'])
def test_toc_page_numbers_are_the_real_pages(built, language):
    pdf = PdfText(output_file(built, language, 'full', 'pdf'))
    outline = outline_pages(pdf.reader)
    real = {}
    for depth, title, page in outline:
        if depth == 0:
            real.setdefault(title, page)
    findings = [page for depth, title, page in outline if depth == 1
                and title.split('.')[0].isdigit()]
    toc_page = real[{'en': 'Contents', 'zh': '目录'}[language]]
    lines = pdf.reader.pages[toc_page - 1].extract_text().splitlines()
    entries = [re.match(r'(.+?)\s*\.{3,}\s*(\d+)$', line) for line in lines]
    entries = [(match[1].strip(), int(match[2])) for match in entries if match]
    assert len(entries) >= 4 + 12
    finding_entries = [page for title, page in entries if re.match(r'\D*\d+$', title)]
    assert finding_entries == findings
    for title, page in entries:
        if title in real:
            assert page == real[title], title


@pytest.fixture(scope='module')
def variants(tmp_path_factory):
    """The English summary as each PDF variant."""
    paths = {}
    for variant in ('accessible', 'print', 'archive'):
        project = Project(ROOT, tmp_path_factory.mktemp(variant))
        Builder(project).build(BuildRequest(languages=('en',), editions=('summary',),
                                            formats=('pdf',), pdf_variant=variant))
        paths[variant] = output_file(project, 'en', 'summary', 'pdf')
    return paths


def xmp(reader):
    return reader.trailer['/Root']['/Metadata'].get_object().get_data().decode()


def test_default_variant_is_tagged_pdf_ua(variants):
    reader = PdfText(variants['accessible']).reader
    root = reader.trailer['/Root']
    assert '/StructTreeRoot' in root and root['/MarkInfo']['/Marked']
    assert 'pdfuaid:part' in xmp(reader)
    assert reader.pdf_header == '%PDF-1.7'


def test_print_variant_is_pdf_x4_with_bleed_and_output_intent(variants):
    reader = PdfText(variants['print']).reader
    intent = reader.trailer['/Root']['/OutputIntents'][0].get_object()
    assert intent['/S'] == '/GTS_PDFX' and '/DestOutputProfile' in intent
    assert 'PDF/X-4' in xmp(reader)
    page = reader.pages[1]
    bleed = float(page.trimbox.left) - float(page.mediabox.left)
    assert abs(bleed - 3 / 25.4 * 72) < 0.01          # 3 mm on each side
    assert float(page.trimbox.width) == pytest.approx(595.28, abs=0.01)   # A4 trim


def test_archive_variant_is_pdf_a2u(variants):
    reader = PdfText(variants['archive']).reader
    metadata = xmp(reader)
    assert 'pdfaid:part="2"' in metadata or '<pdfaid:part>2</pdfaid:part>' in metadata
    assert 'conformance="U"' in metadata or '<pdfaid:conformance>U<' in metadata
    assert reader.trailer['/Root']['/OutputIntents'][0].get_object()['/S'] == '/GTS_PDFA1'


@pytest.fixture(scope='module')
def other_languages(tmp_path_factory):
    project = Project(ROOT, tmp_path_factory.mktemp('others'))
    results = Builder(project).build(BuildRequest(languages=('fr', 'es', 'ru'), formats=('pdf',)))
    assert all(result.status == 'written' for result in results), results
    return project


@pytest.mark.parametrize('language, labels', [
    ('fr', ['Autonomisation', 'communauté']),
    ('es', ['Empoderamiento', 'comunitario']),
    ('ru', ['Расширение', 'возможностей']),
])
def test_figure_labels_in_other_languages(other_languages, language, labels):
    pdf = PdfText(output_file(other_languages, language, 'summary', 'pdf'))
    for label in labels:
        assert label in pdf.figures


@pytest.mark.parametrize('language, phrases', [
    ('en', ['41 organisations', '31 people', '3 people', 'more than 50 documents', '74%']),
    ('fr', ['41 organisations', '31 personnes', '74\u202f%']),
    ('es', ['41 organizaciones', '31 personas', '74\u00a0%']),
    ('ru', ['41 организация', '79 организаций', '31 человек', '3 человека']),
    ('zh', ['41 个组织', '31 人', '74%']),
])
def test_participation_figures_use_babel_numbers_and_plurals(built, other_languages,
                                                             language, phrases):
    project = built if language in ('en', 'zh') else other_languages
    pdf = PdfText(output_file(project, language, 'full', 'pdf'))
    text = pdf.figures + pdf.body
    for phrase in phrases:
        assert squeeze(phrase) in text, phrase


def test_footnote_calls_and_toc_entries_are_live_links(built):
    for edition, expected in (('summary', set()), ('full', {'finding-1', 'finding-12', 'acronyms'})):
        reader = PdfText(output_file(built, 'zh', edition, 'pdf')).reader
        targets = set()
        for page in reader.pages:
            for annotation in page.get('/Annots') or []:
                annotation = annotation.get_object()
                if annotation.get('/Subtype') == '/Link' and '/Dest' in annotation:
                    targets.add(str(annotation['/Dest']))
        notes = {f'fn-{label}' for label in ('full-report', 'two-plans', 'goals', 'clac',
                                             'treatment-access', 'roles', 'research-for-sex-work',
                                             'good-practice-report', 'swedish-model')}
        assert notes | expected <= targets
        assert targets <= set(reader.named_destinations)


def test_weasyprint_s_library_lookups_answer_as_ctypes_does_from_one_ldconfig():
    """Each name WeasyPrint tries for its libraries gets ctypes' own answer (found or not),
    read from one `ldconfig -p` instead of a subprocess or three per name."""
    import ctypes.util
    from nswp_publish.pdf import libraries
    names = ['gobject-2.0', 'pango-1.0', 'harfbuzz', 'harfbuzz-subset', 'fontconfig',
             'pangoft2-1.0', 'libpango-1.0-0', 'pango-1.0-0', 'no-such-library-here']
    assert libraries.linker_cache() is not None
    assert [libraries.find_library(name) for name in names] == \
        [ctypes.util.find_library(name) for name in names]
    assert libraries.find_library('pango-1.0') == 'libpango-1.0.so.0'
    assert libraries.import_weasyprint().__name__ == 'weasyprint'
    assert ctypes.util.find_library is libraries._find_library      # put back
