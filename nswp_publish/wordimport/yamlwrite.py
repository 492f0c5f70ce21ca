"""The imported publication as YAML a person reads and edits afterwards.

Written by hand, not by PyYAML's dumper: block style as the examples in content/ are
written, one block per `- p:` line, strings always double-quoted (a JSON string is a YAML
double-quoted string, so any text survives), names bare, table rows on one line.
"""
import json
import re


PLAIN_SCALAR = re.compile(r'[A-Za-z][A-Za-z0-9_.-]*\Z')
YAML_WORDS = {'yes', 'no', 'true', 'false', 'on', 'off', 'null', 'y', 'n', '~'}
NOT_PRINTABLE = re.compile('[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd'
                           '\U00010000-\U0010ffff]|[\u2028\u2029\x85]')


def quote(text):
    """A YAML double-quoted string: JSON's escapes are YAML's, plus the characters YAML
    refuses or folds (C1 controls, U+2028/9) escaped too."""
    return NOT_PRINTABLE.sub(lambda m: '\\u%04x' % ord(m.group()),
                             json.dumps(text, ensure_ascii=False))


def scalar(value, name=False):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float)):
        return str(value)
    if not isinstance(value, str):          # a date PyYAML read from a hand-edited file
        value = str(value)
    if name and PLAIN_SCALAR.match(value) and value.lower() not in YAML_WORDS:
        return value
    return quote(value)


#: Keys whose values are names (ids, files, kinds), written bare like the examples do.
NAME_KEYS = {'slug', 'chapter', 'kind', 'src', 'id', 'layout', 'footnotes', 'width',
             'counter', 'stylesheet', 'date', 'languages', 'chapters'}
#: Lists always written one item a line, like the examples.
BLOCK_KEYS = {'chapters', 'keywords', 'bullets', 'numbered', 'blocks', 'rows'}


def dump(value, indent=0, key=None):
    """Block-style YAML as the examples are written: one block per `- p:` line, strings
    quoted, short lists of scalars (table rows, languages) in flow style."""
    pad = ' ' * indent
    if isinstance(value, dict):
        lines = []
        for k, v in value.items():
            head = f'{pad}{scalar(k, name=True)}:'
            if isinstance(v, dict) and v or isinstance(v, list) and v and (
                    k in BLOCK_KEYS or not _flow(v)):
                lines.append(head)
                lines.extend(dump(v, indent + 2, k))
            else:
                lines.append(f'{head} {inline(v, k)}')
        return lines
    if isinstance(value, list):
        lines = []
        for item in value:
            if isinstance(item, dict) and item:
                inner = dump(item, indent + 2, key)
                lines.append(f'{pad}- {inner[0].lstrip()}')
                lines.extend(inner[1:])
            elif isinstance(item, list) and not _flow(item):
                inner = dump(item, indent + 2, key)
                lines.append(f'{pad}- {inner[0].lstrip()}')
                lines.extend(inner[1:])
            else:
                lines.append(f'{pad}- {inline(item, key)}')
        return lines
    return [f'{pad}{inline(value, key)}']


def _flow(value):
    """A list of a few short scalars (a table row) or a small mapping of scalars
    (`{text: "about 55%"}`) reads best on one line."""
    if isinstance(value, list):
        return all(isinstance(v, (str, int, float)) or (isinstance(v, dict) and _flow(v))
                   for v in value) and len(inline_list(value)) <= 100 and \
            not any(isinstance(v, str) and len(v) > 60 for v in value)
    if isinstance(value, dict):     # {text: "about 55%"}, a merged cell
        return bool({'text', 'value'} & set(value)) and set(value) <= {
            'text', 'value', 'colspan', 'rowspan'} and all(
            isinstance(v, (str, int, float)) for v in value.values())
    return False


def inline_list(value, key=None):
    return '[' + ', '.join(inline(v, key) for v in value) + ']'


def inline(value, key=None):
    if isinstance(value, list):
        return inline_list(value, key)
    if isinstance(value, dict):
        return '{' + ', '.join(f'{scalar(k, True)}: {inline(v, k)}' for k, v in value.items()) + '}'
    return scalar(value, name=key in NAME_KEYS)


def yaml_text(data, comment=None):
    head = ''.join(f'# {line}\n' if line else '#\n' for line in (comment or '').splitlines())
    return head + '\n'.join(dump(data)) + '\n'


def chapter_data(chapter):
    return {'chapter': chapter.id, 'title': chapter.title, 'blocks': chapter.blocks}


#: The keys of publication.yaml that come from the document; a person owns the others
#: (editions, languages, short_title, date, box_labels, word_styles...).
OWNED_KEYS = ('title', 'subtitle', 'author', 'chapters', 'footnotes')


def publication_data(doc, slug, languages):
    """publication.yaml: what the document says, and defaults a person then edits (the
    editions, the running header), as `build.py new` writes them; `languages` are the
    project's."""
    meta = doc.metadata
    data = {'slug': slug, 'title': meta['title']}
    if meta.get('subtitle'):
        data['subtitle'] = meta['subtitle']
    data['short_title'] = {'text': meta['title'],
                           'note': 'Running header of every inside page; keep it short.'}
    if meta.get('author'):
        data['author'] = meta['author']
    data['date'] = meta['date']
    if meta.get('keywords'):
        data['keywords'] = meta['keywords']
    data['editions'] = {'summary': {'label': 'Summary', 'layout': 'short'}}
    data['languages'] = list(languages)
    data['chapters'] = [chapter.file_name for chapter in doc.chapters]
    if doc.footnotes:
        data['footnotes'] = 'footnotes.yaml'
    if doc.box_kinds:
        data['box_labels'] = {kind: style for kind, style in doc.box_kinds.items()}
    if doc.styles_to_kinds:
        data['word_styles'] = dict(doc.styles_to_kinds)
    return data


PUBLICATION_COMMENT = (
    '{title}: imported from {source} (schema: docs/publishing.md).\n'
    'Written by `build.py import`; edit the document and import it again. Edits here are\n'
    'kept by the next import (this file is merged key by key; comments you add are not).\n'
    '"word_styles" maps Word paragraph styles to box kinds.')


def render_files(doc, slug, publication):
    """{file name: bytes} of everything an import writes; `publication` is the data of
    publication.yaml (`publication_data`, or the hand-edited one merged with it)."""
    source = doc.source.name
    files = {'publication.yaml': yaml_text(publication, PUBLICATION_COMMENT.format(
        title=doc.metadata['title'], source=source)).encode()}
    for number, chapter in enumerate(doc.chapters, 1):
        files[chapter.file_name] = yaml_text(
            chapter_data(chapter),
            f'Chapter {number} of {len(doc.chapters)}, imported from {source}.').encode()
    if doc.footnotes:
        files['footnotes.yaml'] = yaml_text(
            {'footnotes': doc.footnotes},
            f'Footnotes and endnotes of {source}, cited as [^id].').encode()
    for image in doc.images:
        files[image.name] = image.data
    return files
