"""Quality checks of translations against their source, one small function per rule.

Like Babel's `messages/checkers.py` and Translate Toolkit's pofilter: each
check takes (source, translation, language) and yields problem messages.
The table in README.md documents them; `build.py check` runs them all.
"""
import os
import re
from dataclasses import dataclass

from . import markup
from .catalog import read_catalog
from .translate import NO_ITALICS

NUMBER = re.compile(r'\d+(?:[.,]\d+)*')
RAW_HTML = re.compile(r'<\s*/?\s*[a-zA-Z][^>]*>|\bjavascript\s*:|\bon[a-z]+\s*=', re.IGNORECASE)
PYTHON_FORMAT = re.compile(r'%\((\w+)\)[sd]')
AUTOLINK = re.compile(r'<(?:https?://|mailto:)[^<>\s]*>', re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    check: str
    message: str
    severity: str = 'error'

    def __str__(self):
        return f'{self.path}:{self.line}: [{self.check}] {self.message}'


def check_numbers(source, translation, language):
    """Every number of the source, and no other, outside placeholders."""
    def numbers(text):
        text = markup.PLACEHOLDER.sub('', PYTHON_FORMAT.sub('', text))
        text = re.sub(r'\[\^[^\]]*\]|\]\([^)]*\)|<https?://[^>]*>', '', text)
        return sorted(number.replace(',', '').replace('.', '') for number in NUMBER.findall(text))
    if numbers(source) != numbers(translation):
        yield (f'numbers differ: source has {", ".join(numbers(source)) or "none"}, '
               f'translation has {", ".join(numbers(translation)) or "none"}')


def check_markup(source, translation, language):
    """The same bold, italic (not for scripts without italics), links, footnotes, placeholders."""
    yield from markup.signature(source).differences(
        markup.signature(translation), italics=language not in NO_ITALICS)


def check_unsafe(source, translation, language):
    """No raw HTML, event handlers or javascript: links; only http(s), mailto and # links."""
    if RAW_HTML.search(AUTOLINK.sub('', translation)):
        yield 'contains raw HTML or script; write plain text with the Markdown subset'
    for href in markup.unsafe_links(translation):
        yield f'link target {href!r} is not allowed (use http, https, mailto or #anchor)'


def check_whitespace(source, translation, language):
    """Not empty, and no leading, trailing or doubled white space the source lacks."""
    if not translation.strip():
        yield 'translation is empty or white space only'
        return
    if translation[:1].isspace() != source[:1].isspace():
        yield 'leading white space differs from the source'
    if translation[-1:].isspace() != source[-1:].isspace():
        yield 'trailing white space differs from the source'
    if '  ' in translation and '  ' not in source:
        yield 'doubled space'


def check_format(source, translation, language):
    """Interface text: the same %(name)s placeholders as the source."""
    if sorted(PYTHON_FORMAT.findall(source)) != sorted(PYTHON_FORMAT.findall(translation)):
        yield (f'%(name)s placeholders differ: source has '
               f'{", ".join(sorted(PYTHON_FORMAT.findall(source))) or "none"}')


CHECKS = {
    'numbers': check_numbers,
    'markup': check_markup,
    'unsafe': check_unsafe,
    'whitespace': check_whitespace,
    'format': check_format,
}


def check_message(source, translation, language):
    """[(check name, message)] for one translation."""
    return [(name, text) for name, check in CHECKS.items()
            for text in check(source, translation, language)]


def check_entry(entry, language):
    """[(check name, message)] for one catalog entry, every plural form of it included."""
    problems = []
    for source, translation in _forms(entry):
        if translation:
            problems.extend(
                (name, text) for name, text in check_message(source, translation, language)
                # A translator silences one check on one entry with a flag, as in Weblate.
                if f'ignore-{name}' not in entry.flags)
    return problems


def check_catalog(path, language, domain):
    """Every problem of one `.po` file; fuzzy and untranslated entries are not checked."""
    catalog = read_catalog(path, language, domain)
    shown = os.path.relpath(path)
    problems = []
    for entry in catalog:
        if entry.id and not entry.fuzzy:
            problems.extend(Problem(shown, entry.lineno, name, text)
                            for name, text in check_entry(entry, language))
    return problems


def _forms(entry):
    """(source, translation) pairs of an entry: one, or one per plural form.

    A plural form is checked against the plural source except the first; numbers are
    compared without %(num)s, which stands for the count in every form.
    """
    if not isinstance(entry.id, (list, tuple)):
        return [(str(entry.id), str(entry.string or ''))]
    singular, plural = (str(part) for part in entry.id)
    forms = entry.string if isinstance(entry.string, (list, tuple)) else [entry.string]
    return [(singular if index == 0 and len(forms) > 1 else plural, str(form or ''))
            for index, form in enumerate(forms)]


def check_all(project, slugs=None, languages=None):
    """Check every catalog of the chosen publications and languages (and the shared one)."""
    from .workflow import catalogs, domains
    return [problem
            for domain, language, path in catalogs(project, domains(project, slugs), languages)
            if path.exists() for problem in check_catalog(path, language, domain.name)]
