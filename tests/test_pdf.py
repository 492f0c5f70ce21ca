"""The PDFs themselves: text against the seed and the source, fonts, metadata, footnotes."""
import re

import pytest

from nswp_publish import content, markup
from nswp_publish.translate import format_value
from nswp_publish.pipeline import BuildRequest, Builder, Project

from conftest import ROOT, SEED, SLUG, PdfText, output_file, squeeze

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
    publication = content.load_publication(ROOT / 'content' / SLUG)
    body, small = without_bullets(en_summary.body), en_summary.small
    # Footnotes are set small, the figure's labels are in its SVG; the rest is body text.
    notes = [note['text'] for note in publication.footnotes.values()]
    labels = [label for figure in figures(publication) for label in figure['labels']]
    missing = [message.text for message in content.iter_messages(publication.chapters)
               if message not in labels and plain_english(message) not in body]
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
