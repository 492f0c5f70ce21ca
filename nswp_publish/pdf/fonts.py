"""Glyph coverage: every character a language's text uses must be in the fonts it names.

A character missing from the declared fonts makes fontconfig hunt through every
installed font (slow) and prints it in whatever face it finds (wrong), so the
build refuses it before WeasyPrint starts, naming the characters and messages.
"""
import functools
import hashlib
import os
import subprocess
import unicodedata

from ..errors import FontError, OutputError
from ..output import CACHE_DIR, write_atomic

@functools.lru_cache(maxsize=None)
def font_file(family, package='fonts-noto-core', style=''):
    """(path, index in collection) of a family's regular face, as fontconfig resolves it;
    `package` is the Debian package a missing family comes in. `style`: another face of
    it, in fontconfig's words ('bold', 'italic', 'bold:italic'; the EPUB embeds them)."""
    pattern = f'{family}:{style}' if style else family
    try:
        result = subprocess.run(['fc-match', '--format', '%{file}\n%{index}\n%{family}', pattern],
                                capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        raise FontError(f'cannot ask fontconfig for font "{family}"',
                        hint='install fontconfig: apt-get install fontconfig') from None
    path, index, found = (result.stdout.split('\n') + ['', '', ''])[:3]
    if family.lower() not in found.lower():
        raise FontError(f'font "{family}" is not installed (fontconfig offers "{found}")',
                        hint=f'run: python3 build.py, which installs {package} (the package '
                             f'locales/languages.toml names), or apt-get install {package}')
    return path, int(index or 0)


@functools.lru_cache(maxsize=None)
def coverage(family, package):
    """The set of code points a font family's regular face has glyphs for.

    Reading a CJK font's character map with fontTools takes about half a second,
    so the answer is kept on disk, keyed by the font file's path, size and time.
    """
    path, index = font_file(family, package)
    stat = os.stat(path)
    key = hashlib.sha1(f'{path}:{index}:{stat.st_size}:{stat.st_mtime_ns}'.encode()).hexdigest()
    cached = CACHE_DIR / f'cmap-{key}.txt'
    try:
        return frozenset(_decode_ranges(cached.read_text()))
    except (OSError, ValueError):
        pass
    from fontTools.ttLib import TTFont     # only when the cache misses: planning stays light
    font = TTFont(path, fontNumber=index, lazy=True)
    try:
        points = frozenset(font.getBestCmap())
    finally:
        font.close()
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        write_atomic(cached, _encode_ranges(points))
    except OutputError:
        pass                                   # a cache that cannot be written is no error
    return points


def _encode_ranges(points):
    """Code points as lines "first-last" of consecutive runs (a CJK font: a few hundred lines)."""
    lines, start, previous = [], None, None
    for point in sorted(points):
        if start is None:
            start = previous = point
        elif point == previous + 1:
            previous = point
        else:
            lines.append(f'{start:x}-{previous:x}')
            start = previous = point
    if start is not None:
        lines.append(f'{start:x}-{previous:x}')
    return '\n'.join(lines) + '\n'


def _decode_ranges(text):
    for line in text.split():
        first, last = line.split('-')
        yield from range(int(first, 16), int(last, 16) + 1)


@functools.lru_cache(maxsize=None)
def covered_points(fonts):
    """Code points every role of a language's `Fonts` (serif, sans, bold) has glyphs for, in
    one family of its stack or another."""
    return frozenset.intersection(*(
        frozenset().union(*(coverage(family, fonts.package) for family in stack))
        for stack in (fonts.serif_stack, fonts.sans_stack, fonts.bold_stack)))


def missing_characters(text, language):
    """Characters of `text` that some font of `language` lacks."""
    covered = covered_points(language.fonts)
    return sorted(char for char in set(text)
                  if ord(char) not in covered and not char.isspace()
                  and unicodedata.category(char) not in ('Cc', 'Cf'))


def check_coverage(texts, language):
    """Fail if any text lacks glyphs: `texts` is [(Text, where)] of one language."""
    # One pass over every character at once; where they come from is only needed on failure.
    if not missing_characters(''.join(text for text, _ in texts), language):
        return
    problems = {}
    for text, where in texts:
        for char in missing_characters(text, language):
            problems.setdefault(char, where)
    listed = ', '.join(f'U+{ord(char):04X} {unicodedata.name(char, "?")} ({where})'
                       for char, where in list(problems.items())[:5])
    raise FontError(f'characters not in {" / ".join(language.fonts.families)}: {listed}',
                    hint='replace them in the translation or content, or declare fonts that '
                         'have them for this language in locales/languages.toml')


# -- choosing the fonts of a new language (add-language) ------------------------------------

#: Words in a family's name that say which role it can take, most telling first: Noto
#: names its serif faces "Serif" (Arabic's "Naskh"), CJK faces are "Serif CJK"/"Sans CJK".
ROLE_WORDS = {'serif': ('Serif', 'Naskh', 'Mincho', 'Song', 'Ming'),
              'sans': ('Sans', 'Kufi', 'Gothic', 'Hei')}
#: Faces that do not set running text.
UNFIT_WORDS = ('Mono', 'UI', 'Display', 'Condensed', 'Rashi', 'Nastaliq')
#: The Debian package to install when no font covers a script.
NOTO_PACKAGES = {'Hans': 'fonts-noto-cjk', 'Hant': 'fonts-noto-cjk', 'Hani': 'fonts-noto-cjk',
                 'Jpan': 'fonts-noto-cjk', 'Kore': 'fonts-noto-cjk'}
DEFAULT_PACKAGE = 'fonts-noto-core'


def _fc_list(pattern, fields='%{family[0]}\t%{file}\t%{spacing}\n'):
    try:
        result = subprocess.run(['fc-list', '--format', fields, pattern],
                                capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        raise FontError('cannot ask fontconfig which fonts are installed',
                        hint='install fontconfig: apt-get install fontconfig') from None
    return [line.split('\t') for line in result.stdout.splitlines() if line.strip()]


def covering_families(pattern):
    """{family: font file} of the installed families that match a fontconfig pattern
    (`:lang=ar`: fontconfig's own list of a language's letters), text faces only (no
    monospace, UI or display cuts)."""
    found = {}
    for family, path, spacing in sorted(_fc_list(pattern)):
        if spacing.strip() in ('90', '100', '110') or any(
                word in family.split() for word in UNFIT_WORDS):
            continue
        found.setdefault(family, path)
    return found


def choose_fonts(tags, characters, script, script_name, territory, source):
    """The font stacks and package of a new language: {'serif': [...], 'sans': [...],
    'bold': [...], 'package': str, 'italics': bool}.

    `tags` are the language's fontconfig tags, most precise first ("pt-br", "pt"), and
    `characters` the letters CLDR says it is written with, for a language fontconfig has no
    orthography of (Tamazight's Tifinagh); `source` is the source language's `Fonts`. Each role takes the source's own family if
    it covers the language, else the covering family most like it: one that names the
    script ("Noto Naskh Arabic"), of the same family of fonts ("Noto"), whose name says its
    role (Serif, or Naskh; Sans), of the language's region among the CJK cuts (JP, KR).
    A family without Latin letters is followed by the source's family of the same role.
    """
    covering = {}
    for tag in tags:
        covering = covering_families(f':lang={tag}')
        if covering:
            break
    if not covering and characters:
        covering = covering_families(f':charset={_charset(characters)}')
    if not covering:
        package = NOTO_PACKAGES.get(script, DEFAULT_PACKAGE)
        raise FontError(f'no installed font covers {script_name} ({tags[-1]})',
                        hint=f'install the fonts first: apt-get install {package} (the Noto '
                             f'fonts for this script), then run add-language again')
    chosen = {}
    for role in ('serif', 'sans'):
        own = getattr(source, role)
        if own in covering:
            chosen[role] = own
            continue
        foundry = own.split()[0]

        def rank(family, role=role, foundry=foundry):
            words = family.split()
            role_rank = next((index for index, word in enumerate(ROLE_WORDS[role])
                              if word in words), len(ROLE_WORDS[role]))
            return (script_name.split()[-1] not in words, words[0] != foundry, role_rank,
                    territory not in words, len(family), family)
        chosen[role] = min(covering, key=rank)
    stacks = {}
    for role in ('serif', 'sans'):
        family = chosen[role]
        stack = [family]
        if family != getattr(source, role) and not _fc_list(f'{family}:lang=en'):
            stack.append(getattr(source, role))      # its Latin letters: NSWP, HIV, URLs
        stacks[role] = stack
    stacks['bold'] = stacks['sans'] if source.bold == source.sans else stacks['serif']
    return {**stacks, 'package': debian_package(covering[chosen['serif']]),
            'italics': bool(_fc_list(f'{chosen["serif"]}:slant=100')
                            or _fc_list(f'{chosen["serif"]}:slant=110'))}


def _charset(characters):
    """Characters as a fontconfig charset: hexadecimal code points and ranges."""
    points = {ord(char) for char in characters if len(char) == 1 and not char.isspace()}
    ranges = (line.split('-') for line in _encode_ranges(points).split())
    return ' '.join(first if first == last else f'{first}-{last}' for first, last in ranges)


def debian_package(path):
    """The Debian package a font file came in (`dpkg -S`), or the default Noto package."""
    try:
        result = subprocess.run(['dpkg', '-S', path], capture_output=True, text=True)
    except OSError:
        return DEFAULT_PACKAGE
    if result.returncode:
        return DEFAULT_PACKAGE
    return result.stdout.split(':', 1)[0].split(',')[0].strip()
