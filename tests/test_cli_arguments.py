"""Every command, given missing, malformed or out-of-range arguments, ends in one line.

These run `build.py` as people do, in a new process, on the real project: each is
refused while the arguments are read, before anything is loaded or built, so each
takes a fraction of a second.
"""
import socket
import subprocess
import sys

import pytest

from nswp_publish.cli import main as cli
from nswp_publish.cli import selection
from nswp_publish.errors import UsageError

from conftest import ROOT

# (arguments, a fragment of the one-line error)
BAD_ARGUMENTS = [
    # build, the default command
    (['--lang'], 'argument --lang: expected at least one argument'),
    (['--lang', 'xx'], "invalid choice: 'xx'; choose from: en, fr, es, ru, zh"),
    (['--lang', 'en', 'xx'], "invalid choice: 'xx'"),
    (['--edition'], 'argument --edition: expected at least one argument'),
    (['--edition', 'sumary'], 'unknown edition "sumary" (did you mean: summary?'),
    (['--format', 'pfd'], "invalid choice: 'pfd'; did you mean: pdf?"),
    (['--pdf', 'press'], "invalid choice: 'press'"),
    (['--jobs', '0'], "'0' is out of range: give a whole number 1 or more"),
    (['--jobs', 'two'], "'two' is not a whole number"),
    (['--output', ''], 'the folder cannot be empty'),
    (['--output', 'content'], 'content would mix the built files with the sources'),
    (['--output', 'locales/fr'], 'would mix the built files with the sources'),
    (['--output', '.'], 'would mix the built files with the sources'),
    (['--pub', 'strategic-review'], 'unknown publication "strategic-review" (did you mean: '
                                    'strategic-review-2010-15?'),
    (['--lnag', 'fr'], 'unrecognized arguments: --lnag fr (did you mean: --lang?'),
    (['build', '--edition', 'poster'], 'unknown edition "poster"'),
    # misspelt commands
    (['biuld'], 'unknown command "biuld" (did you mean: build? commands: build, extract'),
    (['stat'], 'unknown command "stat" (did you mean: stats?'),
    # extract
    (['extract', '--pub'], 'argument --pub: expected at least one argument'),
    (['extract', '--pub', 'nope'], 'unknown publication "nope"'),
    (['extract', '--lang', 'fr'], 'unrecognized arguments: --lang fr (see: python3 build.py '
                                  'extract --help)'),
    # update
    (['update', '--lang', 'de'], "invalid choice: 'de'"),
    (['update', '--lang', 'en'], "invalid choice: 'en'; choose from: fr, es, ru, zh"),
    (['stats', '--lang', 'en'], "invalid choice: 'en'; choose from: fr, es, ru, zh"),
    (['update', '--pub', 'nope'], 'unknown publication "nope"'),
    # stats
    (['stats', '--min'], 'argument --min: expected one argument'),
    (['stats', '--min', 'most'], "'most' is not a percentage"),
    (['stats', '--min', '150'], "'150' is out of range: give a percentage from 0 to 100"),
    (['stats', '--min', '-5'], 'out of range'),
    (['stats', '--min', 'nan'], 'out of range'),
    # check
    (['check', '--lang'], 'expected at least one argument'),
    (['check', '--outputs', 'fr'], 'unrecognized arguments: fr'),
    # new
    (['new'], 'the following arguments are required: slug, --title (see: python3 build.py '
              'new --help)'),
    (['new', 'a-note'], 'the following arguments are required: --title'),
    (['new', 'A Note', '--title', 'T'], 'is not a valid slug'),
    (['new', 'a-note', '--title', ' '], 'the title cannot be empty'),
    # proof
    (['proof'], 'the following arguments are required: --lang (see: python3 build.py proof '
                '--help)'),
    (['proof', '--lang', 'en'], "invalid choice: 'en'; choose from: fr, es, ru, zh"),
    (['proof', '--lang', 'fr', '--pub', 'nope'], 'unknown publication "nope"'),
    # release
    (['release', '--draft-below', '101'], 'out of range: give a percentage from 0 to 100'),
    (['release', '--draft-below', 'half'], "'half' is not a percentage"),
    (['release', '--jobs', '-1'], 'out of range'),
    (['release', '--pub', 'nope'], 'unknown publication "nope"'),
    # serve
    (['serve', '--port'], 'argument --port: expected one argument'),
    (['serve', '--port', '99999'], "'99999' is out of range: give a port number from 1 to 65535"),
    (['serve', '--port', '0'], 'out of range'),
    (['serve', '--port', 'http'], "'http' is not a port number"),
    (['serve', '--lang', 'xx'], "invalid choice: 'xx'"),
]


def run_build_py(argv, timeout=60):
    return subprocess.run([sys.executable, str(ROOT / 'build.py'), *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def assert_one_line_error(result, fragment):
    output = result.stdout + result.stderr
    assert result.returncode in (1, 2), output
    assert 'Traceback' not in output, output
    assert result.stdout == '' and result.stderr.count('\n') == 1, output
    assert result.stderr.startswith('error: ') and fragment in result.stderr, output


@pytest.mark.parametrize('argv, fragment', BAD_ARGUMENTS, ids=' '.join)
def test_bad_arguments_are_one_line(argv, fragment):
    assert_one_line_error(run_build_py(argv), fragment)


@pytest.mark.parametrize('slug, fragment', [
    ('brief', 'content/brief already exists: choose another slug'),
    ('messages', '"messages" is the name of the shared interface catalog')])
def test_new_refuses_a_slug_in_use(slug, fragment, project, monkeypatch, capsys):
    # In a copy: a `new` that went ahead would overwrite the project's files.
    monkeypatch.setattr(cli, 'ROOT', project.root)
    before = {path: path.read_bytes() for path in project.root.rglob('*') if path.is_file()}
    assert cli.main(['new', slug, '--title', 'A title']) == 1
    error = capsys.readouterr().err
    assert fragment in error and error.count('\n') == 1
    assert {path: path.read_bytes() for path in project.root.rglob('*') if path.is_file()} == before


@pytest.fixture
def busy_port():
    """A port another program listens on."""
    with socket.socket() as blocker:
        blocker.bind(('127.0.0.1', 0))
        blocker.listen()
        yield blocker.getsockname()[1]


def test_serve_on_a_busy_port_is_one_line(busy_port):
    result = run_build_py(['serve', '--port', str(busy_port)], timeout=120)
    assert_one_line_error(result, f'cannot serve on 127.0.0.1:{busy_port}: the port is in use')
    assert f'--port {busy_port + 1}' in result.stderr


def test_serve_on_a_busy_port_builds_nothing(busy_port, project, monkeypatch, capsys):
    from nswp_publish.build.pipeline import Builder
    monkeypatch.setattr(cli, 'ROOT', project.root)

    def build(*args):
        raise AssertionError('built before the port was known to be free')
    monkeypatch.setattr(Builder, 'build', build)
    assert cli.main(['serve', '--port', str(busy_port)]) == 1
    assert 'the port is in use' in capsys.readouterr().err
    assert not project.output_dir.exists()


@pytest.mark.parametrize('option, values', [
    ('--lang', ['en', 'zh']), ('--edition', ['summary', 'full']), ('--format', ['pdf', 'html']),
    ('--pub', ['brief', 'other'])])
def test_several_values_in_both_forms(option, values):
    dest = {'--lang': 'languages', '--edition': 'editions', '--format': 'formats',
            '--pub': 'publications'}[option]
    together = cli._parse([option, *values])
    repeated = cli._parse([arg for value in values for arg in (option, value)])
    assert getattr(together, dest) == getattr(repeated, dest) == values
    assert getattr(cli._parse(['build', option, *values, option, values[0]]), dest) == values


def test_several_languages_build_each(project, monkeypatch, capsys):
    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['--lang', 'en', 'fr', '--format', 'html', '--pub', 'brief']) == 0
    table = capsys.readouterr().out
    assert 'written  en    summary  html' in table and 'written  fr    summary  html' in table


def test_edition_is_checked_against_what_the_publications_declare(project, monkeypatch,
                                                                  capsys):
    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['--edition', 'full', '--format', 'html']) == 1
    assert capsys.readouterr().err == 'error: unknown edition "full" (brief declares: summary)\n'
    assert not project.output_dir.exists()


def test_editions_declared_as_names_with_settings(tmp_path):
    from nswp_publish.project import Project
    folder = tmp_path / 'content' / 'note'
    folder.mkdir(parents=True)
    (folder / 'publication.yaml').write_text(
        'slug: note\neditions:\n  briefing: {label: Briefing}\n  summary: {label: Summary}\n')
    declared = selection.declared_editions(Project(tmp_path))
    assert declared == {'note': ['briefing', 'summary']}
    assert selection.check_editions(['briefing'], declared) == ['briefing', 'summary']
    with pytest.raises(UsageError, match='did you mean: briefing'):
        selection.check_editions(['brief'], declared)


def test_an_unexpected_error_is_one_line_and_debug_shows_it(monkeypatch, capsys):
    def broken(options):
        raise ValueError('something no one\nforesaw')
    monkeypatch.setitem(cli.COMMAND_FUNCTIONS, 'stats', broken)
    assert cli.main(['stats']) == 1
    error = capsys.readouterr().err
    assert error.count('\n') == 1 and 'ValueError: something no one foresaw' in error
    assert '--debug' in error
    with pytest.raises(ValueError):
        cli.main(['--debug', 'stats'])


def test_the_guides_examples_of_errors_are_what_the_tool_prints():
    import re
    import shlex
    readme = (ROOT / 'docs' / 'publishing.md').read_text('utf-8')
    examples = re.findall(r'^\$ python3 build\.py (.*)\n(error: .*)$', readme, re.M)
    assert len(examples) >= 4
    for arguments, error in examples:
        result = run_build_py(shlex.split(arguments))
        assert result.returncode == 1 and result.stderr == error + '\n', (arguments, result.stderr)


@pytest.mark.parametrize('argv, fragment', [
    (['help'], 'Options of build (the default command)'),
    (['help', 'proof'], 'usage: build.py proof'),
    (['proof', '--help'], 'usage: build.py proof')])
def test_help(argv, fragment):
    result = run_build_py(argv)
    assert result.returncode == 0 and fragment in result.stdout, result.stderr


def test_nothing_to_build_says_what_there_is(project, monkeypatch, capsys):
    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['--lang', 'zh', '--format', 'html']) == 1
    assert capsys.readouterr().err == (
        'error: nothing to build: no publication ships in the languages and editions asked for '
        '(brief ships in en, fr (editions: summary))\n')


def test_nothing_to_proof_says_what_there_is(project, monkeypatch, capsys):
    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['proof', '--lang', 'zh']) == 1
    assert capsys.readouterr().err == (
        'error: nothing to proof: no publication ships in the languages and editions asked for '
        '(brief ships in en, fr (editions: summary))\n')
