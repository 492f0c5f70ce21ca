"""Charts as SVG: every number in the language's format, no text of the tool's own, accessible
names, readable colours, wrapped labels, deterministic output, and real text in a WeasyPrint PDF."""
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from pypdf import PdfReader

from nswp_publish.content.chartdata import Series
from nswp_publish.content.model import Percent
from nswp_publish.errors import ContentError
from nswp_publish.render import charts

from conftest import PROJECT_LANGUAGES

NS = {'svg': 'http://www.w3.org/2000/svg'}
REGIONS = ['Africa', 'Asia and the Pacific', 'Europe', 'Latin America', 'North America']
MEMBERS = [12, 7, Decimal('1234.5'), 31, 9]
#: Any run of characters Babel uses in numbers and percentages in the five languages.
NUMBER = re.compile(r'[-\d.,\u00a0\u202f%\s·]+\Z')


def draw(kind, categories, series, language, *args, **kwargs):
    """`charts.draw` with the language given by its code, as these tests write it."""
    return charts.draw(kind, categories, series, PROJECT_LANGUAGES[language], *args, **kwargs)


def svg_texts(chart):
    root = ET.fromstring(str(chart.svg))
    return root, [element.text for element in root.iter('{http://www.w3.org/2000/svg}text')]


def series(*columns):
    return [Series(f'Series {index}', values) for index, values in enumerate(columns)]


@pytest.mark.parametrize('kind', charts.KINDS)
@pytest.mark.parametrize('language', ['en', 'fr', 'zh'])
def test_accessible_svg_in_the_languages_fonts(kind, language):
    columns = series(MEMBERS) if kind == 'donut' else series(MEMBERS, [3, 4, 5, 6, 7])
    chart = draw(kind, REGIONS, columns, language, 'Members by region', 'Organisations',
                 ident='fig-3')
    root, _ = svg_texts(chart)
    assert root.get('role') == 'img'
    assert root.get('aria-labelledby') == 'fig-3-title'
    title = root.find('svg:title', NS)
    assert title.get('id') == 'fig-3-title' and title.text == 'Members by region'
    assert root.get('font-family') == PROJECT_LANGUAGES[language].fonts.sans
    assert root.get('viewBox') == f'0 0 {chart.width} {root.get("height")}'
    assert float(root.get('height')) == chart.height > 100
    # Nothing is drawn outside the picture.
    for element in root.iter():
        for attribute in ('x', 'x1', 'x2', 'cx'):
            if element.get(attribute):
                assert -1 <= float(element.get(attribute)) <= chart.width + 1, element.attrib
        for attribute in ('y', 'y1', 'y2', 'cy'):
            if element.get(attribute):
                assert -1 <= float(element.get(attribute)) <= chart.height + 1, element.attrib


@pytest.mark.parametrize('kind', charts.KINDS)
def test_no_text_of_its_own(kind):
    """Pseudo-translated input: every text drawn is either input text or a formatted number."""
    columns = [Series('[[first]]', MEMBERS)] if kind == 'donut' else [
        Series('[[first]]', MEMBERS), Series('[[second]]', [1, 2, 3, 4, 5])]
    categories = [f'[[{name}]]' for name in REGIONS]
    chart = draw(kind, categories, columns, 'fr', '[[title]]', '[[unit]]')
    _, texts = svg_texts(chart)
    assert texts
    for text in texts:
        assert '[[' in text or ']]' in text or NUMBER.match(text), text
    assert str(chart.svg).count('[[') >= len(REGIONS)


def test_french_axis_and_labels():
    chart = draw('bar', REGIONS, series(MEMBERS), 'fr', 'Members', 'Organisations')
    _, texts = svg_texts(chart)
    assert '1\u202f234,5' in texts                      # the value label
    assert {'0', '250', '500', '750', '1\u202f000', '1\u202f250'} <= set(texts)   # ticks
    english = draw('bar', REGIONS, series(MEMBERS), 'en', 'Members')
    assert {'1,234.5', '1,000', '1,250'} <= set(svg_texts(english)[1])
    russian = draw('hbar', REGIONS, series(MEMBERS), 'ru', 'Members')
    assert '1\u00a0234,5' in svg_texts(russian)[1]


def test_percentages_and_donut_shares():
    shares = [Percent(Decimal('0.74')), Percent(Decimal('0.175')), Percent(Decimal('0.5'))]
    chart = draw('bar', REGIONS[:3], series(shares), 'fr', 'Share')
    _, texts = svg_texts(chart)
    assert {'74\u00a0%', '17,5\u00a0%', '50\u00a0%'} <= set(texts)
    assert {'0\u00a0%', '20\u00a0%', '80\u00a0%'} <= set(texts)       # a percentage axis
    donut = draw('donut', ['A', 'B', 'C'], series([1, 1, 2]), 'es', 'Split')
    _, texts = svg_texts(donut)
    assert '1 · 25\u00a0%' in texts and '2 · 50\u00a0%' in texts
    assert '4' in texts                                               # the total in the middle
    assert donut.table == {'header': ['', 'Series 0', '%'],
                           'rows': [['A', '1', '25\u00a0%'], ['B', '1', '25\u00a0%'],
                                    ['C', '2', '50\u00a0%']],
                           'numeric': [False, True, True]}
    thirds = draw('donut', ['A', 'B', 'C'], series([1, 1, 1]), 'en', 'Thirds')
    assert [row[2] for row in thirds.table['rows']] == ['33.3%'] * 3


def test_data_table_beside_the_chart():
    chart = draw('stacked', REGIONS[:2], [Series('2015', [12, 7]), Series('2020', [Decimal('1234.5'), 3])],
                 'fr', 'Members', category_label='Région')
    assert chart.table == {
        'header': ['Région', '2015', '2020'],
        'rows': [['Africa', '12', '1\u202f234,5'], ['Asia and the Pacific', '7', '3']],
        'numeric': [False, True, True]}
    _, texts = svg_texts(chart)
    assert '1\u202f246,5' in texts                        # the stack's total, formatted


def test_bars_are_proportional_and_start_at_zero():
    chart = draw('bar', ['a', 'b', 'c'], series([30, 60, 15]), 'en', 'x')
    root, _ = svg_texts(chart)
    bars = list(root.iter('{http://www.w3.org/2000/svg}rect'))[1:]     # after the legend's swatch
    heights = [float(rect.get('height')) for rect in bars]
    assert heights[1] == pytest.approx(2 * heights[0], abs=0.02)
    assert heights[0] == pytest.approx(2 * heights[2], abs=0.02)
    bottoms = {round(float(rect.get('y')) + float(rect.get('height')), 1) for rect in bars}
    assert len(bottoms) == 1
    negative = draw('bar', ['a', 'b'], series([-10, 20]), 'en', 'x')
    root, texts = svg_texts(negative)
    assert '-10' in texts
    bars = list(root.iter('{http://www.w3.org/2000/svg}rect'))[1:]
    assert float(bars[0].get('y')) == pytest.approx(
        float(bars[1].get('y')) + float(bars[1].get('height')), abs=0.02)   # both touch zero


def test_long_labels_wrap_cjk_anywhere_and_others_at_spaces():
    long_zh = '北美洲和加勒比地区以及其他许多地方的性工作者组织'
    chart = draw('bar', ['非洲', long_zh, '欧洲', '亚洲', '拉丁美洲'], series([1, 2, 3, 4, 5]), 'zh',
                 '标题')
    _, texts = svg_texts(chart)
    pieces = [text for text in texts if text and text in long_zh]
    assert len(pieces) >= 3 and ''.join(pieces) == long_zh
    slot = (charts.WIDTH - 30) / 5
    assert all(charts.text_width(piece) <= slot for piece in pieces)
    words = 'Regional networks of sex worker-led organisations in the Caribbean'
    chart = draw('hbar', ['a', words], series([1, 2]), 'en', 'x')
    _, texts = svg_texts(chart)
    lines = [text for text in texts if text and text in words and text not in ('a',)]
    assert len(lines) >= 2 and ' '.join(lines) == words


def relative_luminance(colour):
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour):
    return 1.05 / (relative_luminance(colour) + 0.05)


def test_colours_read_against_white():
    for colour in charts.PALETTE:
        # Marks need 3:1 (WCAG 1.4.11); 4.5:1 lets white value labels sit inside stacked bars.
        assert contrast_with_white(colour) >= 4.5, colour
    assert contrast_with_white(charts.INK) >= 4.5 and contrast_with_white(charts.MUTED) >= 4.5
    chart = draw('line', REGIONS, series(MEMBERS, MEMBERS[::-1]), 'en', 'x', 'unit')
    root, _ = svg_texts(chart)
    for text in root.iter('{http://www.w3.org/2000/svg}text'):
        assert contrast_with_white(text.get('fill')) >= 4.5


def test_deterministic_and_escaped():
    first = draw('donut', ['<b>A & B</b>', 'C'], series([1, 2]), 'en', 'T <x>')
    second = draw('donut', ['<b>A & B</b>', 'C'], series([1, 2]), 'en', 'T <x>')
    assert str(first.svg) == str(second.svg)
    assert '<b>' not in str(first.svg) and '&lt;b&gt;A &amp; B&lt;/b&gt;' in str(first.svg)
    ET.fromstring(str(first.svg))


def test_ticks():
    assert charts._ticks(0, Decimal('1234.5')) == [0, 250, 500, 750, 1000, 1250]
    assert charts._ticks(0, Decimal('0.9')) == [Decimal(0), Decimal('0.2'), Decimal('0.4'),
                                                 Decimal('0.6'), Decimal('0.8'), Decimal(1)]
    assert charts._ticks(-10, 20) == [-10, 0, 10, 20]
    assert [str(tick) for tick in charts._ticks(0, 45)] == ['0', '10', '20', '30', '40', '50']
    assert charts._ticks(0, 0) == [0, Decimal('0.2'), Decimal('0.4'), Decimal('0.6'),
                                   Decimal('0.8'), 1]


@pytest.mark.parametrize('kind, columns, fragment', [
    ('pie', series([1]), 'unknown chart type "pie" (expected one of: bar, hbar, stacked, line, donut)'),
    ('donut', series([1, 2], [2, 3]), 'a donut chart shows one column of values, not 2'),
    ('donut', series([1, -1]), 'a donut chart needs values of zero or more'),
    ('donut', series([0, 0]), 'a donut chart needs values of zero or more, not all zero'),
    ('stacked', series([1, -1]), 'a stacked chart cannot show negative values'),
    ('bar', series([1, Percent(Decimal('0.5'))]), 'cannot mix percentages and plain numbers'),
    ('bar', [], 'needs at least one column of values'),
    ('bar', series(['many', 1]), 'series "Series 0": expected numbers, found "many"'),
])
def test_charts_it_cannot_draw(kind, columns, fragment):
    categories = ['a', 'b'] if kind != 'pie' else ['a']
    with pytest.raises(ContentError) as caught:
        draw(kind, categories, columns, 'en', 'x', where=('chapter.yaml', 4))
    assert str(caught.value).startswith('chapter.yaml:4: ')
    assert fragment in str(caught.value)
    with pytest.raises(ContentError, match='at least one row'):
        draw('bar', [], series([]), 'en', 'x', where=('chapter.yaml', 4))


def test_weasyprint_draws_the_numbers_as_text():
    """The PDF holds the chart's text, French numbers included, in the language's fonts."""
    import weasyprint
    html = ''.join(str(draw(kind, ['Afrique', 'Europe'], series([Decimal('1234.5'), 7]), 'fr',
                            'Membres', 'Organisations', ident=kind).svg) for kind in ('bar', 'donut'))
    zh = str(draw('hbar', ['非洲', '欧洲'], series([Decimal('1234.5'), 7]), 'zh', '成员', ident='z').svg)
    pdf = weasyprint.HTML(string=f'<html><body>{html}{zh}</body></html>').write_pdf()
    reader = PdfReader(io.BytesIO(pdf))
    text = ''.join(page.extract_text() for page in reader.pages)
    assert '1\u202f234,5' in text or '1 234,5' in text
    assert 'Afrique' in text and 'Organisations' in text and '非洲' in text and '1,234.5' in text
    assert '1\u202f234,5 · 99,4\u00a0%' in text or '1 234,5 · 99,4 %' in text   # a donut share
    fonts = {str(font.get('/BaseFont')) for page in reader.pages
             for font in page['/Resources'].get('/Font', {}).values()
             for font in [font.get_object()]}
    fonts |= {str(font.get_object().get('/BaseFont')) for page in reader.pages
              for xobject in page['/Resources'].get('/XObject', {}).values()
              for font in xobject.get_object().get('/Resources', {}).get('/Font', {}).values()}
    assert any(name.endswith('+Noto-Sans') for name in fonts), fonts
    assert any(name.endswith('+Noto-Sans-CJK-SC') for name in fonts), fonts


#: The messages of templates/partials/chart.html as the French catalog words them.
FRENCH_WORDING = charts.Wording(row=lambda category, values: f'{category}\u00a0: {values}.',
                                note=lambda value, note: f'{value} ({note})',
                                titled=lambda title, sentences: f'{title}. {sentences}')


def test_described_in_sentences_with_the_languages_numbers():
    """The print title: a screen reader meets the chart's numbers, not only its name."""
    chart = draw('bar', REGIONS[:3], [Series('Membres', MEMBERS[:3])], 'fr',
                 'Membres par région', 'Organisations', ident='fig-3', wording=FRENCH_WORDING)
    title = ET.fromstring(str(chart.svg)).find('svg:title', NS).text
    assert title == ('Membres par région (Organisations). Africa\u00a0: 12. '
                     'Asia and the Pacific\u00a0: 7. Europe\u00a0: 1\u202f234,5.')


def test_described_series_by_series_and_a_donut_with_its_shares():
    chart = draw('stacked', REGIONS[:2], [Series('2014', [12, 7]), Series('2015', [15, 9])],
                 'fr', 'Membres', wording=FRENCH_WORDING)
    title = ET.fromstring(str(chart.svg)).find('svg:title', NS).text
    assert title == 'Membres. Africa\u00a0: 12 (2014) et 15 (2015). ' \
                    'Asia and the Pacific\u00a0: 7 (2014) et 9 (2015).'
    donut = draw('donut', ['Dirigées', 'Alliées'], [Series('n', [3, 1])], 'zh', '谁领导',
                 wording=charts.Wording(row=lambda c, v: f'{c}：{v}。',
                                        note=lambda v, n: f'{v}（{n}）',
                                        titled=lambda t, s: f'{t}。{s}'))
    title = ET.fromstring(str(donut.svg)).find('svg:title', NS).text
    assert title == '谁领导。Dirigées：3（75%）。Alliées：1（25%）。'     # no spaces in Chinese
