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


def render_html(text, values=None, footnote=None, xref=None, typeset=None, keep=None,
                isolate=None):
    """Render one message to safe HTML.

    `values` maps placeholder names to already formatted strings; `footnote`
    is called with a footnote label and returns the Markup for its reference;
    `xref` is called with the id of a `[text](#id)` link and returns the number of
    its target (a numbered section, say) or None: the number ends the link text.
    A placeholder without a value raises `KeyError` with its name.

    `typeset`, given, sets the message's text by its language's typography: it is called
    with the runs of text as `Piece`-like (text, editable) pairs and returns their texts
    (`i18n.typography.Typesetter.apply`). Placeholders' values, the text of links that are
    addresses, and any `*italic*` span whose text `keep(text)` accepts (a title cited in English,
    as in the source) are shown as they are. `isolate`, given (right-to-left languages),
    escapes each run of text as markup that isolates its left-to-right words
    (`i18n.typography.isolate_ltr`); an address link is then marked `dir="ltr"`.
    """
    values = values or {}
    parts = []          # Markup, or [text, editable] runs of text
    link_ok = []
    numbers = []
    addresses = []      # per open link: whether its text is an address
    tokens = parse_inline(text)
    kept = _kept_spans(tokens, keep)
    fixed = 0           # > 0 inside an address link or a kept span
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == 'text':
            parts.extend(_runs(token.content, values, editable=not fixed))
        elif kind == 'text_special':              # an escaped character: never a placeholder
            parts.append([token.content, not fixed])
        elif kind in ('em_open', 'em_close'):
            fixed += (index in kept) if kind == 'em_open' else -kept.get(index, 0)
            parts.append(Markup(SPAN_TAGS[kind]))
        elif kind in SPAN_TAGS:
            parts.append(Markup(SPAN_TAGS[kind]))
        elif kind == 'link_open':
            href = token.attrGet('href') or ''
            link_ok.append(bool(SAFE_LINK.match(href)))
            numbers.append(xref(href[1:]) if xref and href.startswith('#') else None)
            address = _is_address(tokens, index, values)
            addresses.append(address)
            fixed += address
            if link_ok[-1] and href.startswith('#'):
                parts.append(Markup('<a class="xref" href="%s">') % href)
            elif link_ok[-1] and address:
                parts.append(Markup('<a class="url" href="%s"%s>') % (
                    href, Markup(' dir="ltr"') if isolate else ''))
            elif link_ok[-1]:
                parts.append(Markup('<a href="%s">') % href)
        elif kind == 'link_close':
            fixed -= addresses.pop()
            number = numbers.pop()
            if number is not None:
                parts.append(Markup('\N{NO-BREAK SPACE}<span class="xref-number">%s</span>')
                             % number)
            if link_ok.pop():
                parts.append(Markup('</a>'))
        elif kind == 'footnote_ref':
            label = token.meta['label']
            parts.append(footnote(label) if footnote else escape(f'[^{label}]'))
        elif kind in ('softbreak', 'hardbreak'):
            parts.append([' ', not fixed])
        else:
            parts.append(escape(token.content))
    runs = [part for part in parts if isinstance(part, list)]
    if typeset and runs:
        for run, text in zip(runs, typeset([_Run(*run) for run in runs])):
            run[0] = text
    show = isolate or escape
    return Markup('').join(show(part[0]) if isinstance(part, list) else part
                           for part in parts)


@dataclass(frozen=True)
class _Run:
    """A run of a message's text, as `render_html` hands it to `typeset`."""

    text: str
    editable: bool


def _kept_spans(tokens, keep):
    """{index of an em_open: 1} for the `*italic*` spans whose text `keep` accepts, and the
    matching {index of its em_close: 1}."""
    kept, stack = {}, []
    for index, token in enumerate(tokens):
        if token.type == 'em_open':
            stack.append((index, []))
        elif token.type == 'em_close' and stack:
            start, words = stack.pop()
            if keep and keep(''.join(words).strip()):
                kept[start] = kept[index] = 1
        elif token.type in ('text', 'text_special') and stack:
            for _, words in stack:
                words.append(token.content)
    return kept


def emphasised_texts(text):
    """The texts of a message's `*italic*` spans (the titles of works cited, in a source)."""
    spans, stack = [], []
    for token in parse_inline(text):
        if token.type == 'em_open':
            stack.append([])
        elif token.type == 'em_close' and stack:
            spans.append(''.join(stack.pop()).strip())
        elif token.type in ('text', 'text_special'):
            for words in stack:
                words.append(token.content)
    return frozenset(spans)


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


def render_plain(text, values=None, typeset=None, keep=None):
    """The message as plain text (for PDF metadata, bookmarks, SVG labels): no markup, no
    footnotes; `typeset` and `keep` as for `render_html`."""
    values = values or {}
    runs = []
    tokens = parse_inline(text)
    kept = _kept_spans(tokens, keep)
    fixed = 0
    for index, token in enumerate(tokens):
        if token.type == 'text':
            runs.extend(_runs(token.content, values, editable=not fixed))
        elif token.type == 'text_special':
            runs.append([token.content, not fixed])
        elif token.type in ('softbreak', 'hardbreak'):
            runs.append([' ', not fixed])
        elif token.type == 'em_open':
            fixed += index in kept
        elif token.type == 'em_close':
            fixed -= kept.get(index, 0)
    texts = [run[0] for run in runs]
    if typeset and runs:
        texts = typeset([_Run(*run) for run in runs])
    return ''.join(texts)


def _runs(text, values, editable=True):
    """A text token's runs: its own text, and each placeholder's value, never typeset."""
    runs = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        runs.append([text[position:match.start()], editable])
        runs.append([str(values[match.group(1)]), False])
        position = match.end()
    runs.append([text[position:], editable])
    return [run for run in runs if run[0]]
