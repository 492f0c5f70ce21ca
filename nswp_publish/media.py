"""Images, charts and CSV tables in content: the blocks' rules, their files, and what the
templates and the build need of them.

Loading (`content.load_publication` calls `attach`): every image a publication names
(image blocks, the logo, funders' logos, a cover image) is checked and measured for
each of its languages (`images.find_image`, once per process); every CSV file is read
(`datafiles.read_csv`), so its header and text cells join the content tree as
messages, with the CSV file and line as their reference, and reach the catalogs and
the translation like any other text.

Rendering: `image_source` gives a template the file of an image for its language and
medium (the original for print, the web copy for the web edition), `draw_chart` the
SVG and data table of a chart from its translated labels; `web_files` lists the web
copies the build writes beside an HTML file.
"""
import os
import re
from decimal import Decimal

from jinja2 import pass_context
from markupsafe import Markup

from . import charts, datafiles, images
from .content import Message, Percent, walk
from .errors import ContentError

#: How wide an image is set: the text's width, half of it, or in the margin.
IMAGE_WIDTHS = ('full', 'half', 'margin')
#: The web edition's copies of images go in this folder beside the HTML files.
WEB_FOLDER = 'images'


#: A cover colour: written into the page's style, so nothing but a hex colour.
COLOUR = re.compile(r'#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\Z')


def _line(node, key, default):
    """The line of a block's field: a message knows its own; the loader keeps the others'."""
    value = node.get(key)
    return (getattr(value, 'line', None) or (node.get('key_lines') or {}).get(key)
            or default)


# -- loading ------------------------------------------------------------------

def check_image(node, path, line):
    """An image block's own rules: alt text unless decorative, a known width."""
    node['width'] = node.get('width') or 'full'
    if node['width'] not in IMAGE_WIDTHS:
        raise ContentError(f'image: unknown width "{node["width"]}"', path, line,
                           hint=f'expected one of: {", ".join(IMAGE_WIDTHS)}')
    node['decorative'] = bool(node.get('decorative'))
    alt = node.get('alt')
    if node['decorative']:
        if alt is not None:
            raise ContentError('image: a decorative image has no alt text', path,
                               _line(node, 'alt', line),
                               hint='remove "alt", or "decorative: true" if the picture '
                                    'tells something')
    elif alt is None or not alt.text.strip():
        where = _line(node, 'alt', line)
        raise ContentError('image: alt text is missing or empty' if alt is None
                           else 'image: alt text is empty', path, where,
                           hint='say in a sentence what the picture shows (it is read '
                                'aloud and translated), or add "decorative: true"')


def check_chart(node, path, line):
    """A chart block's kind (its `type:` in YAML, kept as `chart`: `type` names the block)."""
    if node['chart'] not in charts.KINDS:
        raise ContentError(f'chart: unknown type "{node["chart"]}"', path, line,
                           hint=f'expected one of: {", ".join(charts.KINDS)}')


def check_table(node, path, line):
    """A table is written inline (header and rows) or read from a CSV file (data), not both."""
    inline = node.get('header') is not None or node.get('rows') is not None
    if inline == (node.get('data') is not None):
        raise ContentError('table: give either "header" and "rows", or "data: file.csv"',
                           path, line)
    if inline and (node.get('header') is None or node.get('rows') is None):
        raise ContentError('table: an inline table needs both "header" and "rows"', path, line)


def attach(folder, languages, tree):
    """Check the files every block and reference of `tree` names, and read CSV data into it.

    Called once the whole publication is read: image references get `files`, the
    `Image` of each language; tables and charts with `data` get their rows.
    """
    for node in _nodes(tree):
        kind = node.get('type')
        path, line = node.get('path'), node.get('line')
        if kind == 'image':
            node['files'] = image_files(folder, node['src'], languages,
                                        (path, _line(node, 'src', line)))
        elif kind == 'table' and node.get('data') is not None:
            table = datafiles.read_csv(folder, node['data'], (path, _line(node, 'data', line)))
            node['header'] = table.header
            node['rows'] = [[row.cells[column] for column in table.columns]
                            for row in table.rows]
        elif kind == 'chart':
            _attach_chart(folder, node, path, line)


def attach_publication(folder, meta, meta_path, key_lines):
    """The publication's own pictures: logo (cover and back page), funders' logos, cover."""
    languages = meta['languages']
    logo = meta.get('logo')
    if logo:
        where = (meta_path, key_lines.get('logo'))
        if not logo['alt'].text.strip():
            raise ContentError('logo: alt text is empty', meta_path, logo['alt'].line,
                               hint="give the organisation's name as it reads on the logo")
        logo['files'] = image_files(folder, logo['src'], languages, where, 'logo')
    funders = meta.get('funders')
    for funder in (funders or {}).get('names') or ():
        if funder.get('logo'):
            where = (meta_path, funder['name'].line)
            funder['logo'] = {'src': funder['logo'], 'alt': funder['name'],
                              'files': image_files(folder, funder['logo'], languages, where,
                                                   'funder logo')}
    cover = meta.get('cover')
    if cover:
        where = (meta_path, key_lines.get('cover'))
        if cover.get('colour') and not COLOUR.match(cover['colour']):
            raise ContentError(f'cover: colour "{cover["colour"]}" is not a colour', *where,
                               hint='write it as #rrggbb, e.g. "#7a1f3d" (in quotes)')
        if cover.get('image'):
            cover['image'] = {'src': cover['image'],
                              'files': image_files(folder, cover['image'], languages, where,
                                                   'cover image')}


def image_files(folder, src, languages, where, what='image'):
    """{language: Image} for an image name: each language's variant, or the base file."""
    return {language: images.find_image(folder, src, language, where, what)
            for language in languages}


def _nodes(tree):
    return (node for node in walk(tree) if isinstance(node, dict))


def _attach_chart(folder, node, path, line):
    data = node['data']
    if isinstance(data, str):
        table = datafiles.read_csv(folder, data, (path, _line(node, 'data', line)))
    else:
        table = inline_table(data, path, _line(node, 'data', line))
        node['data'] = None        # its messages now live in the categories and labels
    y = node['y'] if isinstance(node['y'], list) else [node['y']]
    node['y'] = y
    table.check_columns([node['x']], (path, _line(node, 'x', line)), 'chart column')
    table.check_columns(y, (path, _line(node, 'y', line)), 'chart column')
    for name in node.get('series') or {}:
        if name not in y:
            raise ContentError(f'chart: series "{name}" is not one of the "y" columns', path,
                               _line(node, 'series', line), hint=f'"y" names: {", ".join(y)}')
    headers = dict(zip(table.columns, table.header))
    labels = node.get('series') or {}
    node['categories'] = [_category(value) for value in table.values(node['x'])]
    node['category_label'] = headers[node['x']]
    node['series_data'] = [{'label': labels.get(column) or headers[column],
                            'values': table.numbers(column)} for column in y]
    charts.check_data(node['chart'], node['categories'],
                      [charts.Series(item['label'].text, item['values'])
                       for item in node['series_data']], (path, line))


def _category(value):
    """A category as shown: text is a message; a number (a year) is shown as written."""
    if value is None:
        return ''
    if isinstance(value, Percent):
        return value
    if isinstance(value, (int, Decimal)):
        return str(value)
    return value


def inline_table(rows, path, line):
    """A `DataTable` from inline rows, `[{column: cell, ...}, ...]`, all with the same keys."""
    if not isinstance(rows, list) or not rows:
        raise ContentError('chart: "data" needs a CSV file name or a list of rows', path, line)
    columns = list(rows[0])
    table_rows = []
    for number, row in enumerate(rows, 1):
        row_line = getattr(row, 'line', None) or line
        if list(row) != columns:
            raise ContentError(f'chart: row {number} has the columns {", ".join(row)}; the '
                               f'first row has {", ".join(columns)}', path, row_line,
                               hint='give every row the same columns, in the same order')
        table_rows.append(datafiles.Row(row_line, dict(row)))
    header = [Message(column, path, getattr(rows[0], 'line', None) or line)
              for column in columns]
    return datafiles.DataTable(path, columns, header, table_rows)


# -- rendering ----------------------------------------------------------------

def _plain(text):
    """The plain text of a translated message (or a str, or None)."""
    if text is None:
        return ''
    if isinstance(text, Message):          # untranslated (a proof, a test)
        return text.text
    return getattr(text, 'plain', None) or str(text)


@pass_context
def image_source(context, node):
    """{src, width, height} of an image reference for the template's language and medium.

    Print: the original file (WeasyPrint reads it through the build's restricted
    fetcher). Web: the web copy in `WEB_FOLDER`, which `write_web_files` writes.
    """
    image = node['files'][context['lang']]
    if context['medium'] == 'print':
        return {'src': image.path.as_uri(), 'width': round(image.width),
                'height': round(image.height)}
    copy = images.web_copy(image)
    return {'src': f'{WEB_FOLDER}/{copy.name}', 'width': copy.width, 'height': copy.height}


@pass_context
def draw_chart(context, node, row=None, note=None, titled=None):
    """The `charts.Chart` of a translated chart block, in the template's language.

    `row`, `note` and `titled` are the template's macros wording the chart as sentences
    (see `charts.Wording`); given, the SVG's title describes the chart in full.
    """
    ident = node.get('id') or f'chart-{os.path.splitext(os.path.basename(str(node["path"])))[0]}' \
                               f'-{node["line"]}'
    series = [charts.Series(_plain(item['label']), item['values'])
              for item in node['series_data']]
    categories = [category if isinstance(category, Percent) else _plain(category)
                  for category in node['categories']]
    wording = None
    if row and note and titled:
        wording = charts.Wording(*(_plain_text_of(macro) for macro in (row, note, titled)))
    return charts.draw(node['chart'], categories, series, context['lang'],
                       _plain(node['caption']), _plain(node.get('unit')) or None,
                       ident=ident, category_label=_plain(node['category_label']),
                       where=(node.get('path'), node.get('line')), wording=wording)


def _plain_text_of(macro):
    """A template macro as a function of plain texts to plain text (its escaping undone:
    the SVG escapes the text once)."""
    def call(*texts):
        return Markup(macro(*texts)).unescape()
    return call


def web_files(tree, language):
    """The web copies of every image `tree` refers to, for one language, by file name."""
    copies = {}
    for node in _nodes(tree):
        files = node.get('files')
        if isinstance(files, dict) and language in files:
            copy = images.web_copy(files[language])
            copies[copy.name] = copy
    return [copies[name] for name in sorted(copies)]


def write_web_files(tree, language, folder):
    """Write the web copies an HTML file in `folder` links to, each atomically; a copy
    already there is kept (its name is a hash of its bytes)."""
    from .output import write_atomic
    target = folder / WEB_FOLDER
    for copy in web_files(tree, language):
        path = target / copy.name
        if not (path.is_file() and path.stat().st_size == len(copy.data)):
            write_atomic(path, copy.data)
