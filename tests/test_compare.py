"""`check --outputs`: the built editions of all languages compared with the English."""
import re
import shutil

import pytest

from nswp_publish.build.pipeline import Builder
from nswp_publish.cli import catalogs
from nswp_publish.cli import main as cli
from nswp_publish.content.load import load_publications
from nswp_publish.project import BuildRequest, Project
from nswp_publish.qa.compare import compare_outputs, structure

from conftest import ROOT, SLUG


@pytest.fixture(scope='module')
def built_html(tmp_path_factory):
    project = Project(ROOT, tmp_path_factory.mktemp('compare'))
    results = Builder(project).build(BuildRequest(formats=('html',), publications=(SLUG,)))
    assert all(result.status == 'written' for result in results)
    return project


def test_shipped_languages_match_the_english(built_html):
    publication = load_publications(built_html, [SLUG])[0]
    differences, _ = compare_outputs(built_html, publication, ['fr', 'es', 'ru', 'zh'],
                                     ['summary', 'full'])
    assert [str(difference) for difference in differences] == []
    counts = structure(built_html.output_path(publication, 'en', 'full', 'html').read_text())
    assert counts['numbered sections'] == 12 and counts['boxes'] == 7
    assert counts['footnotes'] == 9 and counts['figures'] == 2 and counts['table rows'] > 20


def test_a_dropped_footnote_and_a_lost_figure_are_caught(built_html, tmp_path):
    project = Project(ROOT, tmp_path)
    shutil.copytree(built_html.output_dir, tmp_path, dirs_exist_ok=True)
    publication = load_publications(project, [SLUG])[0]
    path = project.output_path(publication, 'ru', 'summary', 'html')
    html = path.read_text()
    # One note call removed, as if a translation had dropped its [^label].
    html = re.sub(r'<sup class="footnote-ref"><a [^>]*>5</a></sup>', '', html, count=1)
    path.write_text(html.replace('от 41 организации', 'от 14 организаций', 1))
    differences, _ = compare_outputs(project, publication, ['ru'], ['summary'])
    messages = [str(difference) for difference in differences]
    assert any('[ru] 8 footnotes, the English has 9' in m for m in messages), messages
    assert any("the figure '41' of content/strategic-review-2010-15/introduction.yaml" in m
               for m in messages), messages


def test_check_outputs_command(built_html, capsys):
    project = built_html
    options = cli.make_parser(project.languages).parse_args(
        ['check', '--outputs', '--lang', 'zh', '--pub', SLUG])
    assert catalogs.run_check(project, options, cli._print_table) == 0
    output = capsys.readouterr().out
    assert '0 differences' in output and 'pages' in output
