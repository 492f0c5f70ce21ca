"""The title, subtitle, author, date and keywords of a Word document.

Pandoc reads the Title, Subtitle, Author, Date and Abstract paragraphs; the document's
properties (File > Info, docProps/core.xml, read by `package`) fill what they lack, with a
warning: a file's "author" is often whoever created the first draft.
"""
import datetime
import re
from pathlib import Path

from .pandocast import plain_text


def meta_text(value, renderer, place):
    """A pandoc MetaValue -> one Text (a list of authors is joined with commas)."""
    if value is None:
        return None
    kind = value['t']
    if kind == 'MetaInlines':
        return renderer.render(value['c'], place)
    if kind == 'MetaString':
        return renderer.escape(value['c'])
    if kind == 'MetaBlocks':
        return ' '.join(filter(None, (renderer.render(b['c'], place) for b in value['c']
                                      if b['t'] in ('Para', 'Plain'))))
    if kind == 'MetaList':
        return ', '.join(filter(None, (meta_text(v, renderer, place) for v in value['c'])))
    return None


MONTHS = {name: number for number, name in enumerate(
    ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september',
     'october', 'november', 'december'], 1)}


def parse_month(text):
    """'July 28, 2014', '28 July 2014', '2014-07', 'July 2014' -> '2014-07', else None."""
    if not text:
        return None
    match = re.search(r'(\d{4})-(\d{2})', text)
    if match and 1 <= int(match[2]) <= 12:
        return f'{match[1]}-{match[2]}'
    year = re.search(r'\b(19|20)\d{2}\b', text)
    for word in re.findall(r'[A-Za-z]+', text):
        for name, number in MONTHS.items():
            if len(word) >= 3 and name.startswith(word.lower()) and year:
                return f'{year.group()}-{number:02d}'
    return None


def read_metadata(tree, package, walker, source):
    """Title, subtitle, author, date and keywords: pandoc's Title/Subtitle/Author/Date
    paragraphs first, then the document's properties, with a warning for what a person
    should check. An Abstract paragraph (which pandoc moves into the metadata) is given
    back as the first paragraphs of the first chapter."""
    meta, core, renderer = tree.get('meta', {}), package.core, walker.renderer
    place = 'document properties'
    found = {}
    title = meta_text(meta.get('title'), renderer, 'the Title paragraph')
    if not title and core.get('title'):
        title = renderer.escape(core['title'])
        walker.warn(place, 'the title comes from the file\'s properties (File > Info), not '
                    'from a paragraph in the Title style: check it', 'meta')
    if not title:
        title = renderer.escape(re.sub(r'[_\s]+', ' ', Path(source).stem))
        walker.warn(place, 'the document has no title (a paragraph in the Title style, or '
                    'File > Info > Title): the file name was used', 'meta')
    found['title'] = title
    subtitle = meta_text(meta.get('subtitle'), renderer, 'the Subtitle paragraph')
    if subtitle:
        found['subtitle'] = subtitle
    author = meta_text(meta.get('author'), renderer, 'the Author paragraph')
    if not author and core.get('creator'):
        author = renderer.escape(core['creator'])
        walker.warn(place, f'the author “{core["creator"]}” comes from the file\'s properties, '
                    'often the name of whoever created the file: check it', 'meta')
    if author:
        found['author'] = author
    date_text = meta_text(meta.get('date'), renderer, 'the Date paragraph')
    month = parse_month(plain_text(meta['date']['c']) if meta.get('date', {}).get('t') ==
                        'MetaInlines' else date_text)
    if not month:
        month = datetime.date.today().strftime('%Y-%m')
        walker.warn(place, f'no publication date was found (a paragraph in the Date style): '
                    f'{month} was written', 'meta')
    found['date'] = month
    keywords = core.get('keywords')
    if keywords:
        parts = [part.strip() for part in re.split(r'[;,]', keywords) if part.strip()]
        if len(parts) == 1 and ' ' in parts[0]:
            walker.warn(place, f'the keywords “{keywords}” have no commas or semicolons: '
                        'kept as one keyword (LibreOffice writes them separated by spaces)',
                        'meta')
        found['keywords'] = [renderer.escape(part) for part in parts]
    abstract = meta.get('abstract')
    blocks = []
    if abstract:
        if abstract['t'] == 'MetaBlocks':
            blocks = abstract['c']
        elif abstract['t'] == 'MetaInlines':
            blocks = [{'t': 'Para', 'c': abstract['c']}]
        walker.warn('the Abstract paragraphs', 'the abstract became the first paragraphs of '
                    'the first chapter', 'meta')
    return found, blocks


