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
from pathlib import Path

from ..errors import FontError, OutputError
from ..output import write_atomic

CACHE_DIR = Path(os.environ.get('XDG_CACHE_HOME') or Path.home() / '.cache') / 'nswp-publish'

@functools.lru_cache(maxsize=None)
def font_file(family, package='fonts-noto-core'):
    """(path, index in collection) of a family's regular face, as fontconfig resolves it;
    `package` is the Debian package a missing family comes in."""
    try:
        result = subprocess.run(['fc-match', '--format', '%{file}\n%{index}\n%{family}', family],
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
    """Code points every family of a language's `Fonts` has glyphs for."""
    return frozenset.intersection(*(coverage(family, fonts.package)
                                    for family in fonts.families))


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
