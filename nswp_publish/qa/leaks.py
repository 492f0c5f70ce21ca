"""Untranslatable text: find what a reader would see in English whatever the language.

Each edition is rendered for print, the web and EPUB with a pseudo-translation that
brackets every message, the publication's and the shared interface's, ⟦like this⟧, and
so are the words the EPUB writer adds. Whatever visible text is left outside the
brackets (headings typed into a template, labels in a figure, the PDF title) would stay
English in the Chinese edition; numbers, punctuation, acronyms of
the content's list and language names (from Babel) are data and are allowed.
"""
import re
from dataclasses import dataclass

from babel.lists import format_list

from ..build.pipeline import EPUB_WORDING, MEDIUM
from ..i18n.catalog import Lookup, MessageCatalog
from ..i18n.translate import Translator, format_value
from ..render.renderer import visible_text

OPEN, CLOSE = '\u27e6', '\u27e7'
WORD = re.compile(r'[^\W\d_]{2,}')


class PseudoCatalog(MessageCatalog):
    """Every content message 'translated' as itself in brackets (in the source language)."""

    def __init__(self, code):
        super().__init__(code)

    def lookup(self, message):
        return Lookup(f'{OPEN}{message.text}{CLOSE}', 'translated', None)


class PseudoTranslations:
    """Every interface message 'translated' as itself in brackets (gettext's interface)."""

    def gettext(self, message):
        return f'{OPEN}{message}{CLOSE}'

    def ngettext(self, singular, plural, count):
        return f'{OPEN}{singular if count == 1 else plural}{CLOSE}'

    def pgettext(self, context, message):
        return self.gettext(message)

    def npgettext(self, context, singular, plural, count):
        return self.ngettext(singular, plural, count)

    def shown_in_source(self, context, msgid):
        """Every message counts as translated (the renderer asks, for its typography)."""
        return False


@dataclass(frozen=True)
class Leak:
    edition: str
    medium: str
    text: str

    def __str__(self):
        return f'{self.edition} edition ({self.medium}): "{self.text}" is not from a catalog'


def outside_brackets(text):
    """The text with every bracketed (translated) part removed, innermost first."""
    pattern = re.compile(f'{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}')
    while True:
        text, count = pattern.subn(' ', text)
        if not count:
            return text


def find_leaks(builder, publication):
    """[Leak] of one publication, for every edition and both media."""
    languages = builder.project.languages
    source = languages.source
    # Data, not text to translate: the languages' own names, and what Babel writes for the
    # locale (month names, the "and" of a list).
    data = [languages[code].name for code in publication.languages]
    data += [format_value(publication.meta['date'], source.code),
             format_list(['1', '2', '3'], locale=source.code)]
    allowed = {word for text in data for word in WORD.findall(text)}
    leaks = []

    def check(text, edition, medium):
        for word in dict.fromkeys(WORD.findall(outside_brackets(text))):
            if word not in allowed:
                leaks.append(Leak(edition, medium, word))
    for edition in publication.editions:
        for medium in MEDIUM.values():        # the PDF's, the web page's, the EPUB's
            document = Translator(publication, PseudoCatalog(source.code), source,
                                  medium).translate_publication()
            html = builder.render_html(publication, source.code, edition, medium, document,
                                       PseudoTranslations())
            # The <title> (the PDF's title, the browser tab) counts as visible text.
            check(visible_text(html), edition, medium)
    # The words an EPUB adds to its book (navigation headings, publisher, accessibility
    # summary), which reading apps and e-book stores show.
    wording = builder.renderer(publication).wording(EPUB_WORDING, PseudoTranslations(),
                                                    language=source)
    check(' '.join(wording.values()), 'every', 'epub')
    return leaks
