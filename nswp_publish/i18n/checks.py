"""Quality checks of translations against their source, one small function per rule.

Like Babel's `messages/checkers.py` and Translate Toolkit's pofilter: each
check takes (source, translation, `Language`) and yields problem messages.
The table in docs/translating.md documents them; `build.py check` runs them all.
"""
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..content import markup
from .catalog import PYTHON_FORMAT, po_text, read_catalog

NUMBER = re.compile(r'\d+(?:[.,]\d+)*')
RAW_HTML = re.compile(r'<\s*/?\s*[a-zA-Z][^>]*>|\bjavascript\s*:|\bon[a-z]+\s*=', re.IGNORECASE)
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
        markup.signature(translation), italics=language.italics)


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
    for source, translation in _forms(entry, language):
        if translation:
            problems.extend(
                (name, text) for name, text in check_message(source, translation, language)
                if not silenced(entry, name))
    return problems


def silenced(entry, check):
    """Whether a translator silenced `check` on this entry: with the flag `ignore-<check>`,
    as in Weblate, or with a translator comment `# ignore-<check>: why`, which GNU msgcat
    and msgmerge keep (they drop flags they do not know)."""
    return f'ignore-{check}' in entry.flags or any(
        comment.strip().startswith(f'ignore-{check}:') for comment in entry.user_comments)


def check_catalog(path, language, domain):
    """Every problem of one `.po` file; fuzzy and untranslated entries are not checked."""
    catalog = read_catalog(path, language.code, domain)
    shown = os.path.relpath(path)
    problems = []
    if ''.join(catalog.plural_forms.split()) != ''.join(language.plural_forms.split()):
        problems.append(Problem(shown, 1, 'plural-forms', (
            f'the header says "Plural-Forms: {catalog.plural_forms}" where '
            f'locales/languages.toml declares "{language.plural_forms}" (run: python3 '
            f'build.py update --lang {language.code}, which rewrites the header)')))
    for entry in catalog:
        if entry.id and not entry.fuzzy:
            problems.extend(Problem(shown, entry.lineno, name, text)
                            for name, text in check_entry(entry, language))
    return problems


def _forms(entry, language):
    """(source, translation) pairs of an entry: one, or one per plural form.

    As GNU msgfmt does, the plural form the `Language` uses for a count of 1 (msgstr[1] in
    Arabic, whose msgstr[0] is for zero) is checked against the singular source, every other
    form against the plural source; numbers are compared without %(num)s, which stands for
    the count in every form.
    """
    if not isinstance(entry.id, (list, tuple)):
        return [(str(entry.id), str(entry.string or ''))]
    singular, plural = (str(part) for part in entry.id)
    forms = entry.string if isinstance(entry.string, (list, tuple)) else [entry.string]
    one = language.plural_of(1)
    return [(singular if index == one and len(forms) > 1 else plural, str(form or ''))
            for index, form in enumerate(forms)]


MSGFMT_LINE = re.compile(r'^(?P<path>.+?):(?P<line>\d+): (?P<message>.*)$')


def msgfmt_problems(path, required=False):
    """What GNU `msgfmt --check` (the check Poedit runs on save) says of one catalog.

    Without msgfmt installed this is no problem, unless `required` (for `release`).
    """
    shown = os.path.relpath(path)
    if not shutil.which('msgfmt'):
        return [Problem(shown, 1, 'msgfmt', 'GNU msgfmt is not installed '
                        '(run: apt-get install gettext)')] if required else []
    result = subprocess.run(['msgfmt', '--check', '-o', os.devnull, str(path)],
                            capture_output=True, text=True)
    problems = []
    for row in result.stderr.splitlines():
        match = MSGFMT_LINE.match(row)
        if not match or 'found' in row.split(':', 1)[0]:
            continue
        message = match['message']
        severity = 'warning' if message.startswith('warning:') else 'error'
        if message.startswith('...'):       # "this is the location of the first definition"
            continue
        problems.append(Problem(shown, int(match['line']), 'msgfmt',
                                message.removeprefix('warning: '), severity))
    if result.returncode and not any(p.severity == 'error' for p in problems):
        problems.append(Problem(shown, 1, 'msgfmt', result.stderr.strip().splitlines()[-1]
                                if result.stderr.strip() else 'msgfmt --check failed'))
    return problems


#: translate-toolkit's pofilter checks that must find nothing in a catalog fit to release.
POFILTER_CHECKS = ('variables', 'xmltags', 'urls', 'emails', 'numbers', 'printf',
                   'pythonbraceformat')


def pofilter_problems(path, language, required=False):
    """What translate-toolkit's pofilter says of one catalog, with POFILTER_CHECKS; a
    translator comment "# ignore-<check>: why" on an entry explains a case away.

    translate-toolkit is a test dependency (the bootstrap installs it in .venv); without
    it this is no problem, unless `required` (for `release`).
    """
    shown = os.path.relpath(path)
    try:
        from translate.filters import checks as toolkit
        from translate.storage import po as toolkit_po
    except ImportError:
        return [Problem(shown, 1, 'pofilter', 'translate-toolkit is not installed '
                        '(run: .venv/bin/pip install -e ".[test]")')] if required else []
    catalog = read_catalog(path, language.code, Path(path).stem)    # lines and comments, strictly
    checker = toolkit.StandardChecker(
        # pofilter's own configuration, as its command line runs it. (Its `variables` check
        # told about {name} reports reordered placeholders as added: `pythonbraceformat`
        # compares them right, beside msgfmt's python-brace-format and our `markup`.)
        checkerconfig=toolkit.CheckerConfig(targetlanguage=language.code),
        limitfilters=list(POFILTER_CHECKS))
    problems = []
    # The text as msgfmt reads it: translate-toolkit, like Babel, misreads "abc " "def".
    store = toolkit_po.pofile.parsestring(po_text(path, language.code).encode('utf-8'))
    for unit in store.units:
        if unit.isheader() or unit.isobsolete() or unit.isfuzzy() or not unit.istranslated():
            continue
        entry = catalog.get(str(unit.source), context=unit.getcontext() or None)
        for name, message in checker.run_filters(unit).items():
            if entry is None or not silenced(entry, name):
                problems.append(Problem(shown, entry.lineno if entry else 1, f'pofilter-{name}',
                                        str(message)))
    return problems
