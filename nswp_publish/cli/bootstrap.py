"""First-run set-up: the project's virtual environment and the system fonts and libraries.

This module runs under whatever `python3` the user typed, before any dependency
is installed, so it uses the standard library only (as do the modules it reads: the
project's folders and its languages' declaration, whose fonts it installs). Once `.venv`
is ready it re-executes `build.py` inside it; later runs pay one stamp comparison and an
exec.
"""
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import PublishError
from ..project import ROOT, Project

VENV = ROOT / '.venv'
STAMP = VENV / '.nswp-bootstrap'

#: Debian packages the build needs, each with how to tell it is there.
SYSTEM_PACKAGES = {
    'fontconfig': ('command', 'fc-list'),
    'libpango-1.0-0': ('library', 'pango-1.0'),
    'libpangoft2-1.0-0': ('library', 'pangoft2-1.0'),
    # Without it WeasyPrint subsets fonts with fontTools: 10x slower on Noto CJK.
    'libharfbuzz-subset0': ('library', 'harfbuzz-subset'),
    # Validates built PDFs in `build.py release`.
    'qpdf': ('command', 'qpdf'),
    # Java, which runs EPUBCheck on the EPUBs in `build.py release` and the tests.
    'default-jre-headless': ('command', 'java'),
    # GNU msgfmt, msgcat, msgmerge: `check` runs `msgfmt --check` (as Poedit does on save),
    # `release` requires it, and the tests round-trip every catalog through them.
    'gettext': ('command', 'msgfmt'),
    # A CMYK ICC profile: the output intent of `--pdf print` (PDF/X-4).
    'libgs-common': ('file', '/usr/share/color/icc/ghostscript/default_cmyk.icc'),
    # PyICU (each language's collation of acronyms and bibliographies) compiles against
    # ICU: its headers, pkg-config to find them, and a C++ compiler.
    'libicu-dev': ('file', '/usr/include/unicode/coll.h'),
    'pkg-config': ('command', 'pkg-config'),
    'g++': ('command', 'g++'),
    # Word's vector pictures (EMF, WMF) into SVG, for `import` (wordimport.metafiles).
    'emf2svg': ('command', 'emf2svg-conv'),
    'libwmf-bin': ('command', 'wmf2svg'),
}


def _venv_python():
    return VENV / 'bin' / 'python'


def _stamp_text():
    digest = hashlib.sha256((ROOT / 'pyproject.toml').read_bytes()).hexdigest()
    return f'{sys.version_info[:2]} {digest}\n'


def _font_families():
    if not shutil.which('fc-list'):
        return set()
    result = subprocess.run(
        ['fc-list', '--format', '%{family}\n'], capture_output=True, text=True)
    return {name.strip() for line in result.stdout.splitlines() for name in line.split(',')}


def font_packages():
    """{Debian package: ('fonts', families)} of the fonts each declared language is set in."""
    try:
        languages = Project(ROOT).languages
    except PublishError:
        return {}           # the build names what is wrong with the declaration, and where
    packages = {}
    for fonts in (language.fonts for language in languages.values()):
        known = packages.get(fonts.package, ('fonts', ()))[1]
        packages[fonts.package] = ('fonts', tuple(dict.fromkeys((*known, *fonts.families))))
    return packages


def missing_system_packages():
    """Return the Debian packages whose files are not on this machine: the build's own and
    those of the languages' fonts."""
    return missing_packages({**SYSTEM_PACKAGES, **font_packages()})


def missing_packages(packages):
    """The Debian packages of `packages` ({package: (kind, what)}) not on this machine."""
    import ctypes.util   # slow to import, and only needed on a first run
    families = None
    missing = []
    for package, (kind, what) in packages.items():
        if kind == 'command':
            present = shutil.which(what) is not None
        elif kind == 'library':
            present = ctypes.util.find_library(what) is not None
        elif kind == 'file':
            present = Path(what).is_file()
        else:
            families = _font_families() if families is None else families
            present = all(family in families for family in what)
        if not present:
            missing.append(package)
    return missing


def fail(message):
    """Stop with one line on stderr: the first run cannot go on without what it says."""
    print(f'error: {message}', file=sys.stderr)
    sys.exit(1)


def ensure_system_packages():
    """Install missing fonts and libraries with apt-get when we can, else say how."""
    install_packages(missing_system_packages(), missing_system_packages, 'build.py')


def install_packages(missing, still_missing, command_name):
    """Install the Debian packages `missing` with apt-get when run as root, else stop with the
    exact command to run; `still_missing()` checks afterwards, `command_name` is what to run
    again."""
    if not missing:
        return
    command = ['apt-get', 'install', '-y', '--no-install-recommends', *missing]
    can_install = shutil.which('apt-get') and hasattr(os, 'geteuid') and os.geteuid() == 0
    if not can_install:
        fail(f'missing system packages: {" ".join(missing)} '
              f'(run: sudo apt-get update && sudo {" ".join(command)})')
    print(f'Installing system packages: {" ".join(missing)}', file=sys.stderr)
    env = {**os.environ, 'DEBIAN_FRONTEND': 'noninteractive'}
    for step in (['apt-get', 'update', '-q'], command):
        if subprocess.run(step, env=env).returncode != 0:
            fail(f'"{" ".join(step)}" failed; run it yourself, then run {command_name} again')
    left = still_missing()
    if left:
        fail(f'still missing after apt-get: {" ".join(left)}')


def ensure_virtualenv():
    """Create `.venv` and install the project into it (with its test tools)."""
    if not _venv_python().exists():
        print('Creating .venv (first run)', file=sys.stderr)
        subprocess.run([sys.executable, '-m', 'venv', str(VENV)], check=True)
    print('Installing the project into .venv', file=sys.stderr)
    result = subprocess.run(
        [str(_venv_python()), '-m', 'pip', 'install', '--quiet',
         '--disable-pip-version-check', '-e', f'{ROOT}[test]'])
    if result.returncode != 0:
        fail(f'pip could not install the project into {VENV} '
              f'(delete {VENV} and run build.py again)')


def compile_own_code():
    """Write the package's bytecode where it is stale, as pip does for an installed
    package (ours is installed editable, so pip does not). Where PYTHONDONTWRITEBYTECODE
    is set, as on many CI machines, Python would otherwise compile the whole package
    again in every process of every build: a fifth of a second in each worker. Checking
    that it is current costs a few milliseconds; a read-only checkout just goes without."""
    import compileall
    try:
        compileall.compile_dir(ROOT / 'nswp_publish', quiet=2)
    except OSError:
        pass


def ensure_environment(argv):
    """Make sure we run inside a ready `.venv`; re-exec there if we are not."""
    if sys.version_info < (3, 11):
        fail('Python 3.11 or newer is needed (run: python3.11 build.py ...)')
    if not (STAMP.exists() and STAMP.read_text() == _stamp_text()):
        # A first run, or pyproject.toml changed since `.venv` was set up (a new
        # dependency, say): also when run as `.venv/bin/python build.py`, which would
        # otherwise fail later on a missing module.
        ensure_system_packages()
        ensure_virtualenv()
        STAMP.write_text(_stamp_text())
    if Path(sys.prefix).resolve() == VENV.resolve():
        compile_own_code()
        return
    python = str(_venv_python())
    os.execv(python, [python, str(ROOT / 'build.py'), *argv])
