"""Pandoc's inlines as one Text in the project's Markdown subset (`content.markup`).

**bold**, *italic*, ^superscript^, ~subscript~, [links](https://…), [^footnotes]; every
character the subset would read as markup is escaped (a literal `{word}` too, which would
otherwise be a placeholder). What the subset cannot say (underline, small capitals, a line
break) keeps its words and loses its form, with a warning naming the place.
"""
import re

from ..content import markup
from .pandocast import attr_of, excerpt, plain_text

#: The characters the subset reads as markup: each is written with a backslash.
MARKDOWN_SPECIAL = re.compile(r'([\\*_\[\]<`^~{])')
SAFE_LINK = re.compile(r'(https?://|mailto:)', re.IGNORECASE)


class InlineRenderer:
    """Pandoc inlines -> one Text in the project's Markdown subset.

    Everything else keeps its words and loses its form, with a warning. `HANDLERS` maps each
    inline type to a method: a new pandoc inline is one entry.
    """

    def __init__(self, walker):
        self.walker = walker
        self.formats_lost = set()
        self.place = ''
        self.in_note = False
        self.plain_formatting = False

    def render(self, inlines, place):
        """The Text of `inlines`, checked against the project's own Markdown parser: if its
        words differ from the same text written without bold and italic (a `*` that Markdown
        did not read as emphasis shows as a star), the text loses its bold and italic, with
        a warning, rather than showing stray asterisks. Rendering twice has no side effect:
        notes and pictures are registered once per pandoc node."""
        self.place, self.formats_lost = place, set()
        text = self._tidy(self.inlines(inlines))
        if '*' in text.replace('\\*', ''):
            self.plain_formatting = True
            try:
                plain = self._tidy(self.inlines(inlines))
            finally:
                self.plain_formatting = False
            if markup_plain(text) != markup_plain(plain):
                text = plain
                self.walker.warn(place, 'its bold or italic could not be written in Markdown '
                                 'without changing the text: re-add it by hand', 'format')
        if self.formats_lost:
            self.walker.warn(place, 'formatting the content schema has no markup for was '
                             'dropped: ' + ', '.join(sorted(self.formats_lost)), 'format')
        return text

    @staticmethod
    def _tidy(text):
        return re.sub(r'[ \t\r\n]+', ' ', text).strip()

    def inlines(self, inlines):
        return ''.join(self.inline(node) for node in inlines)

    def inline(self, node):
        handler = self.HANDLERS.get(node['t'])
        if handler is None:
            self.formats_lost.add(node['t'])
            return self.escape(plain_text([node]))
        return handler(self, node)

    @staticmethod
    def escape(text):
        return MARKDOWN_SPECIAL.sub(r'\\\1', text)

    def str_(self, node):
        return self.escape(node['c'])

    def space(self, node):
        return ' '

    def line_break(self, node):
        self.formats_lost.add('line break (Shift+Enter)')
        return ' '

    def _wrap(self, marker, node):
        inner = self.inlines(node['c'])
        core = inner.strip()
        if self.plain_formatting or not core:
            return inner
        lead = inner[:len(inner) - len(inner.lstrip())]
        trail = inner[len(inner.rstrip()):]
        return f'{lead}{marker}{core}{marker}{trail}'

    def emph(self, node):
        return self._wrap('*', node)

    def strong(self, node):
        return self._wrap('**', node)

    def superscript(self, node):
        return self._script('^', node, 'superscript')

    def subscript(self, node):
        return self._script('~', node, 'subscript')

    def _script(self, marker, node, name):
        inner = self.inlines(node['c']).strip()
        # Pandoc's own ^sup^ cannot hold a space: write it escaped, as pandoc does.
        return f'{marker}{inner.replace(" ", chr(92) + " ")}{marker}' if inner else ''

    def quoted(self, node):
        kind, inlines = node['c']
        open_, close = ('“', '”') if kind['t'] == 'DoubleQuote' else ('‘', '’')
        return open_ + self.inlines(inlines) + close

    def code(self, node):
        self.formats_lost.add('code')
        return self.escape(node['c'][1])

    def math(self, node):
        self.formats_lost.add('equation (kept as TeX)')
        return self.escape(node['c'][1])

    def raw(self, node):
        self.formats_lost.add(f'raw {node["c"][0]}')
        return ''

    def span(self, node):
        identifier, classes, pairs = attr_of(node)
        if set(classes) & {'comment-start', 'comment-end', 'deletion', 'paragraph-deletion',
                           'paragraph-insertion'}:
            return ''       # only in a review pass: the content pass has none
        if identifier:
            self.walker.anchor_seen(identifier)
        style = pairs.get('custom-style')
        text = self.inlines(node['c'][1])
        if style and not self.plain_formatting:
            flags = self.walker.char_styles.get(style.lower(), set())
            core = text.strip()
            if core:
                lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
                if 'superscript' in flags:
                    core = f'^{core}^'
                elif 'subscript' in flags:
                    core = f'~{core}~'
                if 'italic' in flags:
                    core = f'*{core}*'
                if 'bold' in flags:
                    core = f'**{core}**'
                text = lead + core + trail
        return text

    def link(self, node):
        _, inlines, (url, _title) = node['c']
        text = self.inlines(inlines)
        if url.startswith('#'):
            target = self.walker.link_target(url[1:])
            if target:
                return f'[{text}](#{target})'
            self.walker.warn(self.place, f'a link to a place in the document that the import '
                             f'cannot point to ({url}) was dropped; its text is kept', 'link')
            return text
        if not SAFE_LINK.match(url):
            self.walker.warn(self.place, f'a link to {excerpt(url, 60)!r} was dropped (only '
                             'http, https and mailto links are allowed); its text is kept',
                             'link')
            return text
        safe = re.sub(r'[\s()<>]', lambda m: '%{:02X}'.format(ord(m.group())), url)
        shown = plain_text(inlines)
        if not text.strip() or shown in (url, url.removeprefix('mailto:')):
            return f'<{safe}>' if shown == url or not text.strip() else f'[{text}]({safe})'
        return f'[{text}]({safe})'

    def image(self, node):
        # A picture inside a line of text: the schema has pictures only as blocks.
        if not any(node is seen for seen in self.walker.pending_images):
            self.walker.pending_images.append(node)
        return ''

    def note(self, node):
        if self.in_note:
            self.formats_lost.add('a note inside a note')
            return ''
        return f'[^{self.walker.footnote_for(node, self.place)}]'

    HANDLERS = {
        'Str': str_, 'Space': space, 'SoftBreak': space, 'LineBreak': line_break,
        'Emph': emph, 'Strong': strong, 'Superscript': superscript, 'Subscript': subscript,
        'Quoted': quoted, 'Code': code, 'Math': math, 'RawInline': raw, 'Span': span,
        'Link': link, 'Image': image, 'Note': note,
    }


def _words_only(name):
    """A handler for formatting the schema cannot say: the words stay, the form goes."""
    def handler(renderer, node):
        renderer.formats_lost.add(name)
        return renderer.inlines(node['c'] if node['t'] != 'Cite' else node['c'][1])
    return handler


InlineRenderer.HANDLERS.update({
    'Underline': _words_only('underline'), 'Strikeout': _words_only('strikethrough'),
    'SmallCaps': _words_only('small capitals'),
    'Cite': _words_only('citation field (kept as text)'),
})


def markup_plain(text):
    """The words of a Text as the build shows them (no markup, no footnote references)."""
    return markup.render_plain(text)
