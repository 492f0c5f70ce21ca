"""First-run set-up: what is missing is found, and a user who cannot install it is told
exactly what to run."""
import subprocess

import pytest

from nswp_publish.cli import bootstrap


def test_this_machine_has_everything():
    assert bootstrap.missing_system_packages() == []


def test_missing_packages_are_found(monkeypatch):
    monkeypatch.setattr(bootstrap, 'SYSTEM_PACKAGES', {
        **bootstrap.SYSTEM_PACKAGES,
        'fonts-imaginary': ('fonts', ('Imaginary Serif',)),
        'imaginary-tool': ('command', 'no-such-command-here'),
        'libimaginary0': ('library', 'no-such-library-here'),
        'imaginary-data': ('file', '/no/such/file.icc'),
    })
    assert bootstrap.missing_system_packages() == [
        'fonts-imaginary', 'imaginary-tool', 'libimaginary0', 'imaginary-data']


def test_without_root_it_says_what_to_run(monkeypatch, capsys):
    monkeypatch.setattr(bootstrap, 'missing_system_packages', lambda: ['fonts-noto-cjk'])
    monkeypatch.setattr(bootstrap.os, 'geteuid', lambda: 1000)
    with pytest.raises(SystemExit) as exit_info:
        bootstrap.ensure_system_packages()
    assert exit_info.value.code == 1
    error = capsys.readouterr().err
    assert error.startswith('error: missing system packages: fonts-noto-cjk')
    assert 'sudo apt-get install -y --no-install-recommends fonts-noto-cjk' in error


def test_the_stamp_follows_pyproject():
    text = bootstrap._stamp_text()
    assert text == bootstrap._stamp_text() and len(text.split()[-1]) == 64


@pytest.mark.parametrize('stamp, installs', [('outdated', True), (None, False)])
def test_run_inside_the_venv_it_still_installs_what_pyproject_added(
        monkeypatch, tmp_path, stamp, installs):
    """`.venv/bin/python build.py` after pyproject.toml gained a dependency installs it
    (else: a missing module later); with an up-to-date stamp it does nothing, and never
    re-executes itself."""
    stamp_path = tmp_path / '.nswp-bootstrap'
    stamp_path.write_text(stamp or bootstrap._stamp_text())
    calls = []
    monkeypatch.setattr(bootstrap, 'STAMP', stamp_path)
    monkeypatch.setattr(bootstrap.sys, 'prefix', str(bootstrap.VENV))
    monkeypatch.setattr(bootstrap, 'ensure_system_packages', lambda: calls.append('apt'))
    monkeypatch.setattr(bootstrap, 'ensure_virtualenv', lambda: calls.append('pip'))
    monkeypatch.setattr(bootstrap.os, 'execv', lambda *args: calls.append('exec'))
    bootstrap.ensure_environment(['--help'])
    assert calls == (['apt', 'pip'] if installs else [])
    assert stamp_path.read_text() == bootstrap._stamp_text()


def test_the_test_command_installs_what_the_tests_drive(monkeypatch, tmp_path):
    """`build.py test` installs chromium, npm and LibreOffice with apt-get as root, then `npm ci`, once
    per package-lock.json; not as root it stops with the exact command to run."""
    from nswp_publish.cli import testing
    installed, commands = [], []
    monkeypatch.setattr(bootstrap, 'missing_packages',
                        lambda packages: [name for name in packages if name not in installed])
    monkeypatch.setattr(bootstrap.os, 'geteuid', lambda: 0)
    monkeypatch.setattr(bootstrap.shutil, 'which', lambda name: f'/usr/bin/{name}')

    def run(command, **options):
        commands.append(command)
        if command[:2] == ['apt-get', 'install']:
            installed.extend(command[4:])
        return subprocess.CompletedProcess(command, 0)
    monkeypatch.setattr(bootstrap.subprocess, 'run', run)
    monkeypatch.setattr(testing.subprocess, 'run', run)
    (tmp_path / 'package-lock.json').write_text('{"lockfileVersion": 3}')
    (tmp_path / 'node_modules').mkdir()
    testing.ensure_test_tools(tmp_path)
    assert commands[1] == ['apt-get', 'install', '-y', '--no-install-recommends',
                           'chromium', 'npm', 'libreoffice-writer']
    assert commands[2][1:2] == ['ci']
    commands.clear()
    testing.ensure_test_tools(tmp_path)              # everything there: nothing to run
    assert commands == []


def test_the_test_command_says_what_to_run_without_root(monkeypatch, capsys, tmp_path):
    from nswp_publish.cli import testing
    monkeypatch.setattr(bootstrap, 'missing_packages', lambda packages: ['chromium'])
    monkeypatch.setattr(bootstrap.os, 'geteuid', lambda: 1000)
    with pytest.raises(SystemExit):
        testing.ensure_test_tools(tmp_path)
    error = capsys.readouterr().err
    assert error.count('\n') == 1
    assert 'sudo apt-get install -y --no-install-recommends chromium' in error
