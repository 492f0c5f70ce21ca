"""The briefing paper, the second real publication: built in English, French and Chinese and
checked in the PDFs themselves (page count, the photo, the chart, the logo and the funders,
numbers in each language's format, footnotes, box and table), with complete catalogs and no
figure that the Strategic Review does not give."""
import re

import pytest
from babel.numbers import format_decimal, format_percent
from pypdf import PdfReader

from nswp_publish.i18n.catalog import po_path, read_catalog
from nswp_publish.build.pipeline import Builder
from nswp_publish.project import BuildRequest, Project

from conftest import ROOT, PdfText, raster_images, squeeze

SLUG = 'briefing-member-consultation-2015'
EDITION = 'briefing'
LANGUAGES = ('en', 'fr', 'zh')
FOLDER = ROOT / 'content' / SLUG
PHOTO_ALT = ('Illustration: members of sex worker-led organisations around a table at a consultation '
             'workshop, with papers and cups; one participant stands by a flip chart and points to a '
             'diagram.')


@pytest.fixture(scope='module')
def briefing(tmp_path_factory):
    """The briefing's PDFs in three languages, built once for this module (a few seconds)."""
    project = Project(ROOT, tmp_path_factory.mktemp('briefing'))
    results = Builder(project).build(BuildRequest(languages=LANGUAGES, formats=('pdf',),
                                                  publications=(SLUG,)))
    failed = [result.error for result in results if result.status != 'written']
    assert not failed, failed
    return {language: project.output_dir / language / f'nswp-{SLUG}-{EDITION}-{language}.pdf'
            for language in LANGUAGES}


def translate(language, text):
    """The briefing catalog's translation of an English message (the English in English)."""
    if language == 'en':
        return text
    catalog = read_catalog(po_path(ROOT / 'locales', language, SLUG), language, SLUG)
    return catalog[text].string


def alt_texts(reader):
    """The /Alt of every element of the tagged PDF's structure tree."""
    alts, stack = [], [reader.trailer['/Root']['/StructTreeRoot']]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, 'get_object') else node
        if isinstance(node, list):
            stack.extend(node)
        elif hasattr(node, 'get'):
            if '/Alt' in node:
                alts.append(str(node['/Alt']))
            if '/K' in node:
                stack.append(node['/K'])
    return alts


@pytest.mark.parametrize('language', LANGUAGES)
def test_the_photo_at_print_resolution_with_translated_alt(briefing, language):
    reader = PdfReader(briefing[language])
    # consultation.jpg is 1800 x 760: the PDF keeps the print file, a JPEG, whole.
    assert (1800, 760, '/DCTDecode') in raster_images(reader)
    alt = translate(language, PHOTO_ALT)
    assert squeeze(alt) in [squeeze(text) for text in alt_texts(reader)]


@pytest.mark.parametrize('language', LANGUAGES)
def test_the_chart_in_the_language(briefing, language):
    drawn = squeeze(PdfText(briefing[language]).figures)
    # Categories and series names come from the CSV, through the catalog.
    for label in ('Survey of NSWP members', 'Organisations', 'Countries'):
        assert squeeze(translate(language, label)) in drawn, label
    if language != 'en':
        assert 'SurveyofNSWPmembers' not in drawn
    # Its values and axis ticks, as Babel writes them in this language.
    for value in (41, 79, 28, 31, 20, 40, 60, 80):
        assert squeeze(format_decimal(value, locale=language)) in drawn


@pytest.mark.parametrize('language', LANGUAGES)
def test_the_charts_numbers_reach_a_screen_reader(briefing, language):
    """The chart's Figure /Alt gives its numbers with their labels, in this language, in
    the table's order: what a screen reader says instead of the picture."""
    caption = translate(language, "Organisations and countries that took part in the "
                                  "review's survey and in-depth consultations")
    alts = alt_texts(PdfReader(briefing[language]))
    chart_alt = [text for text in alts if text.startswith(caption)]
    assert len(chart_alt) == 1, alts
    said = chart_alt[0][len(caption):]
    wanted = [translate(language, 'Survey of NSWP members'), '41', '28',
              translate(language, 'In-depth consultations with selected NSWP members'),
              '79', '31']
    places = [said.find(text) for text in wanted]
    assert -1 not in places and places == sorted(places), (said, wanted)
    assert said.count(translate(language, 'Organisations')) == 2
    assert said.count(translate(language, 'Countries')) == 2


@pytest.mark.parametrize('language', LANGUAGES)
def test_logo_on_cover_and_back_page_and_funders(briefing, language):
    reader = PdfReader(briefing[language])
    text = PdfText(briefing[language])
    first, last = text.pages[0], text.pages[-1]
    assert 'NSWP' in first[2] and 'NSWP' in last[2]        # the logo's lettering, drawn as SVG
    back = squeeze(last[0] + last[1])
    for line in ('As the Strategic Review reports, NSWP secured substantial funding for its '
                 'work in 2010-2015 from:', 'Bridging the Gap',
                 'Robert Carr civil society Networks Fund (RCNF)'):
        assert squeeze(translate(language, line)) in back, line
    assert 'NSWP' in alt_texts(reader)


@pytest.mark.parametrize('language', LANGUAGES)
def test_two_to_four_pages(briefing, language):
    assert 2 <= len(PdfReader(briefing[language]).pages) <= 4


def test_french_numbers_are_french(briefing):
    """Percentages read '74 %' (a no-break space before the sign) in French, '74%' in English."""
    def raw(language):
        return ''.join(page.extract_text() for page in PdfReader(briefing[language]).pages)
    french, english = raw('fr'), raw('en')
    for share in (0.74, 0.67):
        assert format_percent(share, locale='fr') != format_percent(share, locale='en')
        number = str(round(share * 100))
        assert re.search(number + '[\u00a0\u202f]%', french), number
        assert number + '%' in english and number + '%' not in french


@pytest.mark.parametrize('language', LANGUAGES)
def test_footnotes_box_and_table_in_the_language(briefing, language):
    text = PdfText(briefing[language])
    everything = squeeze(text.body + text.small)
    for footnote in ('During this period, NSWP had two Strategic Plans: 2010-12 and 2013-15',
                     '1. Communication and information sharing; 2. Community research and '
                     'knowledge management; 3. Advocacy to influence policy and practice; '
                     '4. Capacity building and technical support; 5. Convening and building '
                     'solidarity in the sex worker movement.'):
        assert squeeze(translate(language, footnote)) in squeeze(text.small)
    for shown in ('Consulting members beyond the review',              # the box's title
                  'Key stakeholders interviewed for the review, by group'):   # the table
        assert squeeze(translate(language, shown)) in everything


def test_catalogs_complete():
    """Every language ships 100 % translated: no empty, fuzzy or missing message."""
    for language in ('fr', 'es', 'ru', 'zh'):
        catalog = read_catalog(po_path(ROOT / 'locales', language, SLUG), language, SLUG)
        left = [message.id for message in catalog if message.id
                and (not message.string or message.fuzzy)]
        assert not left, (language, left)


def test_every_figure_is_traceable():
    """Each number of the briefing's text and data is a figure of the Strategic Review's source
    (or of its published Chinese summary): nothing invented."""
    review = ''.join(path.read_text(encoding='utf-8') for path in
                     (ROOT / 'content' / 'strategic-review-2010-15').glob('*.yaml'))
    seed = (ROOT / 'tests' / 'data' / 'seed-strategic-review-2010-15-summary-zh.txt').read_text(
        encoding='utf-8')
    sources = set(re.findall(r'\d+', review + seed))
    briefing_text = ''.join(
        re.sub(r'^\s*#.*$', '', path.read_text(encoding='utf-8'), flags=re.M)
        for path in sorted(FOLDER.glob('*.yaml')) + sorted(FOLDER.glob('*.csv'))
        if path.name != 'publication.yaml')
    numbers = set(re.findall(r'\d+', briefing_text))
    assert numbers and numbers <= sources, numbers - sources
