"""Translation: a loaded publication and one language's catalog -> text ready for templates.

Every `Message` leaf of the content tree becomes a `Text` holding safe HTML
(for templates) and plain text (for PDF metadata, bookmarks and SVG labels).
Untranslated and fuzzy messages fall back to the English source and are
reported; a translation whose markup differs from its source is an error.
"""
import functools
import hashlib
from dataclasses import dataclass

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import UnsupportedNumberingSystemError, format_decimal, format_percent
from markupsafe import Markup

from ..content import markup
from ..content.markup import NOTE_ID_PREFIX
from ..content.model import Message, Percent, YearMonth
from ..errors import CatalogError, ContentError, display_path
from .checks import check_message, silenced
from .collation import collated
from .cldr import in_digits, with_percent_sign
from .typography import Typesetter, isolate_ltr, same_text


def _cited(titles, text):
    """Whether an *italic* span of a translation is one of its source's (a title cited in
    English, kept as it is)."""
    return any(same_text(text, title) for title in titles)


def anchor_key(context, msgid):
    """A short, stable name for a message, shared by its anchors in every output."""
    return hashlib.sha1(f'{context or ""}\x04{msgid}'.encode()).hexdigest()[:10]


@dataclass(frozen=True)
class Text:
    """A message rendered in one language.

    Each time a template shows it, it carries an anchor `m-<key>-<n>` (its n-th place in
    the document), so the built PDF tells on which page each message landed: `update`
    writes that into the catalogs for translators.
    """

    html: Markup
    plain: str
    message: Message
    status: str
    where: tuple        # (path, line) the text came from: its .po entry or its content line
    places: dict = None  # anchor key -> places shown so far in the document being rendered

    def __html__(self):
        if self.places is None:
            return self.html
        key = anchor_key(self.message.context, self.message.text)
        self.places[key] = self.places.get(key, 0) + 1
        return Markup('<span class="msg" id="m-%s-%d">%s</span>') % (
            key, self.places[key], self.html)

    def __str__(self):
        return self.plain


def format_value(value, locale, numbering='latn'):
    """Format one content datum for a locale: number, percentage or month, in the digits
    of `numbering` (a CLDR numbering system: Babel gives its separators, not its digits)."""
    if isinstance(value, YearMonth):
        return in_digits(format_skeleton('yMMMM', value.as_date(), locale=locale), numbering)
    try:
        if isinstance(value, Percent):
            text = with_percent_sign(format_percent(
                value.value, locale=locale, numbering_system=numbering), locale, numbering)
        else:
            text = format_decimal(value, locale=locale, numbering_system=numbering)
    except UnsupportedNumberingSystemError:
        text = format_value(value, locale)
    return in_digits(text, numbering)


class Translator:
    """Renders the messages of one publication in one language, for one medium.

    `language` is the `Language` of `catalog`; `medium` is 'print' (footnotes inline, for
    WeasyPrint's `float: footnote`) or 'web' (footnote references link to notes at the end
    of the page).
    """

    def __init__(self, publication, catalog, language, medium, source=None):
        self.publication = publication
        self.catalog = catalog
        self.language = language
        self.locale = Locale.parse(language.code, sep='-')
        self.medium = medium
        # Typography: the language's for its translations; the source's for text shown as
        # the source has it (the source language, an untranslated message).
        source = source or language
        self.typesetters = {'translated': Typesetter(language, source),
                            'source': Typesetter(source, source)}
        self.fallbacks = []          # (Message, Lookup) of messages shown in English
        self.problems = []           # (Message, Lookup, check, text): what `check` would say
        self.places = {}             # anchors given so far; emptied before each rendering
        self._footnotes = {}

    def value(self, value):
        return format_value(value, self.locale, self.language.numbering)

    def source_of(self, message, lookup):
        """Where a translation lives, for error messages: the .po entry or the content line."""
        if lookup.po_line and self.catalog.path:
            return self.catalog.path, lookup.po_line
        return message.path, message.line

    def text(self, message):
        lookup = self.catalog.lookup(message)
        if lookup.status in ('fuzzy', 'untranslated'):
            self.fallbacks.append((message, lookup))
        elif lookup.status == 'translated':
            differences = markup.signature(message.text).differences(
                markup.signature(lookup.text), italics=self.language.italics)
            if differences:
                raise CatalogError(
                    f'translation of "{_short(message.text)}" does not keep the markup of '
                    f'its source: {"; ".join(differences)}', *self.source_of(message, lookup),
                    hint='keep the same **bold**, *italic*, links, [^footnotes] and {placeholders}')
            self.problems.extend((message, lookup, name, text)
                                 for name, text in self.check(message, lookup))
        values = {name: self.value(value) for name, value in message.data.items()}
        # A translation the same as its source is the source's text ("NSWP", a name).
        typesetter = self.typesetters['translated' if lookup.status == 'translated'
                                      and not same_text(lookup.text, message.text)
                                      else 'source']
        typeset = typesetter.apply if typesetter.active else None
        titles = markup.emphasised_texts(message.text) if typeset else ()
        keep = functools.partial(_cited, titles) if titles else None
        try:
            html = markup.render_html(lookup.text, values, self.footnote_reference,
                                      self.target_number, typeset, keep,
                                      isolate_ltr if self.language.rtl else None)
            plain = markup.render_plain(lookup.text, values, typeset, keep)
        except KeyError as error:
            error_class = ContentError if lookup.status == 'source' else CatalogError
            raise error_class(f'unknown placeholder {{{error.args[0]}}}',
                              *self.source_of(message, lookup),
                              hint=f'use only: {", ".join(sorted(values)) or "no placeholders"}'
                              ) from None
        return Text(html, plain, message, lookup.status, self.source_of(message, lookup),
                    self.places)

    def target_number(self, target):
        """The number of a cross-reference's target, if it is numbered."""
        number = (self.publication.targets.get(target) or {}).get('number')
        return number if number is None else in_digits(str(number), self.language.numbering)

    def footnote_reference(self, label):
        footnote = self.publication.footnotes[label]
        number = in_digits(str(footnote['number']), self.language.numbering)
        if self.medium == 'print':
            # WeasyPrint moves the span to the foot of the page; the call is our own link
            # (its generated ::footnote-call cannot be one) so readers can jump to the note.
            # pdf.structure tags the span as a Note with this id, after the call.
            note_id = NOTE_ID_PREFIX + label
            return Markup('<a class="footnote-call" href="#%s">%s</a>'
                          '<span class="footnote" id="%s">%s</span>') % (
                note_id, number, note_id, self.footnote_text(label))
        return Markup('<sup class="footnote-ref"><a href="#fn-%s" id="fnref-%s" '
                      'role="doc-noteref">%s</a></sup>') % (label, label, number)

    def footnote_text(self, label):
        if label not in self._footnotes:
            self._footnotes[label] = self.text(self.publication.footnotes[label]['text'])
        return self._footnotes[label]

    def tree(self, tree):
        """The content tree with every Message replaced by its Text."""
        if isinstance(tree, Message):
            return self.text(tree)
        if isinstance(tree, dict):
            return {key: self.tree(value) for key, value in tree.items()}
        if isinstance(tree, list):
            return [self.tree(value) for value in tree]
        return tree

    def translate_publication(self):
        """Everything the templates need of the publication, translated."""
        chapters = self.tree(self.publication.chapters)
        footnotes = [{'number': note['number'], 'label': label,
                      'text': self.footnote_text(label)}
                     for label, note in self.publication.footnotes.items()]
        return {
            'places': self.places,
            'slug': self.publication.slug,
            'meta': self.tree(self.publication.meta),
            'date': _capitalise(self.value(self.publication.meta['date'])),
            'chapters': chapters,
            'footnotes': footnotes,
            'acronyms': collated(self.tree(self.publication.acronyms), self.language.code,
                                 key=lambda item: item['acronym'].plain),
            'glossary': collated(self.tree(self.publication.glossary), self.language.code,
                                 key=lambda item: item['term'].plain),
            'publications': self.bibliography(),
            'targets': self.publication.targets,
        }

    def bibliography(self):
        """The works cited, by author then title in this language's collation, unless the
        publication keeps its own order."""
        works = self.tree(self.publication.publications)
        if self.publication.meta['bibliography_order'] == 'as-listed':
            return works
        return collated(works, self.language.code,
                        key=lambda work: f'{work["author"].plain}\x00{work["title"].plain}')

    def check(self, message, lookup):
        """What `build.py check` says of a translation in use (markup aside: an error here)."""
        return [(name, text) for name, text in check_message(message.text, lookup.text,
                                                             self.language)
                if name != 'markup' and not (lookup.entry and silenced(lookup.entry, name))]

    def fallback_warnings(self):
        """One line per catalog entry shown in English, and per problem `check` finds in a
        translation in use, each named once (at its first place in the content): the language, the `.po` file and line a
        translator opens, what is wrong, the content line for the author, what to do."""
        warnings, seen = [], set()
        catalog = display_path(self.catalog.path)
        for message, lookup in self.fallbacks:
            if (message.context, message.text) in seen:      # one catalog entry, one warning
                continue
            seen.add((message.context, message.text))
            source = f'{display_path(message.path)}:{message.line}'
            if lookup.po_line is None:
                warnings.append(
                    f'{self.language}: {catalog}: message not in the catalog, shown in English: '
                    f'"{_short(message.text)}" ({source}; the catalog is outdated: run '
                    f'`python3 build.py update`, which adds it, with the old translation of a '
                    f'changed sentence brought back as fuzzy for review)')
            else:
                todo = ('review the translation and remove its fuzzy flag'
                        if lookup.status == 'fuzzy' else 'translate it')
                suggestion = [comment for comment in getattr(lookup.entry, 'user_comments', ())
                              if comment.startswith('Suggestion from ')]
                if lookup.status == 'fuzzy' and suggestion:
                    todo = f'{suggestion[0][0].lower()}{suggestion[0][1:]}: {todo}'
                warnings.append(
                    f'{self.language}: {catalog}:{lookup.po_line}: {lookup.status} message shown '
                    f'in English: "{_short(message.text)}" ({source}; {todo})')
        for message, lookup, name, text in self.problems:
            if (message.context, message.text, name, text) in seen:
                continue
            seen.add((message.context, message.text, name, text))
            warnings.append(
                f'{self.language}: {catalog}:{lookup.po_line}: [{name}] {text}: '
                f'"{_short(message.text)}" ({display_path(message.path)}:{message.line}; '
                f'fix the translation, or explain it with a comment "# ignore-{name}: why")')
        return tuple(warnings)


def _capitalise(text):
    """A cover date starts with a capital even where Babel's month names do not (fr, es, ru)."""
    return text[:1].upper() + text[1:]


def _short(text, length=50):
    return text if len(text) <= length else text[:length - 1] + '…'

