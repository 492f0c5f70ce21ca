"""Compiled templates kept on disk between builds (`render.renderer._TemplateCache`): each
build process loads them instead of compiling every template again."""
import gettext

import jinja2
import pytest

from nswp_publish.render import renderer
from nswp_publish.render.renderer import Renderer

from conftest import ROOT


class _Interface(gettext.NullTranslations):
    shown_in_source = frozenset()


@pytest.fixture
def templates(tmp_path, monkeypatch):
    monkeypatch.setattr(renderer, 'CACHE_DIR', tmp_path / 'cache')
    folder = tmp_path / 'templates'
    folder.mkdir()
    (folder / 'page.html').write_text('<p>{{ _("Hello") }}, {{ name }}</p>\n')
    return folder


def _render(folder, name='world'):
    from nswp_publish.languages import read_languages
    return Renderer([folder], read_languages(ROOT / 'locales')).render(
        'page.html', _Interface(), name=name)


def test_a_new_process_loads_the_compiled_template_and_an_edit_recompiles_it(
        templates, monkeypatch):
    assert _render(templates) == '<p>Hello, world</p>'
    assert len(list((templates.parent / 'cache').glob('templates-*/*'))) == 1
    compiled = []
    compile_template = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return compile_template(self, source, name, filename, *args, **kwargs)
    monkeypatch.setattr(jinja2.Environment, 'compile', counting)
    assert _render(templates, 'again') == '<p>Hello, again</p>'      # a fresh environment
    assert compiled == []
    (templates / 'page.html').write_text('<p>{{ _("Goodbye") }}, {{ name }}</p>\n')
    assert _render(templates) == '<p>Goodbye, world</p>'
    assert compiled == ['page.html']


def test_a_cache_that_cannot_be_written_is_no_error(templates):
    (templates.parent / 'cache').write_text('a file where the folder should be')
    assert _render(templates) == '<p>Hello, world</p>'


def test_the_cache_folder_is_named_for_jinja_and_the_settings_that_shape_compiled_code(
        templates, monkeypatch):
    _render(templates)
    monkeypatch.setitem(renderer._COMPILING, 'trim_blocks', False)
    _render(templates)
    assert len(list((templates.parent / 'cache').glob('templates-*'))) == 2
