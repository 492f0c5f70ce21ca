"""What `build.py test` needs beyond the build, installed before the tests run.

The build's own set-up (`bootstrap`) installs fonts, libraries and the test tools that pip
brings. The tests also drive Debian's chromium (through Playwright: axe-core, keyboard,
reflow), LibreOffice Writer (a real word processor's .docx for the Word import) and run
npm packages pinned in package-lock.json (axe-core). A new machine's first
`python3 build.py test` installs them too, as root with apt-get and npm, or stops with the
exact command to run: the suite never quietly skips what it could not find.
"""
import hashlib
import os
import shutil
import subprocess
import sys

from . import bootstrap

#: Debian packages the tests drive, each with how to tell it is there (as `bootstrap`).
TEST_PACKAGES = {
    'chromium': ('command', 'chromium'),
    'npm': ('command', 'npm'),
    'libreoffice-writer': ('command', 'soffice'),
}
#: Written into node_modules once `npm ci` installed package-lock.json's packages there.
NPM_STAMP = '.nswp-npm-ci'


def ensure_test_tools(root):
    """Install the Debian packages and npm packages the tests need; return when all are there."""
    def missing():
        return bootstrap.missing_packages(TEST_PACKAGES)
    bootstrap.install_packages(missing(), missing, 'python3 build.py test')
    ensure_npm_packages(root)


def ensure_npm_packages(root):
    """`npm ci` when node_modules does not hold exactly package-lock.json's packages."""
    lock = root / 'package-lock.json'
    if not lock.is_file():
        return
    stamp = root / 'node_modules' / NPM_STAMP
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if stamp.is_file() and stamp.read_text() == digest:
        return
    npm = shutil.which('npm')
    print('Installing the npm packages the tests use (npm ci)', file=sys.stderr)
    result = subprocess.run([npm, 'ci', '--no-audit', '--no-fund', '--loglevel=error'],
                            # Never a browser download: npm packages use Debian's chromium.
                            cwd=root, env={**os.environ, 'PUPPETEER_SKIP_DOWNLOAD': '1'})
    if result.returncode != 0:
        bootstrap.fail(f'npm ci failed in {root} (run it yourself: cd {root} && npm ci)')
    stamp.write_text(digest)

