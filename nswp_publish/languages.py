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
import gettext
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import LanguageError

FILE_NAME = 'languages.toml'
#: A BCP 47 tag as catalogs and file names use it: "fr", "pt", "zh", "sr-Latn".
CODE = re.compile(r'[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z')
DIRECTIONS = ('ltr', 'rtl')
LINE_BREAKS = ('spaces', 'anywhere')
#: A gettext Plural-Forms header value, as msgfmt reads it.
PLURAL_FORMS = re.compile(r'\s*nplurals\s*=\s*([1-9][0-9]?)\s*;\s*plural\s*=\s*([^;]+);?\s*\Z')
HINT = f'see the comments at the top of locales/{FILE_NAME}'


@dataclass(frozen=True)
class Fonts:
    """The font families a language's text is set in, and the package that installs them.

    Each role is a stack: the language's own family first, then families for the characters
    it lacks (an Arabic face has no Latin letters: "NSWP" in Arabic text comes from the next).
    """

    serif_stack: tuple      # running text
    sans_stack: tuple       # headings, figures, captions, running heads
    bold_stack: tuple       # bold text
    package: str            # the Debian package with these fonts

    @property
    def serif(self):
        return self.serif_stack[0]

    @property
    def sans(self):
        return self.sans_stack[0]

    @property
    def bold(self):
        return self.bold_stack[0]

    @property
    def families(self):
        """Every family named, once each, in the order declared."""
        return tuple(dict.fromkeys((*self.serif_stack, *self.sans_stack, *self.bold_stack)))

    def css(self, role):
        """A role's stack as a CSS font-family value: `"Noto Naskh Arabic", "Noto Serif"`."""
        return ', '.join(f'"{family}"' for family in getattr(self, f'{role}_stack'))


@dataclass(frozen=True)
class Typography:
    """How a language's text is set, applied when rendering (`i18n.typography`): translators
    type plain text, and a translator who typed a rule's spaces by hand gets the same output.
    The vocabulary is documented at the top of locales/languages.toml."""

    italics: bool           # False: a translation may drop *emphasis* (no italic faces)
    line_breaks: str        # 'spaces', or 'anywhere' between two characters
    sentence_space: str     # what separates two sentences
    quotes: str = ''        # primary open, close, secondary open, close: '«»“”'; '' no rule
    space: str = '\N{NARROW NO-BREAK SPACE}'     # the space `space_before`/`space_after` put
    space_before: str = ''  # marks with `space` before them (French ; : ! ? »)
    space_after: str = ''   # marks with `space` after them (French «)
    no_break_before: str = ''   # marks no line may begin with (closing punctuation in CJK)


@dataclass(frozen=True)
class Language:
    """One declared language."""

    code: str
    name: str               # in its own language: "Français", "中文"
    english_name: str
    script: str
    direction: str
    numbering: str          # a CLDR numbering system: latn, arab, arabext, deva...
    plural_forms: str
    fonts: Fonts
    typography: Typography
    source: bool = False    # the language the content is written in
    line: int = field(default=1, compare=False)     # where its declaration starts

    @property
    def italics(self):
        return self.typography.italics

    @property
    def line_breaks(self):
        return self.typography.line_breaks

    @property
    def sentence_space(self):
        return self.typography.sentence_space

    @property
    def breaks_anywhere(self):
        return self.typography.line_breaks == 'anywhere'

    @property
    def rtl(self):
        return self.direction == 'rtl'

    @property
    def nplurals(self):
        """The number of plural forms its catalogs have (`plural_forms`' nplurals)."""
        return int(PLURAL_FORMS.match(self.plural_forms)[1])

    def plural_of(self, count):
        """The index of the plural form (msgstr[i]) for `count`, as gettext chooses it."""
        return _plural_function(PLURAL_FORMS.match(self.plural_forms)[2])(count)

    def __str__(self):
        return self.code


@functools.lru_cache(maxsize=64)
def _plural_function(expression):
    return gettext.c2py(expression)


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
#: The typography table: each key's type; the first three are required.
_TYPOGRAPHY = {'italics': bool, 'line_breaks': str, 'sentence_space': str, 'quotes': str,
               'space': str, 'space_before': str, 'space_after': str, 'no_break_before': str}
_REQUIRED_TYPOGRAPHY = ('italics', 'line_breaks', 'sentence_space')


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
    forms = PLURAL_FORMS.match(values['plural_forms'])
    try:
        choose = forms and _plural_function(forms[2])
        wrong = forms and any(not 0 <= choose(count) < int(forms[1]) for count in range(1000))
    except (ValueError, SyntaxError, ZeroDivisionError):
        choose = wrong = None
    if not choose or wrong:
        fail(f'plural_forms "{values["plural_forms"]}" is not a gettext Plural-Forms value '
             f'whose plural gives 0 to nplurals - 1',
             hint='write it as "nplurals=N; plural=EXPRESSION;", as add-language does')
    fonts = entry.get('fonts')
    if not isinstance(fonts, dict) or set(fonts) != set(_FONT_FIELDS):
        fail(f'"fonts" needs exactly {", ".join(_FONT_FIELDS)}')
    stacks = {}
    for role in _FONT_FIELDS[:-1]:
        families = [fonts[role]] if isinstance(fonts[role], str) else fonts[role]
        if not isinstance(families, list) or not families or not all(
                isinstance(family, str) and family.strip() for family in families):
            fail(f'fonts.{role} must be a family name, or a list of them (the language\'s own '
                 f'first, then those for characters it lacks)')
        stacks[f'{role}_stack'] = tuple(family.strip() for family in families)
    if not isinstance(fonts['package'], str) or not fonts['package'].strip():
        fail('fonts.package must name the Debian package that installs the fonts')
    typography = entry.get('typography')
    if not isinstance(typography, dict) or not set(_REQUIRED_TYPOGRAPHY) <= set(typography):
        fail('"typography" needs italics (true or false), line_breaks and sentence_space')
    for key, value in typography.items():
        if key not in _TYPOGRAPHY:
            fail(f'unknown typography rule "{key}"',
                 hint=f'expected one of: {", ".join(_TYPOGRAPHY)}')
        if not isinstance(value, _TYPOGRAPHY[key]):
            fail(f'typography.{key} must be {"true or false" if _TYPOGRAPHY[key] is bool else "a string"}')
    if typography['line_breaks'] not in LINE_BREAKS:
        fail(f'line_breaks "{typography["line_breaks"]}" is not one of: '
             f'{", ".join(LINE_BREAKS)}')
    if typography.get('quotes') and len(typography['quotes']) != 4:
        fail(f'quotes "{typography["quotes"]}" must be four marks: the primary quotes\' opening '
             f'and closing, then the secondary\'s, e.g. "«»“”"')
    if 'space' in typography and not (len(typography['space']) == 1
                                      and typography['space'].isspace()):
        fail('typography.space must be one space character, e.g. "\\u202f" (narrow no-break '
             'space)')
    return Language(**values, fonts=Fonts(**stacks, package=fonts['package'].strip()),
                    typography=Typography(**typography), source=source, line=line)


def declaration_text(facts):
    """A `[[language]]` table for locales/languages.toml, from `facts` as `add-language`
    gathers them ({code, name, ..., 'fonts': {serif: [...], ...}, 'typography': {...}}):
    TOML, which the standard library reads but does not write."""
    lines = ['[[language]]']
    for key in _FIELDS:
        lines.append(f'{key} = {_toml(facts[key])}')
    fonts = ', '.join(f'{role} = {_toml(families[0] if len(families) == 1 else families)}'
                      for role in _FONT_FIELDS[:-1] for families in [facts['fonts'][role]])
    lines.append(f'fonts = {{ {fonts}, package = {_toml(facts["fonts"]["package"])} }}')
    typography = ', '.join(f'{key} = {_toml(facts["typography"][key])}'
                           for key in _TYPOGRAPHY if key in facts['typography'])
    lines.append(f'typography = {{ {typography} }}')
    return '\n'.join(lines) + '\n'


def _toml(value):
    """A TOML value: a string (spaces other than U+0020 written as escapes, so that they
    show), a boolean or a list of strings."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (list, tuple)):
        return '[' + ', '.join(_toml(item) for item in value) + ']'
    escaped = ''.join(
        '\\\\' if char == '\\' else '\\"' if char == '"' else
        f'\\u{ord(char):04x}' if (char.isspace() and char != ' ') or ord(char) < 0x20 else char
        for char in value)
    return f'"{escaped}"'
