"""The languages a project publishes in: one declaration each, in `locales/languages.toml`.

Everything the tool must know of a language is in its declaration: its name in its own
language, its script and direction, its numbering system and plural forms, the fonts it is
set in and the Debian package that brings them, and its typographic rules. No module names
a language code: each reads the facts it needs from here, so a language is added in one
place, by a translator or the publications team, without programming.

TOML, read with the standard library: the first run's set-up (`cli.bootstrap`) installs the
fonts every language names before any dependency is installed.
"""
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import LanguageError

FILE_NAME = 'languages.toml'
#: A BCP 47 tag as catalogs and file names use it: "fr", "pt", "zh", "sr-Latn".
CODE = re.compile(r'[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z')
DIRECTIONS = ('ltr', 'rtl')
LINE_BREAKS = ('spaces', 'anywhere')
HINT = f'see the comments at the top of locales/{FILE_NAME}'


@dataclass(frozen=True)
class Fonts:
    """The font families a language's text is set in, and the package that installs them."""

    serif: str          # running text
    sans: str           # headings, figures, captions, running heads
    bold: str           # bold text
    package: str        # the Debian package with these fonts

    @property
    def families(self):
        """Every family named, once each, in the order declared."""
        return tuple(dict.fromkeys((self.serif, self.sans, self.bold)))


@dataclass(frozen=True)
class Language:
    """One declared language."""

    code: str
    name: str               # in its own language: "Français", "中文"
    english_name: str
    script: str
    direction: str
    numbering: str
    plural_forms: str
    fonts: Fonts
    italics: bool           # False: a translation may drop *emphasis* (no italic faces)
    line_breaks: str        # 'spaces', or 'anywhere' between two characters
    sentence_space: str     # what separates two sentences
    source: bool = False    # the language the content is written in

    @property
    def breaks_anywhere(self):
        return self.line_breaks == 'anywhere'

    def __str__(self):
        return self.code


class Languages(dict):
    """{code: Language} in the declared order; the source language is the first."""

    @property
    def source(self):
        return next(iter(self.values()))

    @property
    def codes(self):
        return tuple(self)

    @property
    def translated(self):
        """The codes of every language but the source: those with catalogs."""
        return tuple(code for code, language in self.items() if not language.source)


#: The plain fields of a declaration, each a non-empty string.
_FIELDS = ('code', 'name', 'english_name', 'script', 'direction', 'numbering', 'plural_forms')
_FONT_FIELDS = ('serif', 'sans', 'bold', 'package')
_TYPOGRAPHY = {'italics': bool, 'line_breaks': str, 'sentence_space': str}


def read_languages(locales_dir):
    """The `Languages` declared in `locales_dir/languages.toml`, or a one-line error."""
    path = Path(locales_dir) / FILE_NAME
    try:
        stat = path.stat()
    except OSError:
        raise LanguageError('the languages declaration is missing', path,
                            hint='copy locales/languages.toml from the project, or run: '
                                 'python3 build.py add-language CODE') from None
    return _read(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _read(path, mtime, size):
    text = path.read_text('utf-8')
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r'\(at line (\d+), column \d+\)', str(error))
        message = re.sub(r'\s*\(at line \d+, column \d+\)', '', str(error))
        raise LanguageError(f'invalid TOML: {message}', path,
                            int(match[1]) if match else 1, hint=HINT) from None
    # Where each declaration starts, to name it in errors (TOML values carry no line).
    starts = [number for number, line in enumerate(text.splitlines(), 1)
              if line.strip() == '[[language]]']
    entries = data.get('language')
    if not isinstance(entries, list) or not entries:
        raise LanguageError('no language is declared: expected [[language]] tables', path, 1,
                            hint=HINT)
    unknown = set(data) - {'language'}
    if unknown:
        raise LanguageError(f'unknown key "{sorted(unknown)[0]}"', path, 1,
                            hint='every declaration starts with [[language]]')
    languages = Languages()
    for index, entry in enumerate(entries):
        line = starts[index] if index < len(starts) else 1
        language = _language(entry, path, line, source=index == 0)
        if language.code in languages:
            raise LanguageError(f'language "{language.code}" is declared twice', path, line,
                                hint='keep one of the two declarations')
        languages[language.code] = language
    return languages


def _language(entry, path, line, source):
    def fail(message, hint=HINT):
        raise LanguageError(f'{label}: {message}', path, line, hint=hint)

    label = f'language "{entry.get("code", "?")}"'
    known = {*_FIELDS, 'fonts', 'typography'}
    for key in entry:
        if key not in known:
            fail(f'unknown field "{key}"', hint=f'expected one of: {", ".join(sorted(known))}')
    values = {}
    for key in _FIELDS:
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            fail(f'"{key}" is missing or empty')
        values[key] = entry[key].strip()
    if not CODE.match(values['code']):
        fail(f'code "{values["code"]}" is not a language code',
             hint='use a BCP 47 code as CLDR knows it: fr, pt, ar, zh, sr-Latn')
    if values['direction'] not in DIRECTIONS:
        fail(f'direction "{values["direction"]}" is neither ltr nor rtl')
    fonts = entry.get('fonts')
    if not isinstance(fonts, dict) or set(fonts) != set(_FONT_FIELDS) or not all(
            isinstance(value, str) and value.strip() for value in fonts.values()):
        fail(f'"fonts" needs exactly {", ".join(_FONT_FIELDS)}, each a name')
    typography = entry.get('typography')
    if not isinstance(typography, dict) or set(typography) != set(_TYPOGRAPHY) or not all(
            isinstance(typography[key], kind) for key, kind in _TYPOGRAPHY.items()):
        fail('"typography" needs italics (true or false), line_breaks and sentence_space')
    if typography['line_breaks'] not in LINE_BREAKS:
        fail(f'line_breaks "{typography["line_breaks"]}" is not one of: '
             f'{", ".join(LINE_BREAKS)}')
    return Language(**values, fonts=Fonts(**{key: fonts[key].strip() for key in _FONT_FIELDS}),
                    **typography, source=source)
