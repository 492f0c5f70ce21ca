"""The briefing paper, the second real publication: built in English, French and Chinese and
checked in the PDFs themselves (page count, the photo and the logo, the chart and its numbers
in each language's format, the translated alternative text)."""
import re

import pytest
from babel.numbers import format_decimal, format_percent
from pypdf import PdfReader

from nswp_publish.catalog import po_path, read_catalog
from nswp_publish.pipeline import BuildRequest, Builder, Project

from conftest import ROOT, PdfText, squeeze

SLUG = 'briefing-member-consultation-2015'
EDITION = 'briefing'
LANGUAGES = ('en', 'fr', 'zh')
FOLDER = ROOT / 'content' / SLUG


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


def images_of(reader):
    """Every raster image XObject on the pages, found through forms too: (width, height, filter)."""
    found = []

    def visit(resources):
        for xobject in (resources or {}).get('/XObject', {}).values():
            xobject = xobject.get_object()
            if xobject['/Subtype'] == '/Image':
                found.append((xobject['/Width'], xobject['/Height'], xobject.get('/Filter')))
            elif xobject['/Subtype'] == '/Form':
                visit(xobject.get('/Resources'))

    for page in reader.pages:
        visit(page.get('/Resources'))
    return found


def alt_texts(reader):
    """The /Alt of every structure element of the tagged PDF."""
    alts, stack = [], [reader.trailer['/Root']['/StructTreeRoot']]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(item.get_object() for item in node)
            continue
        node = node.get_object() if hasattr(node, 'get_object') else node
        if not hasattr(node, 'get'):
            continue
        if '/Alt' in node:
            alts.append(str(node['/Alt']))
        if '/K' in node:
            kids = node['/K']
            stack.append(kids if isinstance(kids, list) else [kids])
    return alts


@pytest.mark.parametrize('language', LANGUAGES)
def test_two_to_four_pages(briefing, language):
    assert 2 <= len(PdfReader(briefing[language]).pages) <= 4


@pytest.mark.parametrize('language', LANGUAGES)
def test_the_photo_is_embedded_at_print_resolution_with_translated_alt(briefing, language):
    reader = PdfReader(briefing[language])
    # consultation.jpg is 1800 x 1125: the PDF keeps the print file, as a JPEG.
    assert (1800, 1125, '/DCTDecode') in images_of(reader)
    alt = translate(language, 'Illustration: members of sex worker-led organisations around a '
                    'table at a consultation workshop, with papers and cups; one participant '
                    'stands by a flip chart and points to a diagram.')
    assert squeeze(alt) in [squeeze(text) for text in alt_texts(reader)]


@pytest.mark.parametrize('language', LANGUAGES)
def test_chart_labels_and_numbers_in_the_language(briefing, language):
    text = PdfText(briefing[language])
    drawn = squeeze(text.figures)
    # The chart's categories and series names come from the CSV through the catalog.
    for label in ('Survey of NSWP members', 'Organisations', 'Countries'):
        translated = squeeze(translate(language, label))
        assert translated in drawn, (label, translated)
    if language != 'en':
        assert 'Survey of NSWP members' not in drawn
    # Its values, as Babel writes them in this language.
    for value in (41, 79, 28, 31):
        assert squeeze(format_decimal(value, locale=language)) in drawn


def test_french_numbers_are_french(briefing):
    """Percentages from the CSV and from the text read '74 %' in French, '74%' in English."""
    french = PdfText(briefing['fr']).body + PdfText(briefing['fr']).small
    english = PdfText(briefing['en']).body + PdfText(briefing['en']).small
    for share in ('0.74', '0.67'):
        fr_share = format_percent(float(share), locale='fr')
        assert fr_share != format_percent(float(share), locale='en')
        assert squeeze(fr_share) in squeeze(french)
        assert squeeze(format_percent(float(share), locale='en')) in squeeze(english)


@pytest.mark.parametrize('language', LANGUAGES)
def test_logo_funders_and_footnotes(briefing, language):
    text = PdfText(briefing[language])
    everything = squeeze(text.body + text.small + text.figures)
    assert 'NSWP' in squeeze(text.figures)          # the logo's lettering, drawn as SVG
    for funder in ('Bridging the Gap', 'Robert Carr civil society Networks Fund (RCNF)'):
        assert squeeze(translate(language, funder)) in everything
    # The footnotes are numbered 1 to 3 and all three texts are printed.
    footnote = translate(language, 'During this period, NSWP had two Strategic Plans: '
                                   '2010-12 and 2013-15')
    assert squeeze(footnote) in everything


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
