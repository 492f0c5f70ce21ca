"""Media blocks between loading and rendering: rules of image, chart and table blocks, files
attached per language, CSV data as messages, and what templates get for each medium."""
from decimal import Decimal
from pathlib import Path

import jinja2
import pytest
from PIL import Image as PILImage

from nswp_publish.content import images
from nswp_publish.content.blocks import BLOCK_KINDS
from nswp_publish.content.model import Message, Percent, iter_blocks
from nswp_publish.errors import ContentError
from nswp_publish.render import media

from conftest import PROJECT_LANGUAGES

CHAPTER = Path('chapter.yaml')


def message(text, line=3):
    return Message(text, CHAPTER, line)


@pytest.fixture
def folder(tmp_path):
    images.clear_cache()
    publication = tmp_path / 'pub'
    publication.mkdir()
    PILImage.new('RGB', (2000, 1000), (200, 16, 46)).save(publication / 'march.jpg', 'JPEG')
    PILImage.new('RGB', (2000, 1000), (31, 78, 121)).save(publication / 'march.zh.jpg', 'JPEG')
    (publication / 'members.csv').write_text('region,members,share\nAfrica,12,30%\n'
                                             'Europe,1234.5,70%\n', 'utf-8')
    return publication


def image_block(**fields):
    node = {'type': 'image', 'id': None, 'editions': None, 'path': CHAPTER, 'line': 7,
            'src': 'march.jpg', 'alt': message('A march'), 'caption': None, 'credit': None,
            'width': None, 'decorative': None}
    node.update(fields)
    return node


def chart_block(**fields):
    node = {'type': 'chart', 'id': 'members', 'editions': None, 'path': CHAPTER, 'line': 9,
            'data': 'members.csv', 'x': 'region', 'y': ['members'], 'series': None,
            'caption': message('Members'), 'unit': None}
    node['type'] = 'chart'
    node.update(fields)
    node['chart'] = node.pop('kind', 'bar')
    return node


def check(node, path=CHAPTER, line=None):
    """A block's own rules, as the reader checks them once the block is read."""
    node = node if 'type' in node else {'type': 'table', **node}
    node.setdefault('path', path)
    node.setdefault('line', line)
    BLOCK_KINDS[node['type']].check(node, None, None, node['type'])


def attach(folder, languages, tree):
    """The files each block of `tree` names, as the loader checks them."""
    for block in iter_blocks(tree):
        BLOCK_KINDS[block['type']].attach(block, folder, languages)


def refused(call, *args):
    with pytest.raises(ContentError) as caught:
        call(*args)
    assert '\n' not in str(caught.value)
    return str(caught.value)


def test_image_rules():
    node = image_block()
    check(node, CHAPTER, 7)
    assert node['width'] == 'full' and node['decorative'] is False
    assert refused(check, image_block(alt=None), CHAPTER, 7) == (
        'chapter.yaml:7: image: alt text is missing or empty (say in a sentence what the '
        'picture shows (it is read aloud and translated), or add "decorative: true")')
    assert 'chapter.yaml:3: image: alt text is empty' in refused(
        check, image_block(alt=message('  ')), CHAPTER, 7)
    assert 'unknown width "wide" (expected one of: full, half, margin)' in refused(
        check, image_block(width='wide'), CHAPTER, 7)
    assert 'a decorative image has no alt text' in refused(
        check, image_block(decorative=True), CHAPTER, 7)
    decorative = image_block(decorative=True, alt=None)
    check(decorative, CHAPTER, 7)
    assert decorative['decorative'] is True


def test_table_forms():
    check({'header': [], 'rows': [], 'data': None}, CHAPTER, 4)
    check({'header': None, 'rows': None, 'data': 'a.csv'}, CHAPTER, 4)
    assert 'either "header" and "rows", or "data: file.csv"' in refused(
        check, {'header': [], 'rows': [], 'data': 'a.csv'}, CHAPTER, 4)
    assert 'either' in refused(check, {'header': None, 'rows': None, 'data': None},
                               CHAPTER, 4)
    assert 'needs both "header" and "rows"' in refused(
        check, {'header': [], 'rows': None, 'data': None}, CHAPTER, 4)


def test_attach_images_per_language_and_csv_tables(folder):
    table = {'type': 'table', 'path': CHAPTER, 'line': 11, 'caption': message('T'),
             'header': None, 'rows': None, 'data': 'members.csv'}
    tree = [{'blocks': [image_block(), {'type': 'box', 'blocks': [table]}]}]
    attach(folder, ['en', 'zh'], tree)
    files = tree[0]['blocks'][0]['files']
    assert files['en'].path.name == 'march.jpg' and files['zh'].path.name == 'march.zh.jpg'
    # A CSV table is one header row of cells that span nothing.
    (header,) = table['header']
    assert [(c['cell'].text, c['cell'].line, c['cell'].path.name, c['column'])
            for c in header] == [('region', 1, 'members.csv', 0), ('members', 1, 'members.csv', 1),
                                 ('share', 1, 'members.csv', 2)]
    europe = table['rows'][1]
    assert europe[0]['cell'].text == 'Europe' and europe[0]['cell'].line == 3
    assert [c['cell'] for c in europe[1:]] == [Decimal('1234.5'), Percent(Decimal('0.7'))]
    assert all(c['colspan'] == c['rowspan'] == 1 for c in europe)


def test_attach_refuses_missing_files(folder):
    assert refused(attach, folder, ['en'], [image_block(src='gone.png')]) == (
        'chapter.yaml:7: image "gone.png" not found in pub/ '
        "(check the name; it is relative to the publication's folder)")
    assert 'chapter.yaml:9: CSV file "gone.csv" not found' in refused(
        attach, folder, ['en'], [chart_block(data='gone.csv')])


def test_chart_from_csv(folder):
    node = chart_block(y=['members', 'share'][:1], series={'members': message('Member organisations', 12)})
    attach(folder, ['en'], [node])
    assert [m.text for m in node['categories']] == ['Africa', 'Europe']
    assert node['categories'][0].path.name == 'members.csv'
    assert node['category_label'].text == 'region'
    assert node['series_data'][0]['label'].text == 'Member organisations'
    assert node['series_data'][0]['values'] == [12, Decimal('1234.5')]
    default = chart_block(y='share')
    attach(folder, ['en'], [default])
    label = default['series_data'][0]['label']
    assert (label.text, label.path.name, label.line) == ('share', 'members.csv', 1)


def test_chart_kind():
    check(chart_block(kind='donut'), CHAPTER, 9)
    assert 'chapter.yaml:9: chart: unknown type "pie"' in refused(
        check, chart_block(kind='pie'), CHAPTER, 9)


def test_chart_errors(folder):
    assert refused(attach, folder, ['en'], [chart_block(x='country')]) == (
        'chapter.yaml:9: chart column "country" is not a column of members.csv '
        '(its columns are: region, members, share)')
    assert 'chart column "member" is not a column' in refused(
        attach, folder, ['en'], [chart_block(y=['member'])])
    assert 'members.csv:2: column "region": expected a number, found "Africa"' in refused(
        attach, folder, ['en'], [chart_block(y=['region'])])
    assert 'series "share" is not one of the "y" columns' in refused(
        attach, folder, ['en'], [chart_block(series={'share': message('x')})])
    mixed = chart_block(y=['members', 'share'])
    assert 'cannot mix percentages and plain numbers' in refused(
        attach, folder, ['en'], [mixed])
    (folder / 'bad.csv').write_text('region,members\nAfrica,12\nEurope,1.234,5\n')
    assert 'bad.csv:3: row has 3 cells, the header has 2' in refused(
        attach, folder, ['en'], [chart_block(data='bad.csv')])


def test_inline_rows():
    rows = [{'year': 2015, 'members': 12}, {'year': 2020, 'members': Decimal('40.5')}]
    node = chart_block(data=rows, x='year', y='members')
    attach(Path('.'), ['en'], [node])
    assert node['categories'] == ['2015', '2020']        # years shown as written, no "2,015"
    assert node['series_data'][0]['values'] == [12, Decimal('40.5')]
    assert node['series_data'][0]['label'].text == 'members'
    bad = chart_block(data=[{'year': 2015, 'members': 1}, {'year': 2016}], x='year', y='members')
    assert 'row 2 has the columns year; the first row has year, members' in refused(
        attach, Path('.'), ['en'], [bad])


def render(source, **context):
    env = jinja2.Environment(autoescape=True)
    env.globals.update(image_source=media.image_source, draw_chart=media.draw_chart)
    return env.from_string(source).render(language=PROJECT_LANGUAGES[context['lang']], **context)


def test_image_source_per_medium(folder):
    node = image_block()
    attach(folder, ['en', 'zh'], [node])
    template = '{% set s = image_source(block) %}{{ s.src }} {{ s.width }}x{{ s.height }}'
    assert render(template, block=node, lang='zh', medium='print') == (
        f'{(folder / "march.zh.jpg").as_uri()} 2000x1000')
    web = render(template, block=node, lang='zh', medium='web')
    copy = images.web_copy(node['files']['zh'])
    assert web == f'images/{copy.name} 1600x800'
    assert copy.name.startswith('march.zh-')


def test_web_files_written_once_per_name(folder, tmp_path):
    nodes = [image_block(), image_block(id='again')]
    attach(folder, ['en', 'zh'], nodes)
    out = tmp_path / 'out' / 'zh'
    media.write_web_files(nodes, 'zh', out)
    written = sorted(path.name for path in (out / 'images').iterdir())
    assert written == [images.web_copy(nodes[0]['files']['zh']).name]
    stamp = (out / 'images' / written[0]).stat().st_mtime_ns
    media.write_web_files(nodes, 'zh', out)
    assert (out / 'images' / written[0]).stat().st_mtime_ns == stamp


def test_draw_chart_in_the_templates_language(folder):
    node = chart_block()
    attach(folder, ['fr'], [node])
    out = render('{% set c = draw_chart(block) %}{{ c.svg }}|{{ c.table.rows[1] | join("/") }}',
                 block=node, lang='fr', medium='print')
    assert 'id="members-title"' in out and '>1\u202f234,5<' in out
    assert out.endswith('|Europe/1\u202f234,5')
