"""Full-text search: one Pagefind index per language, inside that language's folder.

Pagefind indexes static HTML and writes a search bundle (a WebAssembly search engine, the
index split in small files, and its UI) that the browser loads from the site itself: no
server, no network. Its *extended* binary (PyPI's `pagefind[extended]`, pinned in
pyproject.toml) is the one that segments Chinese into words; the plain one would index a
Chinese paragraph as one word. Each language is indexed on its own, in `<lang>/pagefind/`:
its pages all carry the same `<html lang>`, so the bundle holds that language's stemming and
segmentation only, a change in one language re-indexes that language only, and the result
links are relative to the bundle, so the site works under any base URL.

Pagefind writes its languages into `pagefind-entry.json` in hash-map order, which changes
from run to run; it is written again with sorted keys, so the same pages give the same bundle.
"""
import json
import subprocess

from ..errors import SiteError
from ..output import write_atomic

#: The bundle's folder, in each language's folder of the site.
BUNDLE = 'pagefind'
ENTRY = 'pagefind-entry.json'
#: How long one language's indexing may take (a few seconds here) before it is a failure.
TIMEOUT = 300


def pagefind_executable():
    """The extended Pagefind binary shipped by the `pagefind_bin_extended` wheel."""
    try:
        from pagefind_bin_extended import get_executable
        return get_executable()
    except (ImportError, FileNotFoundError):
        raise SiteError('the extended Pagefind binary (which segments Chinese) is not installed',
                        hint="run python3 build.py once, which installs the pinned dependencies, "
                             "or: .venv/bin/pip install 'pagefind[extended]==1.5.2'") from None


def index_language(folder):
    """Index the pages of one language's folder into `folder/pagefind/`; returns the number
    of pages indexed. Pages mark their text with `data-pagefind-body` (the library page
    itself has none, so search finds the publications' own pages)."""
    command = [str(pagefind_executable()), '--site', str(folder), '--output-subdir', BUNDLE,
               '--silent']
    try:
        finished = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT,
                                  check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SiteError(f'the search index could not be built: {error}', folder,
                        hint='run python3 build.py site again; with --debug to see more') from None
    entry = folder / BUNDLE / ENTRY
    if finished.returncode != 0 or not entry.is_file():
        said = (finished.stderr or finished.stdout).strip().splitlines()
        raise SiteError(f'the search index could not be built: Pagefind says: '
                        f'{said[-1] if said else f"exit status {finished.returncode}"}', folder,
                        hint='run python3 build.py site --debug')
    data = json.loads(entry.read_text('utf-8'))
    write_atomic(entry, json.dumps(data, ensure_ascii=False, sort_keys=True,
                                   separators=(',', ':')))
    return sum(language.get('page_count', 0) for language in data.get('languages', {}).values())
