"""Images that content names: checked, measured, and resized for the web edition.

An image is a PNG, JPEG or SVG file in the publication's folder, told by its
bytes, not its name. A raster image must decode whole (Pillow); an SVG is
untrusted markup: it is parsed with entities and DTD-declared entities refused
(defusedxml) and refused, with the line, if it holds anything that runs code or
reaches outside the publication (scripts, event handlers, foreign objects,
external links or style sheets). Nothing is ever fetched.

The PDF uses the file itself (print resolution); the web edition gets
`web_copy`, a smaller copy of a large photo with deterministic bytes, so a
rebuild writes the same file. Each image is checked and decoded once per build
process, whatever the number of languages and editions: `load_image` keeps the
result keyed by path, modification time and size.
"""
import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from xml.sax.handler import ContentHandler, DTDHandler

from ..errors import ContentError
from .localfiles import publication_file

#: The largest image file accepted: bigger ones are print masters, not content.
MAX_BYTES = 20 * 1024 * 1024
#: Pixels a raster image may have: above this Pillow's decoding needs gigabytes.
MAX_PIXELS = 100_000_000
#: The longest side of the web edition's copy of a photo, in pixels.
WEB_MAX_SIDE = 1600
JPEG_QUALITY = 85

SVG_NS = 'http://www.w3.org/2000/svg'
XLINK_NS = 'http://www.w3.org/1999/xlink'
#: Elements that run code or embed other documents, refused in any namespace.
FORBIDDEN_ELEMENTS = {'script', 'foreignobject', 'iframe', 'embed', 'object', 'handler',
                      'listener', 'audio', 'video', 'canvas'}
#: Animation elements can set an attribute later: refused if they target a link or handler.
ANIMATIONS = {'set', 'animate', 'animatetransform', 'animatemotion', 'animatecolor'}
#: Raster images an SVG may carry inline as data: URIs (drawn, never run).
DATA_IMAGES = re.compile(r'data:image/(png|jpeg|jpg|gif|webp);base64,', re.I)
CSS_URL = re.compile(r'url\(\s*([\'"]?)(.*?)\1\s*\)', re.I | re.S)
LENGTH = re.compile(r'\s*([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)\s*(px|pt|pc|mm|cm|in)?\s*\Z')
#: CSS pixels per unit (96 per inch), as browsers and WeasyPrint count them.
UNITS = {None: 1, 'px': 1, 'pt': 96 / 72, 'pc': 16, 'mm': 96 / 25.4, 'cm': 96 / 2.54, 'in': 96}

EXIF_ORIENTATION = 0x0112
FORMATS = {'PNG': ('png', 'image/png'), 'JPEG': ('jpeg', 'image/jpeg')}
FORMAT_HINT = 'use a PNG, JPEG or SVG file'


@dataclass(frozen=True)
class Image:
    """A checked image: its file, format ('png', 'jpeg' or 'svg') and intrinsic size in pixels."""

    path: Path
    format: str
    mime: str
    width: float
    height: float
    size: int              # bytes
    digest: str            # sha256 of the file, hex

    @property
    def ratio(self):
        return self.width / self.height


def variant_for(folder, src, language, where=(None, None), what='image'):
    """The file to use for `language`: `march.zh.png` beside `march.png` if there is one.

    The base file must exist: it is the image of every language without its own.
    """
    base = publication_file(folder, src, where, what)
    if language:
        variant = base.with_name(f'{base.stem}.{language}{base.suffix}')
        if variant.is_file():
            return publication_file(folder, str(PurePosixPath(src).with_name(variant.name)),
                                    where, what)
    return base


def find_image(folder, src, language=None, where=(None, None), what='image'):
    """Check and measure the image `src` names for `language`; see `load_image`."""
    return load_image(variant_for(folder, src, language, where, what), folder, where, what)


def image_files(folder, src, languages, where, what='image'):
    """{language: Image} for an image name: each language's variant, or the base file."""
    return {language: find_image(folder, src, language, where, what)
            for language in languages}


_cache = {}


def load_image(path, folder, where=(None, None), what='image'):
    """The checked `Image` at `path`, decoded once per process while the file is unchanged.

    `folder` is the publication's folder (an SVG's links must stay inside it);
    `where` is the YAML (path, line) that named the image, for errors about the
    file as a whole; errors inside an SVG name the SVG's own line.
    """
    path = Path(path)
    stat = path.stat()
    # `what` only words an error, and errors are not kept: one entry per file.
    key = (str(path), stat.st_mtime_ns, stat.st_size, str(Path(folder).resolve()))
    if key not in _cache:
        _cache[key] = _check(path, Path(folder).resolve(), stat.st_size, where, what)
    return _cache[key]


def clear_cache():
    _cache.clear()


def _check(path, folder, size, where, what):
    name = path.name
    if size > MAX_BYTES:
        raise ContentError(f'{what} "{name}" is {size / 1024 / 1024:.1f} MB, more than the '
                           f'{MAX_BYTES // 1024 // 1024} MB allowed', *where,
                           hint='save a smaller copy (a 300 dpi print photo is a few MB)')
    data = path.read_bytes()
    if size == 0:
        raise ContentError(f'{what} "{name}" is an empty file', *where, hint=FORMAT_HINT)
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(b'\x89PNG\r\n\x1a\n') or data.startswith(b'\xff\xd8\xff'):
        kind, mime, width, height = _check_raster(data, name, where, what)
    elif _looks_like_xml(data):
        width, height = check_svg(data, path, folder)
        kind, mime = 'svg', 'image/svg+xml'
    else:
        raise ContentError(f'{what} "{name}" is not a PNG, JPEG or SVG image', *where,
                           hint=FORMAT_HINT)
    return Image(path, kind, mime, width, height, size, digest)


def _looks_like_xml(data):
    head = data[:1024].lstrip(b'\xef\xbb\xbf').lstrip()
    return head.startswith(b'<')


def _open_raster(data):
    """Open and fully decode raster bytes with Pillow; a decompression bomb is an error."""
    from PIL import Image as PILImage, ImageFile
    # WeasyPrint sets this switch for the whole process when imported (it draws what it
    # can of a damaged file); a damaged file in content must be refused, so not here.
    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error', PILImage.DecompressionBombWarning)
            image = PILImage.open(io.BytesIO(data), formats=list(FORMATS))
            if image.width * image.height > MAX_PIXELS:
                raise PILImage.DecompressionBombError('too many pixels')
            image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    return image


def _check_raster(data, name, where, what):
    from PIL import Image as PILImage, UnidentifiedImageError
    try:
        image = _open_raster(data)
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ContentError(f'{what} "{name}" has more than {MAX_PIXELS // 1_000_000} million '
                           'pixels', *where, hint='save a smaller copy') from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ContentError(f'{what} "{name}" cannot be decoded ({error})', *where,
                           hint='the file is damaged or not really a PNG or JPEG: '
                                'save it again from an image editor') from None
    kind, mime = FORMATS[image.format]
    # What readers see: a photo's EXIF orientation turns it (browsers and WeasyPrint obey it).
    width, height = image.size
    if image.getexif().get(EXIF_ORIENTATION) in (5, 6, 7, 8):
        width, height = height, width
    return kind, mime, width, height


# -- SVG ----------------------------------------------------------------------

def check_svg(data, path, folder):
    """Refuse an SVG that could run code or reach outside `folder`; return its (width, height).

    Errors name the SVG file and the line of the offending element.
    """
    from xml.sax import handler
    from defusedxml import DefusedXmlException, ExternalReferenceForbidden
    import defusedxml.sax

    checker = _SvgChecker(path, folder)
    parser = defusedxml.sax.make_parser()
    parser.setFeature(handler.feature_namespaces, True)
    parser.setFeature(handler.feature_external_ges, False)
    parser.setFeature(handler.feature_external_pes, False)
    parser.setContentHandler(checker)
    parser.setDTDHandler(checker)
    # An SVG may hold no DOCTYPE entities (billion laughs) nor external ones (file or network).
    parser.forbid_dtd = False
    parser.forbid_entities = True
    parser.forbid_external = True
    try:
        parser.parse(io.BytesIO(data))
    except DefusedXmlException as error:
        what = ('refers to an external DTD or entity' if isinstance(error, ExternalReferenceForbidden)
                else 'declares entities')
        raise ContentError(f'SVG {what} (nothing is fetched)', path, _line(parser),
                           hint='remove the <!DOCTYPE ...> line and any entities') from None
    except Exception as error:                          # noqa: BLE001 (SAXParseException)
        from xml.sax import SAXParseException
        if not isinstance(error, SAXParseException):
            raise
        raise ContentError(f'SVG is not well-formed XML: {error.getMessage()}', path,
                           error.getLineNumber(), hint='save it again from the drawing '
                                                        'program') from None
    if not checker.root_seen:
        raise ContentError('not an SVG image', path, 1, hint=FORMAT_HINT)
    return checker.size


def _line(parser):
    try:
        return parser._parser.CurrentLineNumber
    except AttributeError:
        return None


class _SvgChecker(ContentHandler, DTDHandler):
    """A SAX handler that refuses what an image must not do, and reads the root's size."""

    def __init__(self, path, folder):
        super().__init__()
        self.path = path
        self.folder = folder
        self.root_seen = False
        self.size = None
        self.locator = None
        self.in_style = 0
        self.style_text = []

    # ContentHandler interface (only what we use; the rest are no-ops).
    def setDocumentLocator(self, locator):
        self.locator = locator

    def line(self):
        return self.locator.getLineNumber() if self.locator else None

    def fail(self, message, hint='remove it: an image must not run code or load other files'):
        raise ContentError(f'SVG {message}', self.path, self.line(), hint)

    def startElementNS(self, name, qname, attrs):
        namespace, local = name
        tag = local.lower()
        if not self.root_seen:
            if namespace != SVG_NS or local != 'svg':
                raise ContentError('not an SVG image (the root element is not <svg> in the '
                                   'SVG namespace)', self.path, self.line(), FORMAT_HINT)
            self.root_seen = True
            self.size = self.root_size(attrs)
        if tag in FORBIDDEN_ELEMENTS:
            self.fail(f'<{local}> element is not allowed')
        for (attr_ns, attr), value in attrs.items():
            lower = attr.lower()
            if lower.startswith('on'):
                self.fail(f'event handler attribute {attr}="..." on <{local}> is not allowed')
            if lower in ('href', 'src'):
                self.check_link(value, f'<{local} {attr}="{_short(value)}">')
            elif lower == 'style':
                self.check_css(value, f'style attribute of <{local}>')
            elif 'url(' in value.lower():
                self.check_css(value, f'{attr} attribute of <{local}>')
        if tag in ANIMATIONS:
            target = (attrs.get((None, 'attributeName')) or '').lower()
            if target.split(':')[-1] in ('href', 'src') or target.startswith('on'):
                self.fail(f'<{local}> may not change the attribute "{target}"')
        if tag == 'style':
            self.in_style += 1
            self.style_text = []

    def endElementNS(self, name, qname):
        if name[1].lower() == 'style' and self.in_style:
            self.in_style -= 1
            self.check_css(''.join(self.style_text), '<style> element')

    def characters(self, content):
        if self.in_style:
            self.style_text.append(content)

    def processingInstruction(self, target, data):
        if target.lower() == 'xml-stylesheet':
            self.fail('<?xml-stylesheet?> is not allowed (it loads a style sheet)')

    def skippedEntity(self, name):
        self.fail(f'refers to the undefined entity &{name};', hint='remove the entity')

    # DTDHandler interface
    def notationDecl(self, name, publicId, systemId):
        self.fail('DOCTYPE declares a notation', hint='remove the DOCTYPE')

    def unparsedEntityDecl(self, name, publicId, systemId, ndata):
        self.fail('DOCTYPE declares an entity', hint='remove the DOCTYPE')

    def check_css(self, css, where):
        if re.search(r'@import', css, re.I):
            self.fail(f'{where}: @import is not allowed (it loads a style sheet)')
        for _, url in CSS_URL.findall(css):
            self.check_link(url.strip(), f'{where}: url({_short(url)})')

    def check_link(self, value, where):
        """Same-document `#fragment`, inline raster `data:`, or a file inside the folder."""
        value = value.strip()
        if not value or value.startswith('#'):
            return
        if DATA_IMAGES.match(value):
            return
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or value.startswith('//'):
            self.fail(f'{where}: links outside the publication are not allowed',
                      hint='embed the picture in the SVG or put the file in the '
                           "publication's folder")
        relative = PurePosixPath(unquote(parts.path))
        target = (self.path.parent / Path(*relative.parts)).resolve() if relative.parts else None
        if relative.is_absolute() or target is None or not target.is_relative_to(self.folder):
            self.fail(f'{where}: links outside the publication folder are not allowed',
                      hint="put the file in the publication's folder")

    def root_size(self, attrs):
        width = _length(attrs.get((None, 'width')))
        height = _length(attrs.get((None, 'height')))
        box = _view_box(attrs.get((None, 'viewBox')))
        if width and height:
            return width, height
        if box:
            box_width, box_height = box
            if width:
                return width, width * box_height / box_width
            if height:
                return height * box_width / box_height, height
            return box_width, box_height
        raise ContentError('SVG has no size', self.path, self.line(),
                           hint='give the <svg> element width and height, or a viewBox')


def _length(value):
    match = LENGTH.match(value) if value else None
    if not match or float(match[1]) <= 0:
        return None              # missing, a percentage or a font-relative length
    return round(float(match[1]) * UNITS[match[2]], 3)


def _view_box(value):
    try:
        numbers = [float(item) for item in re.split(r'[\s,]+', (value or '').strip())]
    except ValueError:
        return None
    if len(numbers) != 4 or numbers[2] <= 0 or numbers[3] <= 0:
        return None
    return numbers[2], numbers[3]


def _short(text, length=40):
    text = ' '.join(str(text).split())
    return text if len(text) <= length else text[:length - 1] + '…'


# -- the web edition's copy -----------------------------------------------------

@dataclass(frozen=True)
class WebCopy:
    """The file the web edition links to: its name (by content), bytes and pixel size."""

    name: str
    data: bytes
    width: int
    height: int
    mime: str


_web_cache = {}


def web_copy(image, max_side=WEB_MAX_SIDE):
    """The web edition's version of `image`, made once per process.

    A raster image whose longest side exceeds `max_side` is scaled down
    (Lanczos), turned upright, stripped of metadata and saved with fixed
    settings, so the same input gives the same bytes; smaller images and SVGs
    are used as they are. The name carries a hash of the bytes, so a changed
    picture never meets a stale copy in a browser's cache.
    """
    key = (image.digest, max_side)
    if key not in _web_cache:
        _web_cache[key] = _make_web_copy(image, max_side)
    return _web_cache[key]


def _make_web_copy(image, max_side):
    data = image.path.read_bytes()
    width, height = image.width, image.height
    suffix = {'png': 'png', 'jpeg': 'jpg', 'svg': 'svg'}[image.format]
    if image.format != 'svg' and max(width, height) > max_side:
        from PIL import Image as PILImage, ImageOps
        picture = ImageOps.exif_transpose(_open_raster(data))
        scale = max_side / max(picture.size)
        size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
        picture = picture.resize(size, PILImage.Resampling.LANCZOS)
        out = io.BytesIO()
        if image.format == 'jpeg':
            picture = picture.convert('RGB')
            picture.save(out, 'JPEG', quality=JPEG_QUALITY, optimize=True, progressive=True,
                         subsampling='4:2:0')
        else:
            picture.save(out, 'PNG', optimize=True)
        data = out.getvalue()
        width, height = picture.size
    digest = hashlib.sha256(data).hexdigest()[:12]
    stem = re.sub(r'[^A-Za-z0-9_.-]+', '-', image.path.stem).strip('-.') or 'image'
    return WebCopy(f'{stem}-{digest}.{suffix}', data, round(width), round(height), image.mime)
