"""Running pandoc, the reader of Word documents: its JSON AST of a checked copy.

Pandoc (from the `pypandoc-binary` wheel, which bundles a recent one: Debian 12's 2.17 lacks
the Figure block) reads the OOXML, with its decades of corner cases; this package only
turns its AST into content. It runs with `--sandbox` (it reads nothing but the one file)
and a heap limit, so a hostile document cannot make it read other files or take the
machine's memory.
"""
import functools
import json
import subprocess

import pypandoc

from ..errors import DocumentError
from .package import refused

PANDOC_TIMEOUT = 300            # seconds, per pandoc run
PANDOC_MEMORY = '3g'            # GHC heap limit (+RTS -M): a runaway document stops here
#: The oldest pandoc AST read here (1.23 added Figure blocks; Debian 12's pandoc 2.17
#: writes 1.22).
PANDOC_API = (1, 23)


def pandoc_path():
    """The pandoc of the pypandoc-binary wheel (a recent pandoc; Debian's is too old)."""
    try:
        return pypandoc.get_pandoc_path()
    except OSError:
        raise DocumentError('pandoc, which reads Word documents, is not installed',
                            hint='run python3 build.py once (it installs pyproject.toml\'s '
                                 'packages), or: .venv/bin/pip install pypandoc-binary') from None


@functools.lru_cache(maxsize=None)
def pandoc_version():
    result = subprocess.run([pandoc_path(), '--version'], capture_output=True, text=True,
                            timeout=60, check=True)
    return result.stdout.split()[1]


def run_pandoc(path, source, track, media_dir=None, styles=True):
    """The JSON AST of `source` (the checked copy), with tracked changes `track`
    (all, accept or reject), with paragraph styles as Divs (`styles`) or without.
    `--sandbox` keeps pandoc from reading anything else."""
    command = [pandoc_path(), '+RTS', f'-M{PANDOC_MEMORY}', '-RTS', '--sandbox',
               '-f', 'docx+styles' if styles else 'docx', '-t', 'json',
               f'--track-changes={track}']
    if media_dir:
        command.append(f'--extract-media={media_dir}')
    command.append(str(source))
    try:
        result = subprocess.run(command, capture_output=True, timeout=PANDOC_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise refused(path, f'pandoc took more than {PANDOC_TIMEOUT} s to read it',
                              'split the document, or report it as a bug') from None
    if result.returncode != 0:
        message = result.stderr.decode('utf-8', 'replace').strip().splitlines()
        raise refused(path, 'pandoc could not read it: '
                              + (message[0] if message else f'exit {result.returncode}'),
                              'open it in Word and save it again as .docx')
    tree = json.loads(result.stdout)
    api = tuple(tree.get('pandoc-api-version', [0])[:2])
    if api < PANDOC_API:
        raise refused(path, f'pandoc is too old (its AST is {api}, this needs '
                              f'{PANDOC_API})', 'pip install -U pypandoc-binary')
    return tree


