"""Loading content: the schema, and one-line errors that name the file and line."""
from decimal import Decimal

import pytest

from nswp_publish.content import load as content
from nswp_publish.content.model import Percent, YearMonth
from nswp_publish.errors import ContentError

from conftest import LANGUAGES, ROOT, SLUG, write_publication

CHAPTER = '''\
chapter: intro
title: Introduction
blocks:
  - p: "Hello"
'''


def test_strategic_review_loads():
    publication = content.load_publication(ROOT / 'content' / SLUG, LANGUAGES)
    chapters = {chapter['chapter']: chapter for chapter in publication.chapters}
    findings = [block for block in chapters['findings']['blocks'] if block['type'] == 'section']
    assert [finding['number'] for finding in findings] == list(range(1, 13))
    assert findings[2]['id'] == 'finding-3' and publication.targets['finding-3']['number'] == 3
    recommendations = [block for block in chapters['conclusions']['blocks']
                       if block['type'] == 'template'][0]['items']
    assert [item['id'] for item in recommendations] == [f'recommendation-{n}' for n in range(1, 10)]
    assert len(recommendations[6]['questions']) == 6
    assert [note['number'] for note in publication.footnotes.values()] == list(range(1, 10))
    assert publication.meta['date'] == YearMonth(2015, 10)
    methods = chapters['introduction']['blocks']
    data = [block for block in methods if block['type'] == 'template'][0]['items'][0]['text'].data
    assert data['organisations'] == 41 and data['countries'] == 28
    assert data['sex_worker_led'] == Percent(Decimal('0.74'))


@pytest.mark.parametrize('text, line, fragment', [
    ('chapter: intro\ntitle: "unclosed\n', 2, 'invalid YAML: while scanning a quoted scalar'),
    ('chapter: intro\ntitle: A\ntitle: B\nblocks: []\n', 3, 'duplicate key "title" (first on line 2)'),
    ('chapter: intro\ntitle: A\nblocks:\n  - p: x\n    colour: red\n', 5,
     'a block needs exactly one of'),
    ('chapter: intro\ntitle: A\n', 1, 'missing required field "blocks"'),
    ('chapter: intro\ntitle: A\nblocks: []\nsummary: x\n', 4, 'unknown field "summary"'),
    ('chapter: intro\ntitle: [1, 2]\nblocks: []\n', 2, 'expected text, got a list'),
    ('chapter: intro\ntitle: A\nblocks:\n  - bullets: "not a list"\n', 4, 'expected a list'),
    ('chapter: intro\ntitle: &t A\nblocks:\n  - p: *t\n', 4, 'YAML aliases'),
    ('chapter: intro\ntitle: A\nblocks:\n  - p:\n      text: "{count} items"\n', 5,
     'placeholder {count} has no value'),
    ('chapter: intro\ntitle: A\nblocks:\n  - p:\n      text: "{n}"\n      data: {n: [1]}\n', 6,
     'expected a number, a percentage or YYYY-MM'),
    ('chapter: intro\ntitle: A\nblocks:\n  - p:\n      text: x\n      colour: red\n', 6,
     'unknown field "colour" in text'),
    ('- just\n- a list\n', 1, 'not a content file'),
])
def test_loader_errors_name_file_and_line(tmp_path, text, line, fragment):
    path = tmp_path / 'bad.yaml'
    path.write_text(text, encoding='utf-8')
    with pytest.raises(ContentError) as error:
        content.load_file(path)
    assert error.value.line == line
    assert fragment in error.value.message
    assert str(error.value).startswith(f'{path}:{line}: ') or f'bad.yaml:{line}: ' in str(error.value)


def test_not_utf8(tmp_path):
    path = tmp_path / 'latin1.yaml'
    path.write_bytes(CHAPTER.encode() + 'title2: caf\xe9\n'.encode('latin-1'))
    with pytest.raises(ContentError, match='not valid UTF-8') as error:
        content.load_file(path)
    assert error.value.line == 5


def test_alias_bomb_is_refused_quickly(tmp_path):
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + ''.join(
        f'{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n'
        for i in range(9))
    path = tmp_path / 'bomb.yaml'
    path.write_text(bomb)
    with pytest.raises(ContentError, match='aliases'):
        content.load_file(path)


def test_footnote_errors(tmp_path):
    folder = write_publication(tmp_path / 'note', CHAPTER.replace('Hello', 'Hello[^missing]'))
    with pytest.raises(ContentError, match=r'footnote \[\^missing\] is not defined') as error:
        content.load_publication(folder, LANGUAGES)
    assert error.value.line == 4
    folder = write_publication(tmp_path / 'unused', CHAPTER, footnotes='footnotes:\n  spare: "Never cited"\n')
    with pytest.raises(ContentError, match='"spare" is never cited'):
        content.load_publication(folder, LANGUAGES)


def test_slug_must_match_folder(tmp_path):
    folder = write_publication(tmp_path / 'one', CHAPTER)
    (folder / 'publication.yaml').write_text(
        (folder / 'publication.yaml').read_text().replace('slug: one', 'slug: two'))
    with pytest.raises(ContentError, match='differs from the folder name') as error:
        content.load_publication(folder, LANGUAGES)
    assert error.value.line == 1


def _with_lines(value):
    """A loaded YAML value with every line it remembers, for comparing two loaders."""
    from nswp_publish.content.yamlfile import line_of
    if isinstance(value, dict):
        return (line_of(value), [(key, value.line_of(key), _with_lines(item))
                                 for key, item in value.items()])
    if isinstance(value, list):
        return (line_of(value), [_with_lines(item) for item in value])
    return (line_of(value), type(value).__name__, value)


@pytest.mark.parametrize('path', sorted((ROOT / 'content').glob('*/**/*.yaml')),
                         ids=lambda path: str(path.relative_to(ROOT / 'content')))
def test_libyaml_reads_every_content_file_as_pyyaml_does_lines_included(path):
    import yaml
    from nswp_publish.content import yamlfile
    assert yaml.__with_libyaml__        # else the fast loader is PyYAML's and this is moot
    text = path.read_text('utf-8')
    loader = yamlfile._Loader(text)
    loader.path = path
    assert _with_lines(yamlfile.parse_yaml(text, path)) == _with_lines(loader.get_single_data())
