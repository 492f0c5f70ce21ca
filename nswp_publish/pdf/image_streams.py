"""Each image's PDF stream made once per build, not once per PDF.

WeasyPrint passes a JPEG through, but embeds a PNG by decoding its pixels and
deflating them again (`RasterImage.get_x_object`; with an alpha channel, twice:
the colours and a soft mask), in every document it writes. Its `cache` keeps the
file's bytes and the image object, not that work: a 6-megapixel PNG photo costs
about 2 seconds per PDF, in each language and edition, in each worker.

`ImageCache` is the dictionary we give WeasyPrint as its documented `cache=`
option. When WeasyPrint files a raster image in it, the cache gives that image a
memo of its PDF stream: the first document runs WeasyPrint's own
`get_x_object`; later ones get a copy of its result. The memo is keyed by what
the stream is made from (the image's bytes, mode, size and the options that shape
it). Between the processes of a parallel build it is a file in a folder the build
owns (`build_folder`), written whole or not at all, made under a lock so that two
workers never make the same stream twice.

The adapter leans on WeasyPrint's internals, so it reuses only what it fully
understands: a PNG drawn at its own resolution (no `dpi` resampling), whose stream
is made of pydyf streams, dictionaries, arrays, bytes and plain values. Anything
else (another WeasyPrint, a new attribute) goes WeasyPrint's normal way: slower,
never a different PDF. tests/test_image_streams.py fails if the memo stops working.

A PNG that WeasyPrint converts when it opens it (a palette, a transparent colour, 1-bit
or 32-bit grey: `RasterImage.__init__` makes it RGB or RGBA and encodes it again) is
converted once per build too: `ConvertedSources` does that same conversion for the
build's fetcher, which hands WeasyPrint the result, so that no worker converts it again.
"""
import fcntl
import hashlib
import inspect
import io
import logging
import os
import pickle
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from ..errors import PublishError
from ..output import write_atomic

LOGGER = logging.getLogger('nswp_publish')
#: A build's folder of shared streams, in the output folder: `.pdf-images-XXXXXXXX`.
FOLDER_PREFIX = '.pdf-images-'
OWNER_LOCK = 'owner.lock'


def _weasyprint_parts():
    """(RasterImage, its lazy data classes, pydyf), or None if this WeasyPrint's image class
    is not the one the adapter was written for (WeasyPrint 70)."""
    try:
        import pydyf
        from weasyprint.images import LazyImage, LazyLocalImage, RasterImage
        parameters = list(inspect.signature(RasterImage.get_x_object).parameters)
    except (ImportError, AttributeError, TypeError, ValueError):
        return None
    if parameters != ['self', 'interpolate', 'dpi_ratio']:
        return None
    return RasterImage, (LazyImage, LazyLocalImage), pydyf


class ImageCache(dict):
    """WeasyPrint's image cache (url -> image, key -> bytes) that memoises PNG streams.

    `folder` is the build's shared folder (`build_folder`), or None for a build in
    one process, where the memo lives in memory only.
    """

    def __init__(self, folder=None):
        super().__init__()
        self.streams = StreamMemo(folder)

    def __setitem__(self, key, value):
        # WeasyPrint files each image it opens under its URL (get_image_from_uri).
        self.streams.adopt(value)
        super().__setitem__(key, value)


class StreamMemo:
    """PDF image streams by what they are made from; in memory, and in `folder` if given."""

    def __init__(self, folder=None):
        self.folder = Path(folder) if folder else None
        self.memory = {}
        self.made = 0           # streams this process made with WeasyPrint's own code
        self.reused = 0
        parts = _weasyprint_parts()
        if parts is None:
            LOGGER.debug('image streams: this WeasyPrint is not the one the adapter knows; '
                         'every PDF makes its own')
        self.raster_image, self.lazy_data, self.pydyf = parts or (None, (), None)

    def adopt(self, image):
        """Give a raster image WeasyPrint just opened a memo of its PDF stream."""
        if self.raster_image is None or type(image) is not self.raster_image:
            return
        original = image.get_x_object

        def get_x_object(interpolate, dpi_ratio):
            return self.x_object(image, original, interpolate, dpi_ratio)
        try:
            image.get_x_object = get_x_object
        except AttributeError:          # slots: WeasyPrint's own way
            pass

    def x_object(self, image, original, interpolate, dpi_ratio):
        key = self.key(image, interpolate, dpi_ratio)
        if key is None:
            return original(interpolate, dpi_ratio)
        template = self.memory.get(key)
        if template is not None:
            self.reused += 1
            return self.rebuild(template)
        if self.folder is None:
            return self.make(key, original, interpolate, dpi_ratio)
        with self.locked(key):
            template = self.read(key)
            if template is not None:
                self.memory[key] = template
                self.reused += 1
                return self.rebuild(template)
            made = self.make(key, original, interpolate, dpi_ratio)
            if key in self.memory:
                self.write(key, self.memory[key])
            return made

    def key(self, image, interpolate, dpi_ratio):
        """What the stream is made from, hashed; None for what the memo leaves alone: a JPEG
        (passed through, nothing to save) or an image WeasyPrint resamples for `dpi`."""
        try:
            if image.format != 'PNG' or dpi_ratio != 1:
                return None
            shape = (image.mode, image.width, image.height, bool(image.optimize),
                     bool(interpolate))
            data = image.image_data.data
        except (AttributeError, OSError):
            return None
        if not isinstance(data, bytes):
            return None
        digest = hashlib.sha256(repr(shape).encode())
        digest.update(data)
        return digest.hexdigest()

    def make(self, key, original, interpolate, dpi_ratio):
        """WeasyPrint's own stream, remembered if the memo understands it."""
        made = original(interpolate, dpi_ratio)
        self.made += 1
        try:
            self.memory[key] = self.rebuild(made)
        except _Unknown as unknown:
            LOGGER.debug('image streams: not reused (%s)', unknown)
        return made

    def rebuild(self, value):
        """A fresh copy of a stream, its lazy data read into bytes; `_Unknown` for anything
        but pydyf streams, dictionaries, arrays and plain values. Each PDF gets its own
        objects: writing one numbers them and replaces the mask by a reference."""
        pydyf = self.pydyf
        kind = type(value)
        if value is None or kind in (bytes, str, int, float, bool):
            return value
        if kind is pydyf.Stream:
            _only_attributes(value, {'stream', 'extra', 'compress'})
            return pydyf.Stream([self.stream_item(item) for item in value.stream],
                                self.rebuild(value.extra), value.compress)
        if kind in (pydyf.Dictionary, dict):
            if kind is pydyf.Dictionary:
                _only_attributes(value, set())
            return kind({name: self.rebuild(item) for name, item in value.items()})
        if kind in (pydyf.Array, list, tuple):
            if kind is pydyf.Array:
                _only_attributes(value, set())
            return kind([self.rebuild(item) for item in value])
        raise _Unknown(kind.__name__)

    def stream_item(self, item):
        if type(item) in self.lazy_data:
            try:
                item = item.data
            except Exception as error:      # noqa: BLE001 - WeasyPrint reads it again
                raise _Unknown(f'stream data unreadable ({error})') from None
        if type(item) is not bytes:
            raise _Unknown(f'stream item {type(item).__name__}')
        return item

    # -- between processes --------------------------------------------------------

    def locked(self, key):
        """Only one process makes a stream; the others wait for its file."""
        return _locked(self.folder, key)

    def read(self, key):
        try:
            data = (self.folder / f'{key}.stream').read_bytes()
        except OSError:
            return None
        try:
            return _StreamUnpickler(io.BytesIO(data), self.pydyf).load()
        except Exception as error:      # noqa: BLE001 - any damage: make it again
            LOGGER.debug('image streams: %s unreadable (%s)', key, error)
            return None

    def write(self, key, template):
        try:
            write_atomic(self.folder / f'{key}.stream', pickle.dumps(template, protocol=5))
        except PublishError as error:   # a cache that cannot be written is no error
            LOGGER.debug('image streams: %s', error)


@contextmanager
def _locked(folder, key):
    """Hold the build folder's lock for `key`: one process makes a file, the others wait."""
    try:
        handle = open(folder / f'{key}.lock', 'a')
    except OSError:                 # the folder is gone: each makes its own
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


class ConvertedSources:
    """PNG files WeasyPrint would convert on opening, converted once per build.

    WeasyPrint 70 (`RasterImage.__init__`) makes a PNG with a transparent colour RGBA,
    and a palette, 1-bit or 32-bit grey one RGB, then encodes it again as PNG: in every
    process that opens it. `converted` does exactly that, once, and the build's fetcher
    gives WeasyPrint the result, which it then takes as it is (an RGB or RGBA PNG): the
    same image data, so the same PDF. In `folder` (`build_folder`) the workers share it.
    A PNG whose EXIF turns it is left to WeasyPrint, which turns it before converting.
    Whether a file needs converting is read from its header, without decoding it.
    """

    def __init__(self, folder=None):
        self.folder = Path(folder) if folder else None
        self.memory = {}        # content and mode -> converted bytes (b'': left as it is)
        self.files = {}         # (path, size, time) -> converted bytes or None
        self.made = 0

    def converted(self, path):
        """The converted PNG bytes of a file WeasyPrint would convert, or None. Each file
        is read once per process, not once per document that shows it."""
        stat = os.stat(path)
        known = (str(path), stat.st_size, stat.st_mtime_ns)
        if known not in self.files:
            self.files[known] = self._load(path)
        return self.files[known]

    def _load(self, path):
        from PIL import Image
        try:
            with Image.open(path) as image:         # the header only: no pixels decoded
                mode = _converted_mode(image) if image.format == 'PNG' else None
        except Exception:       # noqa: BLE001 - not an image we know: WeasyPrint's to read
            return None
        if mode is None:
            return None
        data = Path(path).read_bytes()
        key = hashlib.sha256(data).hexdigest() + '-' + mode
        if key not in self.memory:
            self.memory[key] = self._shared(key, data) if self.folder else self._convert(data)
        return self.memory[key] or None         # b'': one left to WeasyPrint

    def _shared(self, key, data):
        with _locked(self.folder, key):
            try:
                return (self.folder / f'{key}.png').read_bytes()
            except OSError:
                made = self._convert(data)
            try:
                write_atomic(self.folder / f'{key}.png', made)
            except PublishError as error:   # a cache that cannot be written is no error
                LOGGER.debug('converted images: %s', error)
            return made

    def _convert(self, data):
        """The converted PNG, or b'' for one WeasyPrint must turn first (its EXIF says so;
        reading a PNG's EXIF decodes it, hence here and not in `converted`)."""
        from PIL import Image
        self.made += 1
        with Image.open(io.BytesIO(data)) as image:
            if image.getexif().get(EXIF_ORIENTATION, 1) != 1:
                return b''
            converted = image.convert(_converted_mode(image))
            output = io.BytesIO()
            converted.save(output, format='PNG', optimize=False)
        return output.getvalue()


#: The EXIF tag of a picture's orientation.
EXIF_ORIENTATION = 0x0112


def _converted_mode(image):
    """The mode WeasyPrint 70 converts an opened image to, or None if it keeps it."""
    if 'transparency' in image.info:
        return 'RGBA'
    if image.mode in ('1', 'P', 'I'):
        return 'RGB'
    return None


def _only_attributes(value, own):
    """Refuse a pydyf object with attributes this module does not know, or one already
    numbered in a PDF."""
    known = {'number', 'offset', 'generation', 'free'} | own
    if set(vars(value)) != known or value.number is not None:
        raise _Unknown(f'{type(value).__name__} with {sorted(set(vars(value)) ^ known)}')


class _Unknown(Exception):
    """A stream the memo does not fully understand: left to WeasyPrint."""


class _StreamUnpickler(pickle.Unpickler):
    """Loads only pydyf's streams, dictionaries and arrays (and plain values)."""

    def __init__(self, file, pydyf):
        super().__init__(file)
        self.allowed = {('pydyf', name): getattr(pydyf, name)
                        for name in ('Stream', 'Dictionary', 'Array')}

    def find_class(self, module, name):
        try:
            return self.allowed[module, name]
        except KeyError:
            raise pickle.UnpicklingError(f'{module}.{name} is not a stream part') from None


# -- the build's folder ----------------------------------------------------------------

@contextmanager
def build_folder(output_dir):
    """A folder for one build's shared streams, removed when the build ends; None if it
    cannot be made (the processes then make their own streams).

    Its `owner.lock` is held for the build (forked workers inherit it), so a later build
    can tell the folder of a build that was killed from one still running, and remove it.
    """
    output_dir = Path(output_dir)
    _remove_orphans(output_dir)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=output_dir))
        owner = open(folder / OWNER_LOCK, 'a')
    except OSError as error:
        LOGGER.debug('image streams: no shared folder (%s)', error)
        yield None
        return
    try:
        fcntl.flock(owner, fcntl.LOCK_EX)
        yield folder
    finally:
        owner.close()
        shutil.rmtree(folder, ignore_errors=True)


def _remove_orphans(output_dir, grace=3600):
    """Remove the folders of builds that were killed: their owner lock is free (or, made
    but never locked, older than an hour)."""
    for folder in output_dir.glob(FOLDER_PREFIX + '*'):
        lock = folder / OWNER_LOCK
        try:
            if not lock.exists():
                if time.time() - folder.stat().st_mtime > grace:
                    shutil.rmtree(folder, ignore_errors=True)
                continue
            with open(lock, 'a') as handle:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:             # BlockingIOError: its build is running
            continue

