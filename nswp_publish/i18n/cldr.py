"""What CLDR says of a language, through Babel (and ICU for its quotation marks): the facts
`add-language` declares for it, and its plural rules as a gettext Plural-Forms value.

Babel's own `babel.messages.plurals` table predates CLDR's rules for some languages (for
Arabic it sends 100 to 102 to the "many" form, where CLDR says "other"), and
`babel.plural.to_gettext` leaves CLDR's `e` and `c` operands (compact exponents, which
gettext does not have) in the expression, which msgfmt then refuses. So the rules are
compiled here, for whole numbers as gettext counts them: `n` and `i` are the count, the
other operands are 0, and whatever they decide is folded away, so the expression is the
short one a translator reads in Poedit.
"""
import functools

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.plural import PluralRule

from ..errors import LanguageError
from ..wording import TOOL_LANGUAGE

#: Plural categories in the order gettext numbers their forms (as `to_gettext` does).
CATEGORIES = ('zero', 'one', 'two', 'few', 'many', 'other')
#: Scripts written without spaces between words: their lines may break between any two
#: characters (UAX #14 keeps closing punctuation off a line's start).
UNSPACED_SCRIPTS = ('Hans', 'Hant', 'Hani', 'Jpan')
#: Marks no line may begin with in those scripts: closing punctuation (UAX #14 classes CL,
#: CP, EX, IS, NS among the full-width forms).
CLOSING_PUNCTUATION = '，。、；：！？）」』》〉】〕〗〙〛｝］’”…‥・'


def locale(code, path=None):
    """The Babel `Locale` of a BCP 47 code, or a one-line error."""
    try:
        return Locale.parse(code, sep='-')
    except (UnknownLocaleError, ValueError):
        raise LanguageError(f'CLDR does not know the language code "{code}"', path,
                            hint='use a BCP 47 code that CLDR has data for, such as pt, ar, '
                                 'sw, fa, pt-PT or sr-Latn') from None


def script_of(found):
    """The ISO 15924 script a locale is written in: its own, or CLDR's likely one."""
    if found.script:
        return found.script
    likely = get_global('likely_subtags').get(str(found)) or get_global(
        'likely_subtags').get(found.language, '')
    parts = likely.split('_')
    return next((part for part in parts[1:] if len(part) == 4), 'Latn')


def plural_forms(found):
    """The gettext Plural-Forms value of CLDR's cardinal plural rules for a `Locale`."""
    rule = found.plural_form if isinstance(found, Locale) else PluralRule.parse(found)
    tags = [tag for tag in CATEGORIES if tag in rule.tags or tag == 'other']
    tests = []
    for tag, tree in sorted(rule.abstract, key=lambda item: CATEGORIES.index(item[0])):
        folded = _fold(tree)
        if folded is not False:
            tests.append((_c(folded), tags.index(tag)))
    expression = str(tags.index('other'))
    for test, index in reversed(tests):
        expression = f'{test} ? {index} : {expression}' if test != 'true' else str(index)
    if tests and not expression.isdigit():
        expression = f'({expression})'
    return f'nplurals={len(tags)}; plural={expression};'


# -- folding CLDR's rule trees for whole numbers --------------------------------------------
# A folded node is True, False, or a tuple: ('n',), ('num', value), ('mod', a, b),
# ('in', expr, [(low, high)], negated), ('and', a, b), ('or', a, b), ('not', a).

_ZERO = {'v', 'w', 'f', 't', 'c', 'e'}


def _fold(node):
    kind, args = node
    if kind in ('n', 'i'):
        return ('n',)
    if kind in _ZERO:
        return ('num', 0)
    if kind == 'value':
        return ('num', args[0])
    if kind == 'mod':
        left, right = (_fold(arg) for arg in args)
        if left[0] == 'num' and right[0] == 'num':
            return ('num', left[1] % right[1])
        return ('mod', left, right)
    if kind == 'relation':
        method, expr, (_, ranges) = args
        expr = _fold(expr)
        spans = [(_fold(low)[1], _fold(high)[1]) for low, high in ranges]
        if expr[0] == 'num':
            return any(low <= expr[1] <= high for low, high in spans)
        return ('in', expr, spans, False)
    if kind == 'not':
        value = _fold(args[0])
        if isinstance(value, bool):
            return not value
        if value[0] == 'in':
            return ('in', value[1], value[2], not value[3])
        return ('not', value)
    if kind in ('and', 'or'):
        left, right = (_fold(arg) for arg in args)
        for one, other in ((left, right), (right, left)):
            if one is True:
                return other if kind == 'and' else True
            if one is False:
                return False if kind == 'and' else other
        return (kind, left, right)
    if kind in ('is', 'isnot'):     # "n is 1", as some rules still write it
        left, right = (_fold(arg) for arg in args)
        if left[0] == 'num':
            return (left[1] == right[1]) != (kind == 'isnot')
        return ('in', left, [(right[1], right[1])], kind == 'isnot')
    raise ValueError(f'unknown plural rule node {kind}')


def _c(node, parent=None):
    """A folded node as C, with the parentheses its place needs."""
    if node is True:
        return 'true'
    kind = node[0]
    if kind == 'n':
        return 'n'
    if kind == 'num':
        return str(node[1])
    if kind == 'mod':
        return f'{_c(node[1], "mod")} % {_c(node[2], "mod")}'
    if kind == 'in':
        expr, spans, negated = _c(node[1], 'in'), node[2], node[3]
        parts = []
        for low, high in spans:
            if low == high:
                parts.append(f'{expr} {"!=" if negated else "=="} {low}')
            elif negated:
                parts.append(f'({expr} < {low} || {expr} > {high})' if low else
                             f'{expr} > {high}')
            else:
                parts.append(f'{expr} >= {low} && {expr} <= {high}' if low else
                             f'{expr} <= {high}')
        joiner = ' && ' if negated else ' || '
        text = joiner.join(parts)
        return f'({text})' if len(parts) > 1 and parent in ('and', 'not') else text
    if kind == 'not':
        return f'!({_c(node[1])})'
    text = f'{_c(node[1], kind)} {"&&" if kind == "and" else "||"} {_c(node[2], kind)}'
    return f'({text})' if kind == 'or' and parent == 'and' else text


def declaration(code, path=None):
    """The CLDR facts of a language, as `add-language` declares them: {code, name,
    english_name, script, direction, numbering, plural_forms, typography}."""
    found = locale(code, path)
    script = script_of(found)
    own_name = found.get_display_name(found) or found.english_name
    unspaced = script in UNSPACED_SCRIPTS
    typography = {'line_breaks': 'anywhere' if unspaced else 'spaces',
                  'sentence_space': '' if unspaced else ' '}
    quotes = quotation_marks(found)
    if quotes:
        typography['quotes'] = quotes
    if unspaced:
        typography['no_break_before'] = CLOSING_PUNCTUATION
    return {
        'code': code,
        # As a language switcher lists it: "Português", not "português" (caseless scripts
        # are left as they are).
        'name': own_name[:1].upper() + own_name[1:],
        'english_name': found.english_name,
        'script': script,
        'direction': 'rtl' if found.character_order == 'right-to-left' else 'ltr',
        'numbering': found.default_numbering_system,
        'plural_forms': plural_forms(found),
        'typography': typography,
    }


def quotation_marks(found):
    """CLDR's quotation marks for a locale (primary open and close, secondary open and
    close), from ICU's copy of CLDR: Babel does not carry them. '' when ICU is missing."""
    try:
        import icu
    except ImportError:
        return ''
    data = icu.LocaleData(str(found))
    kinds = icu.ULocaleDataDelimiterType
    return ''.join(data.getDelimiter(getattr(kinds, kind)) for kind in (
        'QUOTATION_START', 'QUOTATION_END', 'ALT_QUOTATION_START', 'ALT_QUOTATION_END'))


def writing(code):
    """How a language is written, for choosing its fonts: {'tags': fontconfig's language
    tags, most precise first; 'characters': its letters (CLDR's exemplar characters, from
    ICU); 'script', 'script_name' (in English), 'territory' (CLDR's likely one)}."""
    found = locale(code)
    script = script_of(found)
    likely = get_global('likely_subtags').get(found.language, '')
    territory = found.territory or next(
        (part for part in likely.split('_')[1:] if len(part) == 2), '')
    tags = [code.lower()]
    if found.territory and f'{found.language}-{found.territory.lower()}' not in tags:
        tags.insert(0, f'{found.language}-{found.territory.lower()}')
    if found.language not in tags:
        tags.append(found.language)
    try:
        import icu
        kind = icu.ULocaleDataExemplarSetType.ES_STANDARD
        characters = list(icu.LocaleData(str(found)).getExemplarSet(0, kind))
    except ImportError:
        characters = []
    return {'tags': tags, 'characters': characters, 'script': script,
            'script_name': Locale(TOOL_LANGUAGE).scripts.get(script, script), 'territory': territory}


@functools.lru_cache(maxsize=32)
def digit_table(numbering):
    """A `str.translate` table from 0-9 to the digits of a CLDR numbering system (ICU's
    copy of CLDR: "arab" is ٠١٢٣٤٥٦٧٨٩), or None for "latn" or a system of no ten digits."""
    if numbering == 'latn':
        return None
    try:
        import icu
        digits = icu.NumberingSystem.createInstanceByName(numbering).getDescription()
    except (ImportError, Exception):      # ICU's own error for an unknown system
        return None
    if len(digits) != 10 or digits == '0123456789':
        return None
    return str.maketrans('0123456789', digits)


def in_digits(text, numbering):
    """`text` with its digits 0-9 written in `numbering`'s."""
    table = digit_table(numbering)
    return text.translate(table) if table else text


@functools.lru_cache(maxsize=64)
def percent_sign(locale, numbering):
    """CLDR's percent sign for a locale (a Babel `Locale` or its code) in a numbering
    system: "٪؜" for Arabic in its own digits (the sign, then an Arabic letter mark that
    keeps it beside its number in right-to-left text), "%" for most."""
    if isinstance(locale, str):
        locale = Locale.parse(locale, sep='-' if '-' in locale else '_')
    return locale.number_symbols.get(numbering, {}).get('percentSign', '%')


def with_percent_sign(text, locale, numbering):
    """A percentage Babel formatted, with its locale's sign: Babel's `format_percent` keeps
    the "%" of CLDR's pattern whatever the numbering system (Babel 2.18), where CLDR gives
    each system's own sign among the locale's number symbols."""
    sign = percent_sign(locale, numbering)
    return text.replace('%', sign) if sign != '%' else text
