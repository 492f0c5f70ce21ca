"""Property-based tests (hypothesis): the markup parser and the YAML extractor never crash
and keep the text they are given."""
import html
import io
import re

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from nswp_publish.content import markup
from nswp_publish.i18n.extract import extract_yaml

#: Text with no markup characters at all: it must come back exactly.
plain_text = st.text(alphabet=st.characters(
    blacklist_categories=('Cs', 'Cc'), blacklist_characters='*_[]()<>{}\\`!&#^~|'),
    min_size=1, max_size=200).filter(lambda text: text.strip() == text and text.strip())
any_text = st.text(alphabet=st.characters(blacklist_categories=('Cs',)), max_size=300)


@given(any_text)
@settings(max_examples=300)
def test_markup_never_crashes_and_never_emits_raw_html(text):
    names = markup.signature(text).placeholders
    values = {name: '1' for name in names}
    rendered = markup.render_html(text, values, lambda label: markup.Markup('<sup>1</sup>'))
    # Every tag in the output is one the renderer builds itself.
    tags = set(re.findall(r'<\s*/?\s*([a-zA-Z0-9]+)', str(rendered)))
    assert tags <= {'strong', 'em', 'a', 'sup', 'sub'}
    assert 'href="javascript' not in str(rendered).lower()
    markup.render_plain(text, values)


@given(plain_text)
@settings(max_examples=300)
def test_plain_text_round_trips(text):
    text = re.sub(r'\s+', ' ', text)
    assert markup.render_plain(text) == text
    assert html.unescape(str(markup.render_html(text))) == text


@given(st.lists(plain_text, min_size=1, max_size=8))
@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
def test_yaml_extractor_returns_every_paragraph(paragraphs):
    document = {'chapter': 'x', 'title': 'Title',
                'blocks': [{'p': paragraph} for paragraph in paragraphs]}
    source = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=60)
    fileobj = io.BytesIO(source.encode('utf-8'))
    fileobj.name = 'chapter.yaml'
    messages = [message for _, _, message, _ in extract_yaml(fileobj, [], [], {})]
    assert messages == ['Title', *paragraphs]
