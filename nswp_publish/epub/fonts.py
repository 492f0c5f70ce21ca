"""The fonts an EPUB's text needs, embedded and subset to the characters it uses.

A reading system shows the book in its own fonts unless the book brings some; NSWP's
editions bring the families the print edition is set in (the `Language`'s serif and sans,
in the faces the styles use, and the families its stacks fall back on for what those lack:
the Latin "NSWP" in Arabic text), so that the text looks the same and every character has
a glyph, Chinese ones included, on a reader with no CJK font. A whole CJK face is 16 to 24 MB:
each face is subset (fontTools) to the characters of this book's text, with every layout
layout feature a reading system applies by default kept (Arabic joining, CJK punctuation
widths), and saved as WOFF, a core EPUB font type (WOFF2 would be a tenth smaller, but
fontTools compresses it at Brotli's slowest setting: 3 to 5 s more per CJK face). The same
text gives the same bytes: fontTools keeps the font's own dates when told not to
recalculate them.
"""
import io
from dataclasses import dataclass

from fontTools import subset
from fontTools.ttLib import TTFont

from ..pdf.fonts import coverage, font_file

#: The faces embedded of each family: (CSS font-weight, font-style, fontconfig style).
FACES = (('400', 'normal', ''), ('700', 'normal', 'bold'), ('400', 'italic', 'italic'))
#: Characters a reading system may draw without their being in the text: list numbers and
#: their punctuation, the space.
ALWAYS = '0123456789.,:;()[]-\u2013 '


@dataclass(frozen=True)
class EmbeddedFont:
    """One subset face: its file in the EPUB, its CSS description, its glyph count."""

    name: str
    data: bytes
    family: str
    weight: str
    style: str
    glyphs: int


def faces_of(language):
    """[(family, weight, style, path, index, earlier)] of the faces a `Language`'s text is
    set in: each family of its serif, sans and bold stacks in regular and bold, and italic
    where the language has italics; a face fontconfig answers with another file's face (no
    such face) is left to the reading system to synthesise. `earlier`: the families before
    this one in its stack, empty for the language's own: a family that stands in for the
    characters another lacks (the Latin letters of Arabic text) needs only those."""
    found, seen = [], set()
    earlier = {}
    for stack in (language.fonts.serif_stack, language.fonts.sans_stack,
                  language.fonts.bold_stack):
        for position, family in enumerate(stack):
            before = tuple(stack[:position])
            if family not in earlier or len(before) < len(earlier[family]):
                earlier[family] = before
    for family, before in earlier.items():
        regular = font_file(family, language.fonts.package)
        for weight, style, fc_style in FACES:
            if style == 'italic' and not language.italics:
                continue
            where = font_file(family, language.fonts.package, fc_style) if fc_style else regular
            if where in seen or (fc_style and where == regular):
                continue
            seen.add(where)
            found.append((family, weight, style, *where, before))
    return found


def embed(language, text):
    """[EmbeddedFont] of each face of `language`, subset to the characters of `text` it
    shows: a stand-in family only to those the families before it lack, and left out if
    there are none."""
    characters = sorted(set(text) | set(ALWAYS))
    characters = ''.join(char for char in characters if char.isprintable())
    fonts = []
    for family, weight, style, path, index, earlier in faces_of(language):
        if earlier:
            covered = frozenset().union(*(coverage(name, language.fonts.package)
                                          for name in earlier))
            shown = ''.join(char for char in characters if ord(char) not in covered)
            if not shown.strip():
                continue
        else:
            shown = characters
        data, glyphs = subset_face(path, index, shown)
        stem = path.rsplit('/', 1)[-1].rsplit('.', 1)[0]
        name = f'{stem}-{index}.woff' if index else f'{stem}.woff'
        fonts.append(EmbeddedFont(name, data, family, weight, style, glyphs))
    return fonts


def subset_face(path, index, characters):
    """(WOFF bytes, glyph count) of one face of a font file, keeping only `characters`."""
    options = subset.Options()
    options.flavor = 'woff'
    options.name_IDs = ['*']            # the copyright and licence (OFL) stay with the font
    options.name_languages = ['*']
    options.notdef_outline = True
    options.hinting = False             # reading systems hint; a fifth smaller
    # Bounding boxes are the font's own: recomputing them from every CFF outline takes
    # seconds per CJK face, and gives the same bytes each time either way.
    font = TTFont(path, fontNumber=index, recalcTimestamp=False, recalcBBoxes=False,
                  lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = 'woff'
    font.save(out, reorderTables=True)
    return out.getvalue(), len(font.getGlyphOrder())


def font_face_css(fonts, folder='../fonts'):
    """The @font-face rules of the embedded fonts, for the book's stylesheet."""
    return ''.join(
        f'@font-face {{ font-family: "{font.family}"; font-weight: {font.weight}; '
        f'font-style: {font.style}; src: url("{folder}/{font.name}") format("woff"); }}\n'
        for font in fonts)
