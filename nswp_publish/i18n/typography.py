"""Typography per language, applied when rendering: what translators need not type.

A language's declaration (`languages.Typography`, documented in locales/languages.toml)
gives its rules in a small vocabulary, and `Typesetter` applies them to the text of a
translation, never to its markup, links, placeholders' values, nor to what stays English
(an untranslated message, a title cited in English):

- `quotes`: straight double quotes ("…") and the source language's quotation marks (“…”
  in English) become the language's own, the secondary pair inside the primary;
- `space_before` / `space_after`: the marks that take `space` before or after them (French:
  a narrow no-break space before ; : ! ? » and after «). A space typed there, ordinary or
  no-break, becomes that one space; none typed, it is put in: either way the same output,
  never a doubled space. A colon or question mark inside a word or a URL ("10:30",
  "https://") is not punctuation there and is left alone;
- `numbering` (the declaration's numbering system): the digits 0-9 translators type are
  written in the language's own (٠١٢ for "arab"); placeholders' values are formatted in them
  (`translate.format_value`), addresses keep theirs.

Line breaking (`line_breaks`, `no_break_before`) is the layout's: `render.charts` wraps
labels by it, WeasyPrint and browsers break lines by UAX #14, which keeps closing
punctuation off the start of a line.
"""
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from .cldr import digit_table

#: What counts as a space next to a mark: ordinary, no-break, narrow no-break, thin.
SPACES = ' \u00a0\u202f\u2009\t'
#: Marks after which an opening quote, and before which a closing one, stand.
OPENERS = '([{\u2014\u2013-/'
CLOSERS = ')]}.,;:!?'


#: Marks a translator may type for the source's own: apostrophes and quotes, curly or straight,
#: and the spaces rules put in. A title cited in English, or a name, is the source's text
#: however its apostrophe was typed.
_PLAIN = str.maketrans({'\u2019': "'", '\u2018': "'", '\u201c': '"', '\u201d': '"',
                        '\u00a0': ' ', '\u202f': ' ', '\u2009': ' '})


def same_text(one, other):
    """Whether two texts are the same but for how their quotes, apostrophes and spaces were
    typed: a translation that keeps its source (an English title, "NSWP")."""
    return ' '.join(one.translate(_PLAIN).split()) == ' '.join(other.translate(_PLAIN).split())


#: A left-to-right run in right-to-left text: Latin words ("NSWP", "Bridging the Gap"), with
#: the digits, spaces and punctuation between them; not the punctuation that ends it.
LTR_RUN = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z0-9\u00c0-\u024f'\u2019.&/@+_-]*"
                     r"(?:[ ,:;\u2013()]+[A-Za-z0-9\u00c0-\u024f][A-Za-z0-9\u00c0-\u024f'\u2019.&/@+_-]*)*"
                     r"(?<![.,:;-])")


PLACEHOLDER = re.compile(r'(%\([A-Za-z_]\w*\)[sd])')


def isolate_ltr(text):
    """Escaped `text` with each left-to-right run in a `<bdi dir="ltr">`, so that the bidi
    algorithm of a right-to-left page (WeasyPrint's, a browser's) never reorders its words or
    the punctuation between them: an English title, "NSWP", an address. Catalogs need no
    bidi control characters."""
    parts = []
    # An interface message's placeholders ("%(page)s") are filled in after: left whole.
    for index, piece in enumerate(PLACEHOLDER.split(text)):
        if index % 2:
            parts.append(escape(piece))
            continue
        position = 0
        for match in LTR_RUN.finditer(piece):
            parts.append(escape(piece[position:match.start()]))
            parts.append(Markup('<bdi dir="ltr">%s</bdi>') % match.group())
            position = match.end()
        parts.append(escape(piece[position:]))
    return Markup('').join(parts)


@dataclass(frozen=True)
class Piece:
    """A run of text in a message: `editable` unless it is to be shown as it is."""

    text: str
    editable: bool = True


class Typesetter:
    """Applies one `Language`'s typography rules to runs of text (`apply`)."""

    def __init__(self, language, source):
        rules = language.typography
        self.quotes = rules.quotes
        own = source.typography.quotes
        # The marks to replace: straight quotes, and the source's primary ones if they differ
        # (even as the same two marks the other way round: Arabic's ”…“ for English's “…”).
        self.source_open = own[0] if own else '\u201c'
        self.replaced = {'"'} | ({own[0], own[1]} if own and own[:2] != self.quotes[:2]
                                 else set())
        if not self.quotes:
            self.replaced = set()
        self.space = rules.space
        self.before = rules.space_before
        self.after = rules.space_after
        self.digits = digit_table(language.numbering)
        # Marks after which another takes no space ("?!"); a closing quote is not one: « a » !
        self.marks = ''.join(char for char in self.before if char not in self.quotes[1::2])

    @property
    def active(self):
        return bool(self.replaced or self.before or self.after or self.digits)

    def apply(self, pieces):
        """The texts of `pieces` (a list of `Piece`) with the rules applied, one per piece."""
        texts = [piece.text for piece in pieces]
        if not self.active:
            return texts
        if self.replaced:
            texts = self._quotes(texts, pieces)
        if self.before or self.after:
            texts = self._spaces(texts, pieces)
        if self.digits:
            texts = [text.translate(self.digits) if piece.editable else text
                     for text, piece in zip(texts, pieces)]
        return texts

    def text(self, text):
        """One plain text with the rules applied (an interface message, say)."""
        return self.apply([Piece(text)])[0]

    # -- the rules --------------------------------------------------------------------------

    def _quotes(self, texts, pieces):
        depth = 0
        result = []
        previous = ''
        for text, piece in zip(texts, pieces):
            if not piece.editable or self.replaced.isdisjoint(text):
                # Most texts have no quote: kept whole, rather than rebuilt char by char.
                result.append(text)
                previous = text[-1] if text else previous
                continue
            out = []
            for index, char in enumerate(text):
                if piece.editable and char in self.replaced:
                    if char == '"':
                        opening = not previous or previous in SPACES or previous in OPENERS \
                            or previous in self.quotes[::2]
                    else:
                        opening = char == self.source_open
                    if opening:
                        out.append(self.quotes[0] if depth % 2 == 0 else self.quotes[2])
                        depth += 1
                    else:
                        depth = max(depth - 1, 0)
                        out.append(self.quotes[1] if depth % 2 == 0 else self.quotes[3])
                else:
                    out.append(char)
                previous = out[-1]
            result.append(''.join(out))
        return result

    def _spaces(self, texts, pieces):
        # One string with every position's piece, so that a rule sees across markup:
        # "**membres** :" has its space and its colon in the text after the bold.
        chars, owner = [], []
        for number, text in enumerate(texts):
            chars.extend(text)
            owner.extend([number] * len(text))
        editable = [pieces[number].editable for number in owner]
        replace, insert = {}, {}        # position -> its new text; position -> text before it
        count = len(chars)
        for position, char in enumerate(chars):
            if not editable[position]:
                continue
            if char in self.before and self._punctuation(chars, position):
                start = position
                while start > 0 and chars[start - 1] in SPACES:
                    start -= 1
                if start == 0 and start < position:
                    continue                    # white space opens the text: leave it
                if start < position and all(editable[start:position]):
                    replace[start] = self.space
                    for other in range(start + 1, position):
                        replace[other] = ''
                elif start == position and position > 0 and chars[position - 1] not in \
                        self.marks + OPENERS + self.after and chars[position - 1] != '\n':
                    insert[position] = self.space
            if char in self.after:
                end = position + 1
                while end < count and chars[end] in SPACES:
                    end += 1
                if end == count:
                    continue                    # white space ends the text: leave it
                if end > position + 1 and all(editable[position + 1:end]):
                    replace[position + 1] = self.space
                    for other in range(position + 2, end):
                        replace[other] = ''
                elif end == position + 1 and chars[end] not in self.before + CLOSERS:
                    insert.setdefault(end, self.space)
        out = [[] for _ in texts]
        for position, char in enumerate(chars):
            out[owner[position]].append(insert.get(position, '') + replace.get(position, char))
        return [''.join(parts) for parts in out]

    def _punctuation(self, chars, position):
        """Whether the mark at `position` punctuates (ends a clause, closes a quote) rather
        than sitting inside a word, a number or an address: it is followed by a space, the
        end, or closing punctuation. A closing quote always punctuates."""
        if chars[position] in self.quotes[1::2]:
            return True
        following = chars[position + 1] if position + 1 < len(chars) else ''
        return not following or following in SPACES or following in CLOSERS \
            or following in self.before or following in '\u201d\u2019»'
