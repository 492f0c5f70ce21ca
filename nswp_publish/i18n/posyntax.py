"""The PO grammar as strictly as GNU `msgfmt` reads it, before Babel reads the file.

Babel's `read_po` is lenient where msgfmt is not: it cuts the last character of a
string with no closing quote, takes text after an unescaped `"` as typed, accepts
a `msgstr` with no `msgid`, keeps the last of two entries with the same msgid, and
never compares the plural forms with the header's `nplurals`. Poedit and Weblate
refuse such a file, so the build must too, naming the line. This module only
validates; Babel still does the reading.
"""
import codecs
import re
from dataclasses import dataclass, field

from babel.messages.pofile import unescape

from ..errors import CatalogError
from ..wording import counted

KEYWORD = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?(?=[\s"]|$)\s*(.*)$')
#: The escapes of a C string that msgfmt accepts.
SIMPLE_ESCAPES = set('ntrbfva\\"\'?')
HEADER_CHARSET = re.compile(r'^Content-Type:.*\bcharset=([^\s;]+)', re.IGNORECASE | re.MULTILINE)
HEADER_NPLURALS = re.compile(r'^Plural-Forms:.*\bnplurals\s*=\s*(\d+)', re.IGNORECASE | re.MULTILINE)
FIX = 'fix this entry in Poedit or a text editor'


def _fail(message, path, line, hint=FIX):
    raise CatalogError(f'PO syntax error: {message}', path, line, hint=hint)


def parse_strings(text, path, line):
    """The contents, still escaped, of the quoted C strings that make up the whole of `text`:
    one, or several that msgfmt concatenates (`"abc " "def"`, with or without white space
    between them)."""
    if not text.startswith('"'):
        _fail('expected a string in double quotes', path, line)
    strings = []
    while True:
        end = _string_end(text, path, line)
        strings.append(text[1:end])
        rest = text[end + 1:].lstrip()
        if not rest:
            return strings
        if not rest.startswith('"'):
            if '"' in rest:
                _fail('a double quote inside a string is not escaped', path, line,
                      hint='write it as \\" or use typographic quotes')
            _fail(f'unexpected text after the closing quote: {rest[:30]!r}', path, line)
        text = rest


def _string_end(text, path, line):
    """The index of the quote that closes the string `text` opens."""
    index = 1
    while index < len(text):
        char = text[index]
        if char == '\\':
            following = text[index + 1:index + 2]
            if following in SIMPLE_ESCAPES and following:
                index += 2
            elif following.isdigit() and following < '8':
                index += 2
            elif following == 'x' and re.match(r'[0-9a-fA-F]', text[index + 2:index + 3]):
                index += 3
            else:
                _fail(f'invalid escape sequence "\\{following}" in a string', path, line,
                      hint='write a backslash as \\\\ and a double quote as \\"')
            continue
        if char == '"':
            return index
        index += 1
    _fail('the string is not terminated (it has no closing double quote)', path, line,
          hint='end the string with " on the same line')


@dataclass
class _Entry:
    line: int
    obsolete: bool
    context: str | None = None
    msgid: str | None = None
    msgid_line: int = 0
    plural: str | None = None
    forms: dict = field(default_factory=dict)     # msgstr index (None: singular) -> text
    form_lines: dict = field(default_factory=dict)


def check_po_syntax(text, path, template=False):
    """Raise `CatalogError` at the first place GNU msgfmt would reject; else return the
    text for Babel to read: as given, except that a line of several strings, which msgfmt
    concatenates and Babel would misread, holds them as one, so that lines keep their numbers.

    `text` is the decoded file. `template`: a POT, whose plural msgstrs are empty
    placeholders and whose header need not say nplurals.
    """
    seen = {}                 # (msgctxt, msgid) -> line of its first entry
    nplurals = None
    entry = None
    part = None               # the part of the entry a continuation string extends

    def finish(current):
        nonlocal nplurals
        if current is None:
            return
        if current.msgid is None:
            _fail('msgctxt without msgid', path, current.line)
        if not current.forms:
            _fail('msgid has no msgstr', path, current.msgid_line,
                  hint='add msgstr "" after it, or remove the entry')
        if current.obsolete:
            return
        key = (current.context, current.msgid)
        if key in seen:
            what = 'msgid and msgctxt' if current.context is not None else 'msgid'
            _fail(f'duplicate message: the same {what} as the entry at line {seen[key]}',
                  path, current.msgid_line,
                  hint='keep one of the two entries and delete the other')
        seen[key] = current.msgid_line
        header = unescape(f'"{current.forms.get(None, "")}"')
        if current.msgid == '' and current.context is None:
            charset = HEADER_CHARSET.search(header)
            if charset and charset.group(1).lower().replace('_', '-') not in ('utf-8', 'utf8'):
                line = next((number for number in range(current.form_lines[None], len(lines) + 1)
                             if 'charset=' in lines[number - 1]), current.form_lines[None])
                try:
                    codecs.lookup(charset.group(1))
                    problem = f'catalog charset is {charset.group(1)}, not UTF-8'
                except LookupError:
                    problem = f'unknown charset {charset.group(1)} in the header, not UTF-8'
                raise CatalogError(problem, path,
                                   line,
                                   hint='save it as UTF-8 with "charset=UTF-8" in its header')
            found = HEADER_NPLURALS.search(header)
            nplurals = int(found.group(1)) if found else None
        elif current.plural is not None and nplurals is not None and not template:
            if sorted(current.forms) != list(range(nplurals)):
                _fail(f'{counted(len(current.forms), "plural form")} where the header says '
                      f'nplurals={nplurals}', path, current.msgid_line,
                      hint=f'give msgstr[0] to msgstr[{nplurals - 1}], one per plural form')

    lines = text.removeprefix('\ufeff').split('\n')      # a byte-order mark is allowed
    joined = {}               # line number -> the line with its strings made one
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        obsolete = line.startswith('#~')
        if obsolete:
            line = line[2:].strip()
            if line.startswith('|'):        # a previous msgid of an obsolete entry
                continue
        if not line:
            continue
        if line.startswith('#'):
            continue
        if line.startswith('"'):
            if part is None:
                _fail('a string that continues nothing (a keyword such as msgid or msgstr '
                      'is missing)', path, number)
            value = _value(raw, line, parse_strings(line, path, number), number, joined)
            _extend(entry, part, value)
            continue
        match = KEYWORD.match(line)
        if not match:
            _fail(f'not a PO keyword, comment or quoted string: {line[:40]!r}', path, number,
                  hint='start the line with msgid, msgstr, msgctxt, "…" or #')
        keyword, index, rest = match.groups()
        value = _value(raw, rest, parse_strings(rest, path, number), number, joined)
        starts_entry = entry is None or bool(entry.forms) or entry.obsolete != obsolete
        if keyword == 'msgctxt':
            if not starts_entry:
                _fail('msgctxt in the middle of an entry (the entry before has no msgstr)',
                      path, number)
            finish(entry)
            entry = _Entry(number, obsolete, context=value)
            part = 'context'
        elif keyword == 'msgid':
            if starts_entry:
                finish(entry)
                entry = _Entry(number, obsolete)
            elif entry.msgid is not None:
                _fail(f'msgid without msgstr: the msgid at line {entry.msgid_line} has no '
                      f'msgstr', path, number, hint='add msgstr "" after it')
            entry.msgid, entry.msgid_line = value, number
            part = 'msgid'
        elif keyword == 'msgid_plural':
            if starts_entry or entry.msgid is None or entry.plural is not None:
                _fail('msgid_plural without a msgid before it', path, number)
            entry.plural = value
            part = 'plural'
        else:
            form = None if index is None else int(index)
            if entry is None or entry.msgid is None or entry.obsolete != obsolete \
                    or (entry.forms and (form is None or entry.plural is None)):
                _fail('msgstr without msgid', path, number,
                      hint='add the msgid it translates, or delete the msgstr')
            if form is None and entry.plural is not None:
                _fail('a plural message needs msgstr[0], msgstr[1]…, not msgstr', path, number)
            if form is not None and entry.plural is None:
                _fail(f'msgstr[{form}] in a message without msgid_plural', path, number,
                      hint='use msgstr for a message with one form')
            if form is not None and form != len(entry.forms):
                _fail(f'msgstr[{form}] out of order: expected msgstr[{len(entry.forms)}]',
                      path, number)
            entry.forms[form], entry.form_lines[form] = value, number
            part = ('msgstr', form)
    if entry is not None and entry.msgid is not None and not entry.forms:
        _fail('the file ends inside an entry: its msgid has no msgstr', path,
              entry.msgid_line, hint='add msgstr "" after it')
    finish(entry)
    if not joined:
        return text
    return '\n'.join(joined.get(number, raw) for number, raw in enumerate(lines, 1))


def _value(raw, strings_text, strings, number, joined):
    """The content of a line's strings as one; a line of several is noted in `joined` as
    the same line with one string."""
    value = ''.join(strings)
    if len(strings) > 1:
        start = raw.rindex(strings_text.rstrip())
        joined[number] = f'{raw[:start]}"{value}"'
    return value


def _extend(entry, part, value):
    """Append a continuation string to the part of the entry it continues."""
    if part in ('context', 'msgid', 'plural'):
        setattr(entry, part, getattr(entry, part) + value)
    else:
        entry.forms[part[1]] += value
