"""The full edition: every part present in every language, cross-references that resolve,
and an acronym list that holds every acronym of the text."""
import re

import pytest

from nswp_publish.content.load import load_publications
from nswp_publish.content import load as content
from nswp_publish.content import markup
from nswp_publish.errors import ContentError
from nswp_publish.build.pipeline import Builder
from nswp_publish.project import Project

from conftest import LANGUAGES, ROOT, SLUG, PdfText, output_file, write_publication

PROJECT = Project(ROOT)
PARTS = ['contents', 'list-of-figures', 'acronyms', 'about-this-report', 'executive-summary',
         'introduction', 'about', 'methods', 'findings', 'conclusions', 'annex-regional-support',
         'annex-cross-references', 'annex-donors', 'publications-cited', 'figure-swit',
         'figure-participation', 'table-participation', 'table-interviews',
         'table-regional-support', 'table-cross-references', 'back-page',
         *[f'finding-{n}' for n in range(1, 13)], *[f'recommendation-{n}' for n in range(1, 10)]]


def render(language, edition, medium):
    builder = Builder(PROJECT)
    publication = load_publications(PROJECT, [SLUG])[0]
    documents, interface, _ = builder.translate(publication, language, {medium})
    return builder.render_html(publication, language, edition, medium, documents[medium],
                               interface)


@pytest.mark.parametrize('language', ['en', 'fr', 'es', 'ru', 'zh'])
def test_every_part_is_present_and_every_link_resolves(language):
    html = render(language, 'full', 'web')
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    assert not [part for part in PARTS if part not in ids]
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets and not targets - ids
    assert len(re.findall(r'class="crossref"', html)) == 11 + 9   # finding 1 has no answer
    summary = render(language, 'summary', 'web')
    assert 'id="executive-summary"' not in summary and 'id="methods"' not in summary


@pytest.mark.parametrize('language', ['en', 'zh'])
def test_pdf_parts_and_links(built, language):
    reader = PdfText(output_file(built, language, 'full', 'pdf')).reader
    destinations = set(reader.named_destinations)
    assert not [part for part in PARTS if part not in destinations]
    for page in reader.pages:
        for annotation in page.get('/Annots') or []:
            annotation = annotation.get_object()
            if '/Dest' in annotation:
                assert str(annotation['/Dest']) in destinations


def test_cross_references_are_consistent():
    html = render('en', 'full', 'web')
    answers = {(f'recommendation-{number}', f'finding-{finding}')
               for number, block in enumerate(re.findall(
                   r'<li id="recommendation-\d+">.*?</li>\s*(?=<li id="recommendation-|</ol>)',
                   html, re.S), 1)
               for finding in re.findall(r'href="#finding-(\d+)"', block.split('crossref')[-1])}
    answered = {(f'recommendation-{number}', finding)
                for finding, block in re.findall(
                    r'<article class="section section-finding" id="(finding-\d+)">(.*?)</article>',
                    html, re.S)
                for number in re.findall(r'href="#recommendation-(\d+)"', block)}
    assert answers and answers == answered
    assert 'Answered by' not in html.split('id="finding-1"')[1].split('</article>')[0]


def test_refs_to_an_unknown_id_is_an_error(tmp_path):
    folder = write_publication(tmp_path / 'brief', '''\
chapter: c
title: C
blocks:
  - template:
      name: recommendations
      counter: recommendation
      items:
        - text: "Do it"
          refs: [finding-3]
''')
    with pytest.raises(ContentError, match='refs: "finding-3" is not the id of anything') as error:
        content.load_publication(folder, LANGUAGES)
    assert error.value.line == 9




def acronyms_in(text):
    """Words of two or more capitals (HIV, GNP+, PrEP, MDGs): the acronyms of a text."""
    return [word for word in re.findall(r'[A-Za-z][A-Za-z0-9+]*', text)
            if word[0].isupper() and sum(char.isupper() for char in word) >= 2]


def test_acronym_list_holds_every_acronym_of_the_text():
    publication = content.load_publication(ROOT / 'content' / SLUG, LANGUAGES)
    listed = {item['acronym'].text for item in publication.acronyms}
    found = set()
    for message in publication.messages():
        text = markup.render_plain(message.text, {name: '0' for name in message.data})
        text = re.sub(r'https?://\S+|<[^>]*>', '', text)
        for match in acronyms_in(text):
            # Plurals (MDGs) and derived names (NSWP+) count as their acronym.
            if match[-1] in 's+' and match[:-1] in listed:
                match = match[:-1]
            found.add(match)
    missing = sorted(found - listed)
    assert not missing, missing
    unused = sorted(listed - found)
    assert not unused, unused


def test_executive_summary_lists_headlines_and_key_phrases():
    html = render('en', 'full', 'web')
    summary = html.split('id="executive-summary"')[1].split('</section>')[0]
    assert summary.count('href="#finding-') == 12 and summary.count('href="#recommendation-') == 9
    for phrase in ('Advocacy framework', 'Sex worker leadership', 'Consulting members'):
        assert phrase in summary
