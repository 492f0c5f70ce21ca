"""Images and charts in a rendered page: the file of each image for the language and
medium, the SVG and data table of each chart, and the web copies beside an HTML file.

`image_source` gives a template the file of an image for its language and medium (the
original for print, the web copy for the web edition), `draw_chart` the SVG and data
table of a chart from its translated labels; `web_files` lists the web copies the build
writes beside an HTML file. (Which files a publication may name, and their checks, are
the content's: `content.blocks`, `content.images`.)
"""
import os

from jinja2 import pass_context
from markupsafe import Markup

from ..content import images
from ..content.chartdata import Series
from ..content.model import Message, Percent, walk
from ..output import write_atomic
from . import charts

#: The web edition's copies of images go in this folder beside the HTML files.
WEB_FOLDER = 'images'


def _nodes(tree):
    return (node for node in walk(tree) if isinstance(node, dict))


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
    series = [Series(_plain(item['label']), item['values'])
              for item in node['series_data']]
    categories = [category if isinstance(category, Percent) else _plain(category)
                  for category in node['categories']]
    wording = None
    if row and note and titled:
        wording = charts.Wording(*(_plain_text_of(macro) for macro in (row, note, titled)))
    return charts.draw(node['chart'], categories, series, context['language'],
                       _plain(node['caption']), _plain(node.get('unit')) or None,
                       ident=ident, category_label=_plain(node['category_label']),
                       where=(node.get('path'), node.get('line')), wording=wording,
                       visual_order=context['medium'] == 'print')


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
    target = folder / WEB_FOLDER
    for copy in web_files(tree, language):
        path = target / copy.name
        if not (path.is_file() and path.stat().st_size == len(copy.data)):
            write_atomic(path, copy.data)
