"""The command line: usage errors are one line with exit status 1; failed builds keep old files."""
import pytest

from nswp_publish.cli import main as cli


@pytest.mark.parametrize('argv, fragment', [
    (['--lang', 'xx'], "invalid choice: 'xx'"),
    (['--edition', 'poster'], 'unknown edition "poster"'),
    (['--format', 'docx'], "invalid choice: 'docx'"),
    (['--pub', 'no-such-report'], 'unknown publication "no-such-report"'),
    (['stats', '--min', '150'], "'150' is out of range: give a percentage from 0 to 100"),
])
def test_usage_errors_are_one_line_exit_1(argv, fragment, capsys):
    assert cli.main(argv) == 1
    error = capsys.readouterr().err
    assert fragment in error and error.count('\n') == 1 and 'Traceback' not in error


def test_build_prints_table_and_failed_build_keeps_previous_output(project, capsys, monkeypatch):
    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['--format', 'html']) == 0
    table = capsys.readouterr().out
    assert 'written  en    summary  html' in table
    html = project.output_dir / 'en' / 'nswp-brief-summary-en.html'
    before = html.read_bytes()

    chapter = project.content_dir / 'brief' / 'intro.yaml'
    chapter.write_text(chapter.read_text() + 'blocks: []\n')           # duplicate key
    assert cli.main(['--format', 'html']) == 1
    error = capsys.readouterr().err
    assert 'intro.yaml:13: duplicate key "blocks" (first on line 3)' in error
    assert html.read_bytes() == before
    assert not list(html.parent.glob('.*.tmp'))


def test_template_error_names_template_and_line(project, capsys, monkeypatch):
    monkeypatch.setattr(cli, 'ROOT', project.root)
    template = project.templates_dir / 'partials' / 'cover.html'
    template.write_text(template.read_text().replace('{{ pub.date }}', '{{ pub.no_such_field }}'))
    line = template.read_text().splitlines().index(
        next(row for row in template.read_text().splitlines() if 'no_such_field' in row)) + 1
    assert cli.main(['--format', 'html', '--lang', 'en']) == 1
    assert f'partials/cover.html:{line}: template error' in capsys.readouterr().err


def test_unwritable_output_is_a_clear_error(project, capsys, monkeypatch):
    monkeypatch.setattr(cli, 'ROOT', project.root)
    (project.root / 'output').write_text('a file where the output folder should be')
    assert cli.main(['--format', 'html', '--lang', 'en']) == 1
    assert 'cannot write to folder' in capsys.readouterr().err


def test_debug_shows_the_traceback(monkeypatch):
    with pytest.raises(Exception):
        cli.main(['--debug', '--pub', 'no-such-report'])
