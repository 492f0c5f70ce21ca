"""The package's layout: stages that import downward only and without cycles (import-linter's
contracts in pyproject.toml), one registry of block kinds, and no language named in code."""
import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nswp_publish.content.blocks import BLOCK_KINDS

from conftest import PROJECT_LANGUAGES, ROOT

PACKAGE = ROOT / 'nswp_publish'
LINT_IMPORTS = Path(sys.executable).parent / 'lint-imports'


def lint_imports(root):
    """import-linter's verdict on the package under `root`, with the project's contracts."""
    return subprocess.run([str(LINT_IMPORTS), '--config', str(ROOT / 'pyproject.toml'),
                           '--no-cache'], cwd=root, capture_output=True, text=True,
                          env={'PYTHONPATH': str(root), 'PATH': '/usr/bin:/bin'})


def test_the_stages_import_downward_only_and_without_cycles():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'Contracts: 2 kept, 0 broken.' in result.stdout


@pytest.mark.parametrize('module, line, broken', [
    # A stage reaching up: the content loader importing the renderer.
    ('content/model.py', 'from ..render import renderer  # noqa', 'Stages import downward only'),
    # A cycle inside a stage, even one hidden in a function.
    ('i18n/catalog.py', 'def _hidden():\n    from . import translate  # noqa',
     'No import cycle among the modules of a stage'),
])
def test_a_new_upward_import_or_cycle_fails(tmp_path, module, line, broken):
    shutil.copytree(PACKAGE, tmp_path / 'nswp_publish',
                    ignore=shutil.ignore_patterns('__pycache__'))
    path = tmp_path / 'nswp_publish' / module
    path.write_text(path.read_text() + '\n\n' + line + '\n')
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert f'{broken}' in result.stdout and 'BROKEN' in result.stdout


def test_every_block_kind_is_registered_once_with_its_template():
    """A block kind is a class in content/blocks.py, a line of the registry, and a partial."""
    assert list(BLOCK_KINDS) == [kind.name for kind in BLOCK_KINDS.values()]
    partials = {path.stem for path in (ROOT / 'templates' / 'partials').glob('*.html')}
    blocks = (ROOT / 'templates' / 'partials' / 'blocks.html').read_text()
    for name in BLOCK_KINDS:
        # Each kind is drawn by the shared blocks template, by its own partial or inline.
        assert f"'{name}'" in blocks or name in partials, name


def _code_strings(path):
    """Every string constant of a module's code, docstrings and the keys of dictionaries (CSS
    units such as 'pt') aside."""
    tree = ast.parse(path.read_text())
    skipped = {id(node.body[0].value) for node in ast.walk(tree)
               if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
               and node.body and isinstance(node.body[0], ast.Expr)
               and isinstance(node.body[0].value, ast.Constant)}
    skipped |= {id(key) for node in ast.walk(tree) if isinstance(node, ast.Dict)
                for key in node.keys}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in skipped]


def test_no_module_names_a_language():
    """What a language needs is in locales/languages.toml; the code reads it from there. The
    one code named is the language the tool itself speaks (`wording.TOOL_LANGUAGE`)."""
    codes = {*PROJECT_LANGUAGES, 'ja', 'ko', 'pt', 'ar'}
    lang_attribute = re.compile(r'lang=["\'][a-z]')
    found = [(f'{path.relative_to(ROOT)}:{line}', text)
             for path in sorted(PACKAGE.rglob('*.py'))
             for line, text in _code_strings(path)
             if text.strip() in codes or lang_attribute.search(text)]
    tool_language = [(where, text) for where, text in found
                     if where.startswith('nswp_publish/wording.py:')]
    assert tool_language == [(tool_language[0][0], 'en')] and len(found) == 1, found


def test_the_package_and_its_stages_import_nothing_heavy_for_the_command_line():
    """`--help` and planning import no Jinja, Babel or WeasyPrint."""
    probe = ('import sys; import nswp_publish.cli.main, nswp_publish.build.incremental; '
             'print(sorted(m for m in ("jinja2", "babel", "weasyprint", "markdown_it") '
             'if m in sys.modules))')
    result = subprocess.run([sys.executable, '-c', probe], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == '[]'


def test_a_parallel_build_leaves_the_pipeline_to_its_workers(tmp_path):
    """The main process of a build only plans, hands out and collects: the results its
    workers send back, unpickled, import nothing of the pipeline, and content the last
    build checked is not loaded again there."""
    output = str(tmp_path / 'out')

    def build(*options):
        probe = ('import sys; from nswp_publish.cli.main import main; '
                 f'code = main(["--output", {output!r}, "--format", "html", "--jobs", "2", '
                 f'*{list(options)!r}]); '
                 'print(code, sorted(m for m in ("jinja2", "babel", "weasyprint", "markdown_it",'
                 ' "nswp_publish.build.pipeline", "nswp_publish.content.load") '
                 'if m in sys.modules))')
        result = subprocess.run([sys.executable, '-c', probe], cwd=ROOT, capture_output=True,
                                text=True, check=True)
        return result.stdout.strip().splitlines()[-1]
    # A new output folder: this process checks the content before anything is built.
    assert build() == "0 ['markdown_it', 'nswp_publish.content.load']"
    assert build('--force') == '0 []'
