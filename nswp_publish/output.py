"""Writing outputs so that a failed or interrupted build never leaves a half-written file.

Every file is written to a temporary file beside its target and renamed into
place; the rename is atomic, so readers see the old file or the new one.
"""
import glob
import os
import tempfile
from pathlib import Path

from .errors import OutputError

#: Where what one build derives and the next may reuse lives (fonts' character maps,
#: compiled templates): each entry names what it was made from, so none goes stale.
CACHE_DIR = Path(os.environ.get('XDG_CACHE_HOME') or Path.home() / '.cache') / 'nswp-publish'


def write_atomic(path, data):
    """Write bytes (or str as UTF-8) to `path` via a temporary file and an atomic rename."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode('utf-8')
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f'.{path.name}.', suffix='.tmp',
                                             dir=path.parent)
    except OSError as error:
        raise OutputError(f'cannot write to folder: {error.strerror}', path.parent,
                          hint='check that it exists and that you may write to it') from None
    try:
        with os.fdopen(handle, 'wb') as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(f'cannot write file: {error.strerror}', path,
                              hint='check free disk space and permissions') from None
        raise


def remove_partial(path):
    """Remove what an unfinished `write_atomic(path, ...)` left beside `path`: a process
    killed in the middle of the write could not remove its own temporary file."""
    path = Path(path)
    for temporary in path.parent.glob(f'.{glob.escape(path.name)}.*.tmp'):
        temporary.unlink(missing_ok=True)


def write_if_changed(path, text):
    """`write_atomic` a text file unless it already holds `text`: a build with nothing to do
    leaves its manifests' modification times alone."""
    try:
        if Path(path).read_text('utf-8') == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    write_atomic(path, text)
