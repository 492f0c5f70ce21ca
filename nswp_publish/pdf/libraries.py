"""Importing WeasyPrint without a subprocess for each name of each library it tries.

WeasyPrint loads Pango, HarfBuzz, fontconfig and GObject through cffi, trying several
names for each (`libpango-1.0-0`, `pango-1.0-0`, `pango-1.0`, ... for every platform).
cffi asks `ctypes.util.find_library` about each name that is not a file, and on Linux
that runs `ldconfig -p` and, for a name the linker does not know, gcc and ld: 22 lookups,
16 of them misses, some 0.24 s of a 0.5 s import, in every process that lays out a PDF.
Here the linker's cache is read once per process and the same questions are answered
from it, as `find_library` answers them first. A name it does not know is left unfound,
as gcc and ld would leave it here: the next name WeasyPrint tries is the library's file
name (`libpango-1.0.so.0`), which the dynamic loader finds by itself, wherever it is.
"""
import ctypes.util
import functools
import os
import re
import shutil
import struct
import subprocess
import sys

#: `ctypes.util`'s names for the linker cache's ABI labels, by machine and word size.
_ABI_TYPES = {'x86_64-64': 'libc6,x86-64', 'ppc64-64': 'libc6,64bit',
              'sparc64-64': 'libc6,64bit', 's390x-64': 'libc6,64bit', 'ia64-64': 'libc6,IA-64'}


@functools.lru_cache(maxsize=None)
def linker_cache():
    """The output of `ldconfig -p` (bytes), or None where there is no such command."""
    command = shutil.which('ldconfig') or ('/sbin/ldconfig' if os.path.exists('/sbin/ldconfig')
                                           else None)
    if command is None:
        return None
    try:
        result = subprocess.run([command, '-p'], stdin=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                env={'LC_ALL': 'C', 'LANG': 'C'}, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout


def find_library(name):
    """`ctypes.util.find_library(name)` answered from the linker's cache, read once."""
    cache = linker_cache()
    if cache is None:
        return _find_library(name)
    machine = os.uname().machine + ('-32' if struct.calcsize('l') == 4 else '-64')
    abi_type = _ABI_TYPES.get(machine, 'libc6')
    found = re.search(os.fsencode(rf'\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi_type}'), cache)
    return os.fsdecode(found.group(1)) if found else None


_find_library = ctypes.util.find_library


def import_weasyprint():
    """The `weasyprint` module, imported with `find_library` above (and only then)."""
    if 'weasyprint' in sys.modules:
        return sys.modules['weasyprint']
    ctypes.util.find_library = find_library
    try:
        import weasyprint
    finally:
        ctypes.util.find_library = _find_library
    return weasyprint
