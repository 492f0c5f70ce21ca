r"""Inline markup of messages: a small Markdown subset parsed by markdown-it-py.

Translations are data, never markup: raw HTML in a message is shown as text,
links may only point to http(s), mailto or an anchor in the same document,
and the renderer escapes everything it does not build itself.

The subset (see docs/publishing.md): ``**bold**``, ``*italic*``, ``^superscript^``,
``~subscript~``, ``[text](url)``, ``<url>``, footnote references ``[^id]`` and ``{name}``
placeholders. A backslash makes any of their characters literal: ``\{name}`` is the
text "{name}", not a placeholder.
"""
import functools
import re
from collections import Counter
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

#: A print footnote is an element with this prefix and its label as id (`i18n.translate`
#: writes it; `pdf.structure` tags it a Note): a footnote call's destination names its note.
NOTE_ID_PREFIX = 'fn-'
PLACEHOLDER = re.compile(r'\{([^{}\s]*)\}')
#: Link text that is an address (a URL, a path, an email), one long word that may be broken
#: anywhere to fit its line: its link gets the class `url`. Other link text keeps its
#: words whole (WeasyPrint 70 breaks "th|e" at a line's end in a link that may wrap anywhere).
ADDRESS = re.compile(r'\S*(://|@|/)\S*\Z|www\.\S+\Z')
PLACEHOLDER_NAME = re.compile(r'[A-Za-z_][A-Za-z0-9_]*\Z')
SAFE_LINK = re.compile(r'(https?://|mailto:|#)', re.IGNORECASE)

_parser = MarkdownIt('zero', {'html': False, 'typographer': False})
_parser.enable(['emphasis', 'link', 'autolink', 'escape'])
footnote_plugin(_parser, inline=False, move_to_end=False, always_match_refs=True)
superscript_plugin(_parser)
sub_plugin(_parser)
# An escaped character stays a token of its own ("text_special"), not joined to the text
# around it, so that `\{name}` is not read as a placeholder once the backslash is gone.
_parser.disable('text_join')


def parse_inline(text):
    """The inline tokens of one message."""
    tokens = _parser.parseInline(text)
    return tokens[0].children or [] if tokens else []


@dataclass(frozen=True)
class Signature:
    """What a translation must keep of its source: used by checks and the build."""

    strong: int
    emphasis: int
    links: tuple
    footnotes: tuple
    placeholders: tuple
    superscript: int = 0
    subscript: int = 0

    def differences(self, other, italics=True):
        """What a translation (`other`) lost or gained of its source's markup, in the words
        and the symbols a translator sees in the catalog: "`**bold**` markup: 0 instead of 1",
        "footnote references: missing `[^site]`".

        Scripts without italics (Chinese marks titles with 《》) may drop `*emphasis*`.
        """
        found = []
        spans = ('strong', 'emphasis') if italics else ('strong',)
        for name in (*spans, 'superscript', 'subscript'):
            if getattr(self, name) != getattr(other, name):
                found.append(f'{SPAN_NAMES[name]} markup: {getattr(other, name)} instead of '
                             f'{getattr(self, name)}')
        for name, (label, shown) in LIST_NAMES.items():
            mine, theirs = Counter(getattr(self, name)), Counter(getattr(other, name))
            if mine != theirs:
                missing, extra = (', '.join(f'`{shown % item}`' for item in sorted(items))
                                  for items in ((mine - theirs).elements(),
                                                (theirs - mine).elements()))
                parts = [f'missing {missing}' if missing else '',
                         f'unexpected {extra}' if extra else '']
                found.append(f'{label}: ' + '; '.join(p for p in parts if p))
        return found


#: Span markup as the translator types it.
SPAN_NAMES = {'strong': '`**bold**`', 'emphasis': '`*italic*`',
              'superscript': '`^superscript^`', 'subscript': '`~subscript~`'}
#: The HTML of each span token: the tags are ours, never the text's.
SPAN_TAGS = {'strong_open': '<strong>', 'strong_close': '</strong>', 'em_open': '<em>',
             'em_close': '</em>', 'sup_open': '<sup>', 'sup_close': '</sup>',
             'sub_open': '<sub>', 'sub_close': '</sub>'}
#: Lists of markup: how each is named, and how one item is written in a message.
LIST_NAMES = {'links': ('links', '(%s)'), 'footnotes': ('footnote references', '[^%s]'),
              'placeholders': ('placeholders', '{%s}')}


@functools.lru_cache(maxsize=8192)
def signature(text):
    """Count the markup of a message: bold, italic, superscript and subscript spans, link
    targets, footnotes, placeholders.

    Cached: a build asks for each source message's signature once per language and medium,
    and a `Signature` is immutable."""
    strong = emphasis = superscript = subscript = 0
    links, footnotes, placeholders = [], [], []
    for token in parse_inline(text):
        if token.type == 'strong_open':
            strong += 1
        elif token.type == 'em_open':
            emphasis += 1
        elif token.type == 'sup_open':
            superscript += 1
        elif token.type == 'sub_open':
            subscript += 1
        elif token.type == 'link_open':
            links.append(token.attrGet('href') or '')
        elif token.type == 'footnote_ref':
            footnotes.append(token.meta['label'])
        elif token.type == 'text':
            placeholders.extend(PLACEHOLDER.findall(token.content))
    return Signature(strong, emphasis, tuple(links), tuple(footnotes), tuple(placeholders),
                     superscript, subscript)


def footnote_refs(text):
    """Labels of the footnotes a message cites, in order."""
    return list(signature(text).footnotes)


def unsafe_links(text):
    """Link targets in a message that the renderer refuses to link."""
    return [href for href in signature(text).links if not SAFE_LINK.match(href)]


def render_html(text, values=None, footnote=None, xref=None):
    """Render one message to safe HTML.

    `values` maps placeholder names to already formatted strings; `footnote`
    is called with a footnote label and returns the Markup for its reference;
    `xref` is called with the id of a `[text](#id)` link and returns the number of
    its target (a numbered section, say) or None: the number ends the link text.
    A placeholder without a value raises `KeyError` with its name.
    """
    values = values or {}
    html = []
    link_ok = []
    numbers = []
    tokens = parse_inline(text)
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == 'text':
            html.append(_fill(token.content, values))
        elif kind == 'text_special':              # an escaped character: never a placeholder
            html.append(escape(token.content))
        elif kind in SPAN_TAGS:
            html.append(Markup(SPAN_TAGS[kind]))
        elif kind == 'link_open':
            href = token.attrGet('href') or ''
            link_ok.append(bool(SAFE_LINK.match(href)))
            numbers.append(xref(href[1:]) if xref and href.startswith('#') else None)
            if link_ok[-1] and href.startswith('#'):
                html.append(Markup('<a class="xref" href="%s">') % href)
            elif link_ok[-1] and _is_address(tokens, index, values):
                html.append(Markup('<a class="url" href="%s">') % href)
            elif link_ok[-1]:
                html.append(Markup('<a href="%s">') % href)
        elif kind == 'link_close':
            number = numbers.pop()
            if number is not None:
                html.append(Markup('\N{NO-BREAK SPACE}<span class="xref-number">%s</span>')
                            % number)
            if link_ok.pop():
                html.append(Markup('</a>'))
        elif kind == 'footnote_ref':
            label = token.meta['label']
            html.append(footnote(label) if footnote else escape(f'[^{label}]'))
        elif kind in ('softbreak', 'hardbreak'):
            html.append(Markup(' '))
        else:
            html.append(escape(token.content))
    return Markup('').join(html)


def _is_address(tokens, index, values):
    """Whether the text of the link opened at `tokens[index]` is an address (`ADDRESS`)."""
    words = []
    for token in tokens[index + 1:]:
        if token.type == 'link_close':
            break
        if token.type == 'text':
            words.append(PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), '')),
                                         token.content))
        elif token.type == 'text_special':
            words.append(token.content)
    return bool(ADDRESS.fullmatch(''.join(words).strip()))


def render_plain(text, values=None):
    """The message as plain text (for PDF metadata, bookmarks, SVG labels): no markup, no footnotes."""
    values = values or {}
    parts = []
    for token in parse_inline(text):
        if token.type == 'text':
            parts.append(PLACEHOLDER.sub(lambda m: values[m.group(1)], token.content))
        elif token.type == 'text_special':
            parts.append(token.content)
        elif token.type in ('softbreak', 'hardbreak'):
            parts.append(' ')
    return ''.join(parts)


def _fill(text, values):
    pieces = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        pieces.append(escape(text[position:match.start()]))
        pieces.append(escape(values[match.group(1)]))
        position = match.end()
    pieces.append(escape(text[position:]))
    return Markup('').join(pieces)
