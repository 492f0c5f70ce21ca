"""Publishing the site whole or not at all: built beside `output/site/`, then swapped in.

The web team uploads `output/site/` as it is, perhaps while a build runs, so it must never be
half old, half new. Each build writes a new tree in a folder of its own beside it
(`output/.site-new-*`), then exchanges the two in one `rename` (Linux's `renameat2` with
`RENAME_EXCHANGE`; elsewhere two renames, and a run that dies between them is repaired by the
next). The old tree is removed only once the new one is in place; a build that fails or is
interrupted removes its own folder and leaves the old site as it was.

What did not change is not rebuilt: a language whose inputs are the same as last time
(recorded in `output/.site-manifest.json`) has its files hard-linked from the old tree into
the new one (copied where links are impossible), the same bytes and, linked, the same files.
"""
import ctypes
import ctypes.util
import errno
import json
import os
import shutil
import tempfile
from pathlib import Path

from ..errors import OutputError
from ..output import write_if_changed

SITE = 'site'
MANIFEST_NAME = '.site-manifest.json'
_NEW_PREFIX = '.site-new-'
_OLD_PREFIX = '.site-old-'
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class SiteManifest:
    """What each part of the site (a language's folder, the root files) was built from."""

    def __init__(self, output_dir):
        self.path = Path(output_dir) / MANIFEST_NAME
        try:
            self.parts = json.loads(self.path.read_text('utf-8')).get('parts', {})
        except (OSError, ValueError):
            self.parts = {}

    def is_current(self, part, digest):
        return self.parts.get(part) == digest

    def save(self, parts):
        text = json.dumps({'parts': dict(sorted(parts.items()))}, indent=1) + '\n'
        write_if_changed(self.path, text)


class Staging:
    """The folder a new site is built in, beside the published one; a context manager that
    removes it unless `publish()` put it in place."""

    def __init__(self, output_dir):
        self.output_dir = Path(output_dir)
        self.site = self.output_dir / SITE
        recover(self.output_dir)
        try:
            self.output_dir.mkdir(parents=True, exist_ok=True)
            self.folder = Path(tempfile.mkdtemp(prefix=_NEW_PREFIX, dir=self.output_dir))
        except OSError as error:
            raise OutputError(f'cannot write to folder: {error.strerror}', self.output_dir,
                              hint='check that it exists and that you may write to it') from None
        os.chmod(self.folder, 0o755)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.folder, ignore_errors=True)

    def carry_over(self, part):
        """Link (or copy) one part of the published site, a folder or a file, into the new
        one; False if the published site does not have it."""
        source = self.site / part
        if not source.exists():
            return False
        target = self.folder / part
        if source.is_dir():
            shutil.copytree(source, target, copy_function=link_or_copy, dirs_exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(source, target)
        return True

    def publish(self):
        """Put the new site in place of the old one, atomically where the system can."""
        if not self.site.exists():
            os.rename(self.folder, self.site)
            return
        if _exchange(self.folder, self.site):
            shutil.rmtree(self.folder, ignore_errors=True)      # now the old site
            return
        old = Path(tempfile.mkdtemp(prefix=_OLD_PREFIX, dir=self.output_dir))
        os.rmdir(old)
        os.rename(self.site, old)
        os.rename(self.folder, self.site)
        shutil.rmtree(old, ignore_errors=True)


def link_or_copy(source, target):
    """A hard link to an unchanged file (same bytes, no copy), or a copy where a link is
    impossible (another file system)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    return target


def recover(output_dir):
    """Repair what an interrupted build left: a site moved aside but not replaced is put
    back; folders of builds that did not finish are removed."""
    output_dir = Path(output_dir)
    site = output_dir / SITE
    olds = sorted(output_dir.glob(_OLD_PREFIX + '*'))
    if olds and not site.exists():
        os.rename(olds.pop(), site)
    for folder in [*olds, *output_dir.glob(_NEW_PREFIX + '*')]:
        shutil.rmtree(folder, ignore_errors=True)


def _exchange(first, second):
    """Swap two paths in one system call (Linux renameat2); False where it is not offered."""
    name = ctypes.util.find_library('c')
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                 _RENAME_EXCHANGE) == 0:
        return True
    if ctypes.get_errno() in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    code = ctypes.get_errno()
    raise OutputError(f'cannot put the new site in place: {os.strerror(code)}', second,
                      hint='check the permissions of the output folder')
