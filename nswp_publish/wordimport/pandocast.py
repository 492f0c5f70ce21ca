"""Pandoc's AST as this package reads it: node helpers, the visible text of a node, the
pairing of two readings of one document, and the places a person can find in Word.

Pandoc's JSON puts a node's type in `t` and its content in `c`, with an Attr (id, classes,
key-value pairs), a URL or a quote type beside the content for some types (`CONTENT_AT`).
"""
import re
import unicodedata


def attr_of(node):
    """(id, classes, {key: value}) of a node with a pandoc Attr."""
    identifier, classes, pairs = node['c'][0]
    return identifier, classes, dict(pairs)


def custom_style(node):
    return attr_of(node)[2].get('custom-style') if node['t'] in ('Div', 'Span') else None


#: Where the inlines or blocks of a node are, for node types whose content is not all of
#: `c` (pandoc's JSON puts an Attr, a URL or a quote type beside them).
CONTENT_AT = {'Link': 1, 'Image': 1, 'Span': 1, 'Quoted': 1, 'Cite': 1, 'Div': 1,
              'Header': 2, 'Figure': 2, 'Note': None}


def plain_text(value):
    """The visible text of inlines or blocks, notes and comments left out."""
    parts = []

    def visit(node):
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict):
            return
        kind = node.get('t')
        if kind == 'Str':
            parts.append(node['c'])
        elif kind in ('Space', 'SoftBreak', 'LineBreak'):
            parts.append(' ')
        elif kind in ('Note', 'Image'):
            return
        elif kind == 'Span' and set(attr_of(node)[1]) & {'comment-start', 'deletion'}:
            return
        elif kind in ('Code', 'Math', 'CodeBlock'):
            parts.append(node['c'][1])
        elif kind in CONTENT_AT:
            visit(node['c'][CONTENT_AT[kind]])
        elif kind == 'Table':
            visit(node['c'][1][1])
            visit(node['c'][3][1])
            for body in node['c'][4]:
                visit(body[2])
                visit(body[3])
        elif kind == 'Row':
            visit(node['c'][1])
        elif isinstance(node.get('c'), list):
            visit(node['c'])
        if kind in ('Para', 'Plain', 'Header', 'LineBlock'):
            parts.append(' ')

    visit(value)
    return ' '.join(''.join(parts).split())


def inline_slots(blocks, slots=None):
    """Every place that holds inlines, in reading order, as (kind, container, key): what
    `merge_inlines` pairs between two ASTs of the same document. Divs are looked through,
    so a tree with a Div per paragraph style lines up with one without."""
    slots = [] if slots is None else slots
    for block in blocks:
        kind, content = block['t'], block.get('c')
        if kind == 'Div':
            inline_slots(content[1], slots)
        elif kind in ('Para', 'Plain'):           # a table cell or a tight list item is
            slots.append(('Para', block, 'c'))    # Plain in one reading, Para in the other
        elif kind == 'Header':
            slots.append((kind, content, 2))
        elif kind == 'LineBlock':
            slots.extend(('Line', content, index) for index in range(len(content)))
        elif kind == 'BlockQuote':
            inline_slots(content, slots)
        elif kind == 'BulletList':
            for item in content:
                inline_slots(item, slots)
        elif kind == 'OrderedList':
            for item in content[1]:
                inline_slots(item, slots)
        elif kind == 'DefinitionList':
            for item in content:
                slots.append(('Term', item, 0))
                for definition in item[1]:
                    inline_slots(definition, slots)
        elif kind == 'Figure':
            inline_slots(content[1][1], slots)
            inline_slots(content[2], slots)
        elif kind == 'Table':
            inline_slots(content[1][1], slots)
            rows = list(content[3][1])
            for body in content[4]:
                rows += body[2] + body[3]
            rows += content[5][1]
            for row in rows:
                for cell in row[1]:
                    inline_slots(cell[4], slots)
    return slots


def merge_inlines(styled, plain):
    """Give the `+styles` AST (paragraph styles as Divs) the inlines of the plain AST.

    Why: with `+styles` pandoc keeps a character style as a Span and stops applying its
    formatting (bold from Word's "Strong" style is lost, and a run that switches the
    style's italic off cannot be told apart); without it, the paragraph styles that map to
    boxes are lost. Both ASTs have the same blocks once Divs are looked through, so each
    inline list of one is swapped for its twin. Returns False (nothing changed) if they do
    not line up."""
    ours, theirs = inline_slots(styled['blocks']), inline_slots(plain['blocks'])
    if len(ours) != len(theirs) or any(a[0] != b[0] for a, b in zip(ours, theirs)):
        return False
    for (_kind, container, key), (_, source, source_key) in zip(ours, theirs):
        container[key] = source[source_key]
    styled['meta'] = plain.get('meta', {})
    return True


def unwrap_divs(blocks):
    """The blocks with every Div replaced by its content (inside lists, cells, notes,
    captions a paragraph style says nothing the schema could keep)."""
    result = []
    for block in blocks:
        if block['t'] == 'Div':
            result.extend(unwrap_divs(block['c'][1]))
        else:
            result.append(block)
    return result


def excerpt(text, length=40):
    text = ' '.join(text.split())
    return text if len(text) <= length else text[:length - 1].rstrip() + '…'


STOPWORDS = {'a', 'an', 'the', 'of', 'and', 'in', 'on', 'for', 'to', 'at', 'by', 'with',
             'see', 'is', 'this', 'that'}


def slugify(text, words=6, length=40, skip_stopwords=False):
    """A readable ASCII id from text: "Members' views first" -> "members-views-first"."""
    text = unicodedata.normalize('NFKD', text).encode('ascii', 'ignore').decode()
    text = re.sub(r"['’]", '', text.lower())
    parts = re.findall(r'[a-z0-9]+', text)
    if skip_stopwords:
        parts = [part for part in parts if part not in STOPWORDS] or parts
    parts = parts[:words]
    slug = '-'.join(parts)[:length].strip('-')
    return slug if slug and slug[0].isalpha() else (f'n-{slug}' if slug else '')


def unique(base, taken):
    name, number = base, 2
    while name in taken:
        name, number = f'{base}-{number}', number + 1
    taken.add(name)
    return name


class Places:
    """Where the walker is, in words a person can find in Word: "paragraph 12 (after heading
    'Findings')". Paragraphs are counted in reading order, outside tables and notes, by both
    passes alike, so a comment and a style warning name the same paragraph the same way."""

    def __init__(self):
        self.paragraphs = self.tables = self.notes = 0
        self.heading = None
        self.inside = []            # 'table 2, row 3, column 1', 'footnote 4'

    def paragraph(self, text=''):
        if not self.inside:
            self.paragraphs += 1
        return self.here(text)

    def here(self, text=''):
        where = self.inside[-1] if self.inside else f'paragraph {self.paragraphs}'
        return self.describe(where, text)

    def upcoming(self, text=''):
        """The place of the next paragraph, before it is counted."""
        return self.describe(self.inside[-1] if self.inside else
                             f'paragraph {self.paragraphs + 1}', text)

    def describe(self, where, text=''):
        after = f"after heading '{excerpt(self.heading, 50)}'" if self.heading else \
            'before the first heading'
        quoted = f', “{excerpt(text)}”' if text else ''
        return f'{where} ({after}{quoted})'

    def set_heading(self, text):
        if not self.inside:
            self.heading = text


def count_endnotes(tree):
    """Notes whose paragraphs are in Word's "Endnote Text" style (pandoc makes footnotes and
    endnotes the same Note; only the +styles Div tells them apart)."""
    count = 0

    def visit(node):
        nonlocal count
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            if node.get('t') == 'Note':
                if any((custom_style(b) or '').lower() == 'endnote text'
                       for b in node['c'] if b['t'] == 'Div'):
                    count += 1
            for value in node.values():
                if isinstance(value, (list, dict)):
                    visit(value)
    visit(tree['blocks'])
    return count


