"""The briefing paper, the second real publication: built in English, French and Chinese and
checked in the PDFs themselves (page count, numbers in each language's format, footnotes, box
and table), with complete catalogs and no figure that the Strategic Review does not give."""
import re

import pytest
from babel.numbers import format_percent
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
