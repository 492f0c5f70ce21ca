"""Cover thumbnails: the first page of an edition's PDF, drawn as JPEG images for the library.

Drawn with PDFium (pypdfium2, Apache-2.0/BSD-3-Clause: a licence the project can ship, unlike
PyMuPDF's AGPL), in this process and from the PDF itself, so the cover is what the reader
will download in that language, and the same PDF gives the same image bytes. Only the page
as trimmed is drawn: a press PDF's bleed and crop marks are not part of the cover.
"""
import io
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from PIL import Image

from ..errors import SiteError
from ..output import write_atomic

#: The widths drawn, in pixels: the library shows the first at 1x and 2x screens take the
#: second, which Open Graph also uses (link previews want 600 pixels or more).
WIDTHS = (320, 640)
QUALITY = 85


@dataclass(frozen=True)
class Cover:
    """The thumbnails of one PDF's first page: {width: file name}, and the page's height
    for that width (so that the page sets each image's size before it loads)."""

    files: dict
    heights: dict

    @property
    def largest(self):
        width = max(self.files)
        return self.files[width], width, self.heights[width]

    def srcset(self):
        return ', '.join(f'{name} {width}w' for width, name in sorted(self.files.items()))


def write_cover(pdf_path, folder, stem, prefix=''):
    """Draw the first page of `pdf_path` at each of `WIDTHS` into `folder`, as
    `<stem>-<width>.jpg`; the files' names in the `Cover` start with `prefix` (their folder as
    the page links to it)."""
    try:
        document = pypdfium2.PdfDocument(str(pdf_path))
    except pypdfium2.PdfiumError as error:
        raise SiteError(f'cannot read the PDF to draw its cover: {error}', pdf_path,
                        hint='rebuild it: python3 build.py --force') from None
    try:
        page = document[0]
        media = page.get_mediabox()
        trim = page.get_trimbox()
        # From each edge of the media box to the trim box: left, bottom, right, top.
        crop = (trim[0] - media[0], trim[1] - media[1], media[2] - trim[2], media[3] - trim[3])
        trim_width, trim_height = trim[2] - trim[0], trim[3] - trim[1]
        largest = page.render(scale=max(WIDTHS) / trim_width, crop=crop, draw_annots=False,
                              may_draw_forms=False).to_pil().convert('RGB')
    finally:
        document.close()
    files, heights = {}, {}
    for width in WIDTHS:
        height = round(width * trim_height / trim_width)
        image = largest if largest.size == (width, height) else largest.resize(
            (width, height), Image.Resampling.LANCZOS)
        name = f'{stem}-{width}.jpg'
        write_atomic(Path(folder) / name, _jpeg(image))
        files[width], heights[width] = prefix + name, height
    return Cover(files, heights)


def _jpeg(image):
    buffer = io.BytesIO()
    image.save(buffer, 'JPEG', quality=QUALITY, optimize=True)
    return buffer.getvalue()
