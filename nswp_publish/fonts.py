"""Glyph coverage: every character a language's text uses must be in the fonts it names.

A character missing from the declared fonts makes fontconfig hunt through every
installed font (slow) and prints it in whatever face it finds (wrong), so the
build refuses it before WeasyPrint starts, naming the characters and messages.
"""
import functools
import subprocess
import unicodedata

from .errors import FontError
from .render import fonts_for


@functools.lru_cache(maxsize=None)
def font_file(family):
    """(path, index in collection) of a family's regular face, as fontconfig resolves it."""
    try:
        result = subprocess.run(['fc-match', '--format', '%{file}\n%{index}\n%{family}', family],
                                capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        raise FontError(f'cannot ask fontconfig for font "{family}"',
                        hint='install fontconfig: apt-get install fontconfig') from None
    path, index, found = (result.stdout.split('\n') + ['', '', ''])[:3]
    if family.lower() not in found.lower():
        raise FontError(f'font "{family}" is not installed (fontconfig offers "{found}")',
                        hint='run: python3 build.py, which installs fonts-noto-core and '
                             'fonts-noto-cjk, or apt-get install them')
    return path, int(index or 0)


@functools.lru_cache(maxsize=None)
def coverage(family):
    """The set of code points a font family's regular face has glyphs for."""
    from fontTools.ttLib import TTFont
    path, index = font_file(family)
    font = TTFont(path, fontNumber=index, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def missing_characters(text, language):
    """Characters of `text` that neither the serif nor the sans font of `language` has."""
    families = fonts_for(language)
    covered = coverage(families['serif']) & coverage(families['sans'])
    return sorted({char for char in text
                   if not char.isspace() and ord(char) not in covered
                   and unicodedata.category(char) not in ('Cc', 'Cf')})


def check_coverage(texts, language):
    """Fail if any text lacks glyphs: `texts` is [(Text, where)] of one language."""
    problems = {}
    for text, where in texts:
        for char in missing_characters(text, language):
            problems.setdefault(char, where)
    if problems:
        listed = ', '.join(f'U+{ord(char):04X} {unicodedata.name(char, "?")} ({where})'
                           for char, where in list(problems.items())[:5])
        families = fonts_for(language)
        raise FontError(f'characters not in {families["serif"]} / {families["sans"]}: {listed}',
                        hint='replace them in the translation or content, or add a font that '
                             'has them to the stylesheet and render.FONTS')
