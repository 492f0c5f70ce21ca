"""A second publication made in the test (`build.py new`, then written as a two-page briefing
note with a table, its own figure, footnotes, its own stylesheet and cover): it builds in all
five languages, and the two publications never see each other's messages."""

import pytest

from nswp_publish.cli import main as cli
from nswp_publish.i18n.catalog import po_path, pot_path, read_catalog
from nswp_publish.i18n.catalog import catalog_bytes
from nswp_publish.output import write_atomic
from nswp_publish.project import Project

from conftest import SLUG, PdfText, squeeze, copy_project

BRIEF = 'briefing-note'
CHAPTER = '''\
chapter: introduction
title: Introduction
blocks:
  - p: "Criminal laws put **sex workers** at risk[^laws]."
  - table:
      caption: "Laws on sex work in five countries"
      header: ["Country", "Sex workers", "Share organised"]
      rows:
        - ["Kenya", 12345, "41%"]
        - ["Peru", 2500, "7%"]
  - id: ring
    figure:
      template: ring
      caption: "Three pillars of the response"
      labels: ["Rights", "Health", "Community"]
'''
FIGURE = '''\
{#- This publication's own figure: labels in a ring. -#}
<svg viewBox="0 0 300 80" width="300" height="80" role="img" font-family="{{ fonts_for(lang).sans }}"
     aria-label="{{ block.caption.plain }}" xmlns="http://www.w3.org/2000/svg">
  {% for label in block.labels %}
  <circle cx="{{ 50 + loop.index0 * 100 }}" cy="40" r="36" fill="#e0f2f1"/>
  <text x="{{ 50 + loop.index0 * 100 }}" y="44" text-anchor="middle" font-size="11">{{ label.plain }}</text>
  {% endfor %}
</svg>
'''
COVER = '''\
{% extends "base/short.html" %}
{% block cover %}
<header class="cover briefing-cover">
  <p class="cover-label">{{ pub.meta.editions[edition].label }}</p>
  <h1 class="cover-title">{{ pub.meta.title }}</h1>
  <p class="running-title" aria-hidden="true">{{ pub.meta.short_title }}</p>
</header>
{% endblock %}
{% block back %}<!-- the briefing's own back page -->{{ super() }}{% endblock %}
'''


def tag(text, language):
    """A stand-in translation that keeps every piece of markup of its source."""
    return f'{text} ({language}-brief)'


@pytest.fixture(scope='module')
def two_publications(tmp_path_factory):
    root = tmp_path_factory.mktemp('two') / 'project'
    copy_project(root)
    project = Project(root)
    monkey = pytest.MonkeyPatch()
    monkey.setattr(cli, 'ROOT', root)
    try:
        assert cli.main(['new', BRIEF, '--title', 'Sex work and the law']) == 0
        folder = root / 'content' / BRIEF
        assert cli.main(['--pub', BRIEF, '--format', 'html', '--lang', 'en']) == 0  # builds at once

        (folder / 'introduction.yaml').write_text(CHAPTER)
        (folder / 'footnotes.yaml').write_text('footnotes:\n  laws: "See the NSWP Global Law Map."\n')
        (folder / 'style.css').write_text(':root { --nswp-red: #006d77; }\n'
                                          '.briefing-cover { border-top: 6mm solid #006d77; }\n')
        (folder / 'templates' / 'figures').mkdir(parents=True)
        (folder / 'templates' / 'figures' / 'ring.html').write_text(FIGURE)
        (folder / 'templates' / 'short.html').write_text(COVER)
        meta = folder / 'publication.yaml'
        meta.write_text(meta.read_text() + 'stylesheet: style.css\ntemplates: templates\n')
        assert cli.main(['update', '--pub', BRIEF]) == 0
        for language in project.languages.translated:       # every declared language
            path = po_path(project.locales_dir, language, BRIEF)
            catalog = read_catalog(path, language, BRIEF)
            for message in catalog:
                if message.id:
                    message.string = tag(message.id, language)
                    message.flags.discard('fuzzy')     # update's translation-memory suggestions
            write_atomic(path, catalog_bytes(catalog))
        assert cli.main(['--pub', BRIEF, '--strict']) == 0
    finally:
        monkey.undo()
    return project


@pytest.mark.parametrize('language', ['en', 'fr', 'es', 'ru', 'zh'])
def test_briefing_note_builds_in_every_language(two_publications, language):
    output = two_publications.output_dir / language / f'nswp-{BRIEF}-summary-{language}'
    pdf = PdfText(output.with_suffix('.pdf'))
    assert len(pdf.reader.pages) <= 3
    suffix = '' if language == 'en' else f'({language}-brief)'
    assert squeeze(f'Criminal laws put sex workers at risk.{suffix}') in pdf.body
    assert squeeze(f'See the NSWP Global Law Map.{suffix}') in pdf.small     # footnote
    assert squeeze(f'Rights{suffix}') in pdf.figures                          # own figure
    number = {'en': '12,345', 'fr': '12\u202f345', 'es': '12.345', 'ru': '12\u00a0345',
              'zh': '12,345'}[language]
    assert squeeze(number) in pdf.body                                        # Babel numbers
    html = output.with_suffix('.html').read_text()
    assert 'briefing-cover' in html and '#006d77' in html                     # own cover, colours
    assert "<!-- the briefing's own back page -->" in html                    # own back block
    assert 'id="list-of-figures"' not in html                                 # summary edition only
    assert not (two_publications.output_dir / language / f'nswp-{BRIEF}-full-{language}.pdf').exists()


def test_publications_do_not_see_each_others_messages(two_publications):
    locales = two_publications.locales_dir
    brief = {m.id for m in read_catalog(pot_path(locales, BRIEF)) if m.id}
    review = {m.id for m in read_catalog(pot_path(locales, SLUG)) if m.id}
    assert 'Laws on sex work in five countries' in brief - review
    assert not [m for m in review if 'Strategic Review' in m and m in brief]
    # Only a few short words are common, and each domain translates them on its own.
    assert 'Introduction' in brief & review and len(brief & review) <= 5
    # The same English in two domains keeps two translations.
    html = (two_publications.output_dir / 'fr' / f'nswp-{BRIEF}-summary-fr.html').read_text()
    assert 'Introduction (fr-brief)' in html
    review_fr = read_catalog(po_path(locales, 'fr', SLUG), 'fr', SLUG).get('Introduction').string
    assert review_fr and 'brief' not in review_fr
    shared = read_catalog(po_path(locales, 'fr', 'messages'), 'fr', 'messages')
    assert not [m for m in shared if m.id and str(m.id) in brief]


def test_new_refuses_bad_or_taken_slugs(two_publications, capsys, monkeypatch):
    monkeypatch.setattr(cli, 'ROOT', two_publications.root)
    assert cli.main(['new', 'Bad Slug', '--title', 'x']) == 1
    assert 'not a valid slug' in capsys.readouterr().err
    assert cli.main(['new', BRIEF, '--title', 'x']) == 1
    assert 'already exists' in capsys.readouterr().err
