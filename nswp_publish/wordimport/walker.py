"""Pandoc's blocks -> the blocks of the content schema, one chapter per Heading 1.

Every pandoc block type has its method (`Walker.BLOCKS`); what the schema cannot say is
kept as words where it can be, and named in a warning with its place in the document.
Tables keep their header rows and merged cells, lists their nesting and first number, as
the schema has them; a paragraph style that `publication.yaml`'s `word_styles` maps to a
box kind becomes that box.
"""
import hashlib
import io
import re
from pathlib import Path

from PIL import Image

from .document import Chapter, ImportedImage, ImportWarning
from .inlines import InlineRenderer, markup_plain
from .metafiles import CONVERTERS, MetafileError, to_svg
from .pandocast import Places, custom_style, plain_text, slugify, unique, unwrap_divs

#: Paragraph styles that say nothing the schema keeps: no warning for them.
NEUTRAL_STYLES = {
    'normal', 'body text', 'body text 2', 'body text 3', 'body text first indent',
    'body text first indent 2', 'first paragraph', 'compact', 'text body', 'default',
    'default style', 'standard', 'list paragraph', 'list', 'list bullet', 'list bullet 2',
    'list bullet 3', 'list number', 'list number 2', 'list number 3', 'list continue',
    'list contents', 'list heading', 'table contents', 'table heading', 'table paragraph',
    'caption', 'image caption', 'table caption', 'captioned figure', 'figure',
    'footnote text', 'endnote text', 'no spacing', 'plain text', 'normal (web)', 'normal web',
    'title', 'subtitle', 'author', 'date', 'abstract', 'abstract title', 'heading',
    'definition', 'definition term', 'source code', 'contents heading', 'index',
}
HEADING_STYLE = re.compile(r'heading \d\Z', re.IGNORECASE)
TOC_STYLE = re.compile(r'(toc \d|toc heading|contents \d|table of figures)\Z', re.IGNORECASE)
#: Paragraph styles that are block quotes (Word's, LibreOffice's) when pandoc did not say so.
QUOTE_STYLES = {'quote', 'intense quote', 'block text', 'quotations', 'quotation'}
#: Word 365 writes alt text by itself, ending so: a person must check it.
GENERATED_ALT = re.compile(r'description automatically generated|generated with (very )?'
                           r'(low|medium|high) confidence', re.IGNORECASE)
ATTRIBUTION = re.compile(r'\s*[—–―-]\s*')
PLACEHOLDER_CAPTION = "Write the table's caption here."


class Walker:
    """Pandoc blocks -> blocks of the content schema, one chapter per Heading 1.

    `BLOCKS` maps each pandoc block type to a method returning the schema blocks it becomes
    (a list: a paragraph with a picture in it becomes two). Warnings say what the schema
    cannot keep, at the place `Places` gives.
    """

    def __init__(self, styles_to_kinds, char_styles, anchors, previous_footnotes=None,
                 media_dir=None):
        self.styles_to_kinds = {name.lower(): kind for name, kind in styles_to_kinds.items()}
        self.style_names = {name.lower(): name for name in styles_to_kinds}
        self.char_styles = char_styles
        self.anchors = anchors                  # bookmark/heading id -> schema id, or None
        self.renderer = InlineRenderer(self)
        self.places = Places()
        self.warnings = []
        self.grouped = {}                       # (kind, key) -> [places]
        self.footnotes = {}
        self.footnote_texts = {}                # text -> id, for a note cited twice
        self.previous_footnotes = {text: ident for ident, text in
                                   (previous_footnotes or {}).items()}
        self.footnote_ids = set()
        self.images = []
        self.image_files = {}      # picture digest -> (file name, bytes to write)
        self.pending_images = []
        self.pending_ids = []
        self.media_dir = media_dir
        self.chapters = []
        self.chapter_ids = set()
        self.box_kinds = {}
        self.endnotes = 0
        self.said = set()
        self.notes_by_node = {}                 # id(pandoc Note) -> footnote id

    # -- warnings and ids

    def warn(self, place, message, kind='structure'):
        if (place, message) not in self.said:
            self.said.add((place, message))
            self.warnings.append(ImportWarning(place, message, kind))

    def group(self, kind, key, place):
        """A warning said once for many places (an unmapped style used 40 times)."""
        self.grouped.setdefault((kind, key), []).append(place)

    def grouped_warnings(self):
        messages = {
            'style': lambda name, n: (f'paragraph style “{name}” is not in word_styles '
                                      f'(publication.yaml): {n} imported as ordinary text'),
            'char-style': lambda name, n: (f'character style “{name}” ({n}) has no meaning '
                                           'in the content schema: its words are kept'),
            'toc': lambda name, n: (f'the table of contents ({n}) was left out: the build '
                                    'makes its own'),
        }
        for (kind, key), places in self.grouped.items():
            count = f'{len(places)} paragraph{"s" if len(places) != 1 else ""}'
            shown = '; '.join(places[:3]) + ('; …' if len(places) > 3 else '')
            yield ImportWarning(shown, messages[kind](key, count), kind)

    def anchor_seen(self, identifier):
        if self.anchors.get(identifier):
            self.pending_ids.append(self.anchors[identifier])

    def link_target(self, anchor):
        return self.anchors.get(anchor)

    def take_id(self, block):
        """Give `block` the id of an anchor inside it that some link points to."""
        if self.pending_ids:
            block['id'] = self.pending_ids[0]
            self.pending_ids = []
        return block

    # -- text

    def text(self, inlines, place):
        return self.renderer.render(inlines, place)

    def footnote_for(self, node, place):
        """The id of a Note node, registered once however often its paragraph is rendered."""
        if id(node) not in self.notes_by_node:
            self.notes_by_node[id(node)] = self.add_footnote(node['c'], place)
        return self.notes_by_node[id(node)]

    def add_footnote(self, blocks, place):
        """A note's text goes to footnotes.yaml under an id made from its first words, so
        that inserting a note does not renumber (and so re-word) every later paragraph."""
        self.renderer.in_note = True
        self.places.notes += 1
        self.places.inside.append(f'footnote {self.places.notes}')
        saved = self.renderer.place, self.renderer.formats_lost
        try:
            text = self.flat_text(unwrap_divs(blocks), self.places.here())
        finally:
            self.renderer.place, self.renderer.formats_lost = saved
            self.places.inside.pop()
            self.renderer.in_note = False
        if not text:
            self.warn(place, 'an empty footnote was left out', 'note')
            return unique('empty-note', self.footnote_ids)
        ident = self.previous_footnotes.get(text)
        if ident is None or ident in self.footnote_ids:
            ident = unique(slugify(markup_plain(text), words=3, length=30,
                                         skip_stopwords=True) or 'note', self.footnote_ids)
        else:
            self.footnote_ids.add(ident)
        self.footnotes[ident] = text
        return ident

    def flat_text(self, blocks, place):
        """One Text from several blocks (a note, a cell, a list item with two paragraphs):
        the schema has one message per note or cell, so paragraphs are joined."""
        texts, lost = [], set()
        for block in blocks:
            kind = block['t']
            if kind in ('Para', 'Plain'):
                texts.append(self.text(block['c'], place))
            elif kind == 'Header':
                texts.append(self.text(block['c'][2], place))
            elif kind in ('BulletList', 'OrderedList'):
                items = block['c'] if kind == 'BulletList' else block['c'][1]
                texts.append('; '.join(self.flat_text(unwrap_divs(item), place)
                                       for item in items))
                lost.add('a list')
            elif kind == 'BlockQuote':
                texts.append(self.flat_text(unwrap_divs(block['c']), place))
            elif kind == 'LineBlock':
                texts.append(' '.join(self.text(line, place) for line in block['c']))
            else:
                lost.add(kind)
                texts.append(self.renderer.escape(plain_text([block])))
        if len([t for t in texts if t]) > 1:
            lost.add('paragraph breaks (joined with spaces)')
        if lost:
            self.warn(place, 'the content schema keeps one text here: '
                      + ', '.join(sorted(lost)) + ' became part of it', 'structure')
        return ' '.join(t for t in texts if t)

    # -- chapters

    def start_chapter(self, title, identifier):
        self.chapters.append(Chapter(identifier, title, []))

    def emit(self, blocks):
        if not self.chapters:
            self.chapters.append(Chapter('', '', []))       # before the first Heading 1
        self.chapters[-1].blocks.extend(blocks)

    def walk_document(self, blocks):
        """The top level: Heading 1 starts a chapter; a run of paragraphs in the same mapped
        style becomes one box."""
        for block in group_styled(blocks, self.styles_to_kinds):
            if block['t'] == 'Header' and block['c'][0] == 1:
                self.chapter_heading(block)
            else:
                self.emit(self.blocks([block]))

    def chapter_heading(self, block):
        _, (identifier, _, _), inlines = block['c']
        place = self.places.paragraph(plain_text(inlines))
        title = self.text(inlines, place)
        self.places.set_heading(plain_text(inlines))
        if not title:
            self.warn(place, 'an empty Heading 1 was left out')
            return
        chapter_id = self.anchors.get(identifier) or self.anchors.get(f'chapter:{id(block)}')
        self.start_chapter(title, chapter_id)
        self.pending_ids = []
        self.flush_images_into(self.chapters[-1].blocks, place)

    def blocks(self, blocks):
        result = []
        for block in blocks:
            walker = self.BLOCKS.get(block['t'])
            if walker is None:
                self.warn(self.places.here(), f'a {block["t"]} block was left out')
                continue
            result.extend(walker(self, block))
        return result

    def flush_images_into(self, result, place):
        while self.pending_images:
            image = self.pending_images.pop(0)
            self.warn(place, 'a picture inside a line of text was put after its paragraph',
                      'image')
            found = self.image_block(image, None, place)
            if found:
                result.append(found)

    # -- one walker per pandoc block type

    def para(self, block):
        inlines = block['c']
        images = [node for node in inlines if node['t'] == 'Image']
        if images and not plain_text(inlines).strip():
            place = self.places.paragraph()
            return [found for found in (self.image_block(image, None, place)
                                        for image in images) if found]
        place = self.places.paragraph(plain_text(inlines))
        text = self.text(inlines, place)
        result = [self.take_id({'p': text})] if text else []
        self.flush_images_into(result, place)
        return result

    def header(self, block):
        level, (identifier, _, _), inlines = block['c']
        place = self.places.paragraph(plain_text(inlines))
        text = self.text(inlines, place)
        self.places.set_heading(plain_text(inlines))
        if not text:
            self.warn(place, 'an empty heading was left out')
            return []
        if level == 1:
            self.warn(place, 'a Heading 1 inside a box, list or table became a sub-heading')
        elif level > 3:
            self.warn(place, f'a Heading {level} became a sub-heading like Heading 2 and 3 '
                      '(the content schema has one level of sub-heading)')
        result = {'heading': text}
        if self.anchors.get(identifier):
            result['id'] = self.anchors[identifier]
        result = self.take_id(result)
        out = [result]
        self.flush_images_into(out, place)
        return out

    def bullet_list(self, block):
        return self.list_block('bullets', block['c'], 1)

    def ordered_list(self, block):
        (start, _style, _delimiter), items = block['c']
        return self.list_block('numbered', items, start)

    def list_block(self, key, items, start):
        result = [{key: self.list_value(key, items, start)}]
        self.flush_images_into(result, self.places.here())
        return result if result[0][key] else result[1:]

    def list_value(self, key, items, start):
        """A list's items as the schema writes them: Text, or `{text, bullets|numbered}`
        for an item with a list inside (any depth); a numbered list that Word starts at
        another number is `{start, items}`."""
        texts = []
        for item in items:
            texts.extend(self.list_item(unwrap_divs(item)))
        if key == 'numbered' and start != 1 and texts:
            return {'start': start, 'items': texts}
        return texts

    def list_item(self, blocks):
        """One item: its text, with the list nested in it. A second paragraph (or a table,
        a quote) in the item joins its text; an item without text of its own gives its
        nested items to the outer list (the schema's item has a text)."""
        own, nested, rest = None, None, []
        for block in blocks:
            if block['t'] in ('BulletList', 'OrderedList'):
                key = 'bullets' if block['t'] == 'BulletList' else 'numbered'
                items = block['c'] if key == 'bullets' else block['c'][1]
                start = 1 if key == 'bullets' else block['c'][0][0]
                if nested is None:
                    nested = (key, self.list_value(key, items, start))
                else:
                    place = self.places.upcoming()
                    more = self.list_value(nested[0], items, 1)
                    self.warn(place, 'a list item holds two lists one after the other: the '
                              'second one was joined to the first', 'list')
                    inner = nested[1]['items'] if isinstance(nested[1], dict) else nested[1]
                    inner.extend(more['items'] if isinstance(more, dict) else more)
            elif own is None and not rest and block['t'] in ('Para', 'Plain'):
                place = self.places.paragraph(plain_text(block['c']))
                own = self.text(block['c'], place)
            else:
                rest.append(block)
        if rest:
            place = self.places.paragraph(plain_text(rest))
            extra = self.flat_text(rest, place)
            if own and extra:
                self.warn(place, 'a list item with more than one paragraph became one item '
                          '(its paragraphs joined with spaces)', 'list')
            own = ' '.join(filter(None, [own, extra]))
        if nested is None:
            return [own] if own else []
        key, value = nested
        if not own:
            return value['items'] if isinstance(value, dict) else value
        return [{'text': own, key: value}]

    def block_quote(self, block):
        """A quote per paragraph; a last paragraph starting with a dash is the attribution."""
        paragraphs = unwrap_divs(block['c'])
        quotes = []
        for child in paragraphs:
            if child['t'] not in ('Para', 'Plain'):
                place = self.places.paragraph(plain_text([child]))
                text = self.flat_text([child], place)
                if text:
                    quotes.append({'quote': {'text': text}})
                continue
            words = plain_text(child['c'])
            place = self.places.paragraph(words)
            text = self.text(child['c'], place)
            if quotes and ATTRIBUTION.match(words) and len(words) < 200:
                quotes[-1]['quote']['attribution'] = ATTRIBUTION.sub('', text, count=1)
            elif text:
                quotes.append({'quote': {'text': text}})
        return quotes

    def div(self, block):
        """A paragraph style (with `-f docx+styles`): a box if publication.yaml maps it, a
        quote if it is a quote style, dropped if it is a table of contents, else its content
        with a warning naming the style."""
        style = custom_style(block)
        content = block['c'][1]
        if not style:
            return self.blocks(content)
        key = style.lower()
        if key in self.styles_to_kinds:
            return [self.box(self.styles_to_kinds[key], style, content)]
        if TOC_STYLE.match(key):
            self.group('toc', 'toc', self.places.upcoming(plain_text(content)))
            self.places.paragraph()
            return []
        if key in QUOTE_STYLES:
            if not any(b['t'] == 'BlockQuote' for b in content):
                return self.block_quote({'t': 'BlockQuote', 'c': content})
        elif key not in NEUTRAL_STYLES and not HEADING_STYLE.match(key) and not (
                [b['t'] for b in content] == ['BlockQuote']):      # pandoc saw a quote style
            self.group('style', style, self.places.upcoming(plain_text(content)))
        return self.blocks(content)

    def box(self, kind, style, content):
        """A framed aside: the Word style's paragraphs; a first paragraph all in bold is its
        title (the schema's box title)."""
        self.box_kinds.setdefault(kind, style)
        blocks = unwrap_divs(content)
        result = {'kind': kind}
        first = blocks[0] if blocks else None
        if first and first['t'] in ('Para', 'Plain') and _all_strong(first['c']):
            place = self.places.paragraph(plain_text(first['c']))
            result['title'] = self.text(first['c'][0]['c'], place)
            blocks = blocks[1:]
        elif first and first['t'] == 'Header':
            place = self.places.paragraph(plain_text(first['c'][2]))
            result['title'] = self.text(first['c'][2], place)
            blocks = blocks[1:]
        result['blocks'] = self.blocks(blocks)
        if not result['blocks']:
            result['blocks'] = [{'p': result.pop('title', '')}]
        return {'box': result}

    def table(self, block):
        """A table with its header rows and its merged cells (`colspan`, `rowspan`), as
        Word has them; numbers and percentages as numbers the build formats per language."""
        self.places.tables += 1
        number = self.places.tables
        table_place = self.places.describe(f'table {number}')
        _attr, caption, colspecs, head, bodies, foot = block['c']
        self.pending_ids = []
        caption_blocks = unwrap_divs(caption[1])
        caption_text = self.flat_text(caption_blocks, table_place) if caption_blocks else ''
        caption_ids = list(self.pending_ids)
        self.pending_ids = []
        body_rows = []
        for _battr, _heads, intermediate, rows in bodies:
            body_rows.extend(intermediate + rows)
        if foot[1]:
            self.warn(table_place, 'the table footer rows became ordinary rows', 'table')
            body_rows.extend(foot[1])
        header = self.rows(head[1], number, 'header row', header=True)
        rows = self.rows(body_rows, number, 'row', header=False)
        if not header:
            if not rows:
                self.warn(table_place, 'an empty table was left out', 'table')
                return []
            self.warn(table_place, 'the table has no header row: its first row became the '
                      'header (in Word: Table Properties > Row > "Repeat as header row")',
                      'table')
            header = self.rows(body_rows[:1], number, 'row', header=True)
            rows = self.rows(body_rows[1:], number, 'row', header=False, first=2)
        if not caption_text:
            self.warn(table_place, 'the table has no caption (a paragraph in the Caption '
                      'style before or after it): a placeholder was written', 'table')
            caption_text = PLACEHOLDER_CAPTION
        result = {'table': {'caption': caption_text,
                            'header': header[0] if len(header) == 1 else header,
                            'rows': rows}}
        if caption_ids:
            result['id'] = caption_ids[0]
        self.flush_images_into(out := [result], table_place)
        return out

    def rows(self, rows, number, what, header, first=1):
        """Pandoc's rows -> the schema's: each cell its text (a number in the body), a
        merged cell `{text|value, colspan, rowspan}`. A row span is kept within its part
        (header or body), as the schema reads it."""
        result = []
        for r, (_attr, cells) in enumerate(rows, first):
            line, column = [], 0
            for cell in cells:
                _cattr, _align, rowspan, colspan, content = cell
                self.places.inside.append(f'table {number}, {what} {r}, column {column + 1}')
                try:
                    text = self.flat_text(unwrap_divs(content), self.places.here())
                finally:
                    self.places.inside.pop()
                rowspan = max(1, min(rowspan, len(rows) - (r - first)))
                value = text if header else cell_value(text)
                if rowspan > 1 or colspan > 1:
                    value = dict(value) if isinstance(value, dict) else (
                        {'text': value} if isinstance(value, str) else {'value': value})
                    if colspan > 1:
                        value['colspan'] = colspan
                    if rowspan > 1:
                        value['rowspan'] = rowspan
                line.append(value)
                column += colspan
            result.append(line)
        return result

    def figure(self, block):
        """A picture with its caption (pandoc pairs a Caption-style paragraph with the
        picture next to it)."""
        _attr, caption, content = block['c']
        place = self.places.paragraph()
        caption_text = self.flat_text(unwrap_divs(caption[1]), place) if caption[1] else None
        caption_ids, self.pending_ids = list(self.pending_ids), []
        images = [node for node in _inlines_of(content) if node['t'] == 'Image']
        others = [b for b in unwrap_divs(content)
                  if b['t'] not in ('Plain', 'Para') or plain_text(b['c']).strip()]
        result = []
        for index, image in enumerate(images):
            last = index == len(images) - 1
            found = self.image_block(image, caption_text if last else None, place)
            if found:
                result.append(found)
        if caption_ids and result:
            result[-1]['id'] = caption_ids[0]
        if others or not images:
            self.warn(place, 'a figure holds more than a picture: its text was kept as '
                      'paragraphs', 'image')
            result.extend(self.blocks(others))
        return result

    def image_block(self, node, caption, place):
        """A picture, its alt text as the author typed it in Word, and its caption. Without
        alt text none is made up: the build then names the picture that needs it."""
        _attr, alt_inlines, (src, _title) = node['c']
        alt = self.renderer.escape(plain_text(alt_inlines))
        data = self.read_media(src, place)
        if data is None:
            return {'p': alt} if alt else None
        name, data = self.image_file(data, plain_text(alt_inlines), place)
        if name is None:                # a format the build cannot read, not converted
            return {'p': alt} if alt else None
        if not alt:
            self.warn(place, f'the picture {name} has no alt text (in Word: right-click > '
                      'View Alt Text): the build will ask for it', 'image')
        elif GENERATED_ALT.search(alt):
            self.warn(place, 'the alt text was written by Word itself: check it', 'image')
        block = {'src': name}
        if alt:
            block['alt'] = alt
        if caption:
            block['caption'] = caption
        if name not in {image.name for image in self.images}:
            self.images.append(ImportedImage(name, data, alt, caption, place))
        return {'image': block}

    def read_media(self, src, place):
        path = Path(src)
        if not path.is_absolute() and self.media_dir:
            path = Path(self.media_dir) / src
        try:
            return path.read_bytes()
        except OSError:
            self.warn(place, f'the picture {src} could not be read: left out (its alt text '
                      'is kept as a paragraph)', 'image')
            return None

    def image_file(self, data, alt, place):
        """(A readable, stable file name, the bytes to write): the name from the alt text's
        first words and a hash of the picture as Word holds it (the same picture twice is
        one file; a re-import gives the same name); the bytes converted where the build
        does not read Word's format."""
        digest = hashlib.sha256(data).hexdigest()
        if digest in self.image_files:
            return self.image_files[digest]
        kind = image_kind(data)
        if kind in CONVERTERS:
            try:
                data, kind, was = to_svg(data, kind), 'svg', kind
            except MetafileError as error:
                self.warn(place, f'a picture is {kind.upper()} (Word\'s vector format) and was '
                          f'left out (its alt text is kept as a paragraph): {error}; or save '
                          'it as SVG or PNG in Word', 'image')
                self.image_files[digest] = None, None
                return None, None
            else:
                self.warn(place, f'a {was.upper()} picture was converted to SVG: check it '
                          'against the Word document', 'image')
        elif kind not in ('png', 'jpg', 'svg'):
            converted = convert_image(data)
            if converted:
                self.warn(place, f'a {kind.upper()} picture was converted to PNG', 'image')
                data, kind = converted, 'png'
            else:
                self.warn(place, f'a picture is {kind.upper()}, which the build does not read, '
                          'and was left out (its alt text is kept as a paragraph): save it as '
                          'PNG, JPEG or SVG and put it in by hand', 'image')
                self.image_files[digest] = None, None
                return None, None
        name = f'{slugify(alt, words=4, length=32) or "picture"}-{digest[:8]}.{kind}'
        self.image_files[digest] = name, data
        return name, data

    def horizontal_rule(self, block):
        self.warn(self.places.here(), 'a horizontal line was left out (decoration)', 'format')
        return []

    def code_block(self, block):
        place = self.places.paragraph(block['c'][1])
        self.warn(place, 'a code block became a paragraph', 'format')
        return [{'p': self.renderer.escape(' '.join(block['c'][1].split()))}]

    def raw_block(self, block):
        self.warn(self.places.here(), f'raw {block["c"][0]} content was left out', 'format')
        return []

    def line_block(self, block):
        place = self.places.paragraph(plain_text([block]))
        self.warn(place, 'line breaks in a line block became spaces', 'format')
        return [{'p': ' '.join(self.text(line, place) for line in block['c'])}]

    def definition_list(self, block):
        items = []
        for term, definitions in block['c']:
            place = self.places.paragraph(plain_text(term))
            text = f'**{self.text(term, place)}**: ' + ' '.join(
                self.flat_text(unwrap_divs(d), place) for d in definitions)
            items.append(text)
        self.warn(self.places.here(), 'a definition list became a bulleted list (term in bold)',
                  'list')
        return [{'bullets': items}]

    BLOCKS = {
        'Para': para, 'Plain': para, 'Header': header, 'BulletList': bullet_list,
        'OrderedList': ordered_list, 'BlockQuote': block_quote, 'Div': div, 'Table': table,
        'Figure': figure, 'HorizontalRule': horizontal_rule, 'CodeBlock': code_block,
        'RawBlock': raw_block, 'LineBlock': line_block, 'DefinitionList': definition_list,
    }


def _all_strong(inlines):
    """Whether a paragraph is one bold run (a box's title)."""
    meaningful = [n for n in inlines if n['t'] not in ('Space', 'SoftBreak')]
    return len(meaningful) == 1 and meaningful[0]['t'] == 'Strong'


def _inlines_of(blocks):
    for block in unwrap_divs(blocks):
        if block['t'] in ('Plain', 'Para'):
            yield from block['c']


def group_styled(blocks, styles_to_kinds):
    """Consecutive paragraphs in one mapped style -> one Div (with +styles pandoc gives each
    paragraph its own Div), so a three-paragraph case study is one box."""
    result = []
    for block in blocks:
        style = custom_style(block) if block['t'] == 'Div' else None
        previous = custom_style(result[-1]) if result and result[-1]['t'] == 'Div' else None
        if style and style.lower() in styles_to_kinds and previous == style:
            result[-1] = {'t': 'Div', 'c': [result[-1]['c'][0],
                                            result[-1]['c'][1] + block['c'][1]]}
        else:
            result.append(block)
    return result


INTEGER = re.compile(r'-?(0|[1-9]\d*)\Z')
DECIMAL = re.compile(r'-?\d+\.\d+\Z')
PERCENT = re.compile(r'-?\d+(\.\d+)?%\Z')


def cell_value(text):
    """A cell as the schema wants it: a number or percentage the build formats per language,
    else text. A year stays text (formatted, 2015 would read "2,015"); text that ends in %
    without being a percentage is written as a Text mapping, which the loader reads as text."""
    if INTEGER.match(text) and not (len(text) == 4 and 1000 <= int(text) <= 2999):
        return int(text)
    if DECIMAL.match(text):
        return float(text) if len(text) < 15 else text
    if PERCENT.match(text):
        return text
    if text.endswith('%'):
        return {'text': text}
    return text


def image_kind(data):
    if data.startswith(b'\x89PNG\r\n\x1a\n'):
        return 'png'
    if data.startswith(b'\xff\xd8\xff'):
        return 'jpg'
    head = data[:512].lstrip().lower()
    if head.startswith((b'<?xml', b'<svg')) and b'<svg' in data[:4096].lower():
        return 'svg'
    if data.startswith(b'\x01\x00\x00\x00') and data[40:44] == b' EMF':   # its header record
        return 'emf'
    if data[:4] in (b'\x01\x00\x09\x00', b'\x02\x00\x09\x00') and data[4:6] in (b'\x00\x03',
                                                                           b'\x00\x01'):
        return 'wmf'                    # a WMF without the placeable header Word adds
    for magic, kind in ((b'GIF8', 'gif'), (b'BM', 'bmp'), (b'II*\x00', 'tiff'),
                        (b'MM\x00*', 'tiff'), (b'\xd7\xcd\xc6\x9a', 'wmf'), (b'RIFF', 'webp')):
        if data.startswith(magic):
            return kind
    return 'bin'


def convert_image(data):
    """GIF, BMP, TIFF, WebP -> PNG with Pillow, or None (EMF and WMF: `metafiles`)."""
    try:
        with Image.open(io.BytesIO(data)) as picture:
            buffer = io.BytesIO()
            picture.save(buffer, 'PNG')
            return buffer.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


# -- anchors (cross-references) -------------------------------------------------------------

def collect_anchors(tree):
    """Which ids the document links to, and what each becomes: a chapter id (a Heading 1),
    or a valid schema id for a heading, table or picture ("_Ref71265628" -> "ref71265628").

    Pandoc gives headings ids and keeps bookmarks as Spans with ids; a link `#x` to an id
    nothing has is dropped later with a warning."""
    targets, defined, chapter_ids, order = set(), {}, set(), []

    def visit(node, top=False):
        if isinstance(node, list):
            for item in node:
                visit(item, top)
            return
        if not isinstance(node, dict):
            return
        kind = node.get('t')
        if kind == 'Link' and node['c'][2][0].startswith('#'):
            targets.add(node['c'][2][0][1:])
        if kind == 'Header':
            identifier = node['c'][1][0]
            if node['c'][0] == 1 and top:
                chapter = unique(slugify(plain_text(node['c'][2])) or
                                 f'chapter-{len(chapter_ids) + 1}', chapter_ids)
                defined[f'chapter:{id(node)}'] = chapter
                if identifier:
                    defined.setdefault(identifier, chapter)
            elif identifier:
                order.append(identifier)
        elif kind in ('Span', 'Div') and node['c'][0][0]:
            order.append(node['c'][0][0])
        for value in node.values():
            if isinstance(value, (list, dict)):
                visit(value)

    for block in tree['blocks']:
        visit(block, top=True)
    taken = set(chapter_ids)
    anchors = {key: value for key, value in defined.items()}
    for identifier in order:
        if identifier in targets and identifier not in anchors:
            base = re.sub(r'[^A-Za-z0-9_-]', '-', identifier.lstrip('_')).strip('-').lower()
            if not base or not base[0].isalpha():
                base = f'ref-{base}' if base else 'ref'
            anchors[identifier] = unique(base, taken)
    return {key: value for key, value in anchors.items()
            if key.startswith('chapter:') or key in targets}


