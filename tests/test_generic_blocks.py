"""General mechanisms any publication can use, on a publication made in the test: editions
of its own, numbered sections and cross-references, boxes, template blocks with counters and
refs, per-language collation of acronyms and bibliography, and empty lists left out."""
import re
import shutil
import textwrap

import pytest
from pypdf import PdfReader

from nswp_publish.cli import main as cli
from nswp_publish.content import load as content
from nswp_publish.build.pipeline import Builder
from nswp_publish.project import BuildRequest, Project

from conftest import copy_languages, ROOT, set_translations, squeeze

PUBLICATION = '''\
slug: guide
title: Community guide
short_title: Guide
date: 2027-03
editions:
  brief:
    label: Briefing paper
  easy-read:
    label: Easy read
    chapters: [rights.yaml]
  handbook:
    label: Handbook
    layout: report
languages: [en, fr, zh]
chapters: [rights.yaml, steps.yaml]
acronyms: acronyms.yaml
glossary: glossary.yaml
publications: publications.yaml
box_labels:
  note: Note
'''
RIGHTS = '''\
chapter: rights
title: Rights
blocks:
  - p: "Read [the first step](#step-1) before [the second](#step-2)."
  - box:
      kind: note
      title: Keep this guide
      blocks:
        - p: "It is yours."
  - box:
      kind: tip
      blocks:
        - p: "A box with neither label nor title."
'''
STEPS = '''\
chapter: steps
title: Steps
blocks:
  - section:
      counter: step
      title: Know the law
      blocks:
        - p: "Laws differ."
  - section:
      counter: step
      title: Find allies
  - template:
      name: checklist
      counter: item
      items:
        - text: "Call a lawyer"
          refs: [step-2]
        - text: "Read [step one](#step-1) again"
'''
CHECKLIST = '''\
<ol class="checklist">
{% for item in block['items'] %}
<li id="{{ item.id }}">{{ item.number }}: {{ item.text }}{% if item.get('refs') %} ({{ linked_list(item.refs) }}){% endif %}</li>
{% endfor %}
</ol>
'''
ACRONYMS = '''\
acronyms:
  WHO: World Health Organization
  HIV: human immunodeficiency virus
  ECOSOC: Economic and Social Council
'''
GLOSSARY = '''\
glossary:
  Outreach: "Going to where sex workers work."
  Criminalisation: "Laws that punish."
  Empowerment: "Gaining power over one's own life."
'''
PUBLICATIONS = '''\
publications:
  - {id: zeta, title: "Zeta", author: "Zhang Wei", year: 2020}
  - {id: alpha, title: "Alpha", author: "Ålund", year: 2019}
  - {id: beta, title: "Beta", author: "Abbott", year: 2018}
'''


@pytest.fixture(scope='module')
def guide(tmp_path_factory):
    root = tmp_path_factory.mktemp('guide') / 'project'
    shutil.copytree(ROOT / 'templates', root / 'templates')
    copy_languages(root)
    for language in ('fr', 'zh'):        # the shared interface translations
        shutil.copytree(ROOT / 'locales' / language, root / 'locales' / language,
                        ignore=shutil.ignore_patterns('strategic-review-*'))
    folder = root / 'content' / 'guide'
    (folder / 'templates' / 'blocks').mkdir(parents=True)
    for name, text in (('publication.yaml', PUBLICATION), ('rights.yaml', RIGHTS),
                       ('steps.yaml', STEPS), ('acronyms.yaml', ACRONYMS), ('glossary.yaml', GLOSSARY),
                       ('publications.yaml', PUBLICATIONS),
                       ('templates/blocks/checklist.html', CHECKLIST)):
        (folder / name).write_text(text)
    (folder / 'publication.yaml').write_text(PUBLICATION + 'templates: templates\n')
    project = Project(root)
    monkey = pytest.MonkeyPatch()
    monkey.setattr(cli, 'ROOT', root)
    assert cli.main(['update']) == 0
    monkey.undo()
    set_translations(project, 'fr', 'guide', {
        'HIV': 'VIH', 'WHO': 'OMS', 'ECOSOC': 'ECOSOC', 'Zhang Wei': 'Zhang Wei',
        'Ålund': 'Ålund', 'Abbott': 'Abbott', 'Outreach': 'Travail de proximité',
        'Criminalisation': 'Pénalisation', 'Empowerment': 'Autonomisation'})
    set_translations(project, 'zh', 'guide', {
        'HIV': '艾滋病毒', 'WHO': '世卫组织', 'ECOSOC': '经社理事会',
        'Zhang Wei': '张伟', 'Ålund': '奥伦德', 'Abbott': '阿博特',
        'Outreach': '外展', 'Criminalisation': '刑罪化', 'Empowerment': '赋权'})
    results = Builder(project, log_warnings=False).build(BuildRequest())
    assert [r.error for r in results if r.status != 'written'] == []
    return project, results


def one_chapter_project(tmp_path, slug, editions, blocks):
    """A project with one English publication of one chapter (`blocks`: its YAML lines)."""
    root = tmp_path / 'project'
    shutil.copytree(ROOT / 'templates', root / 'templates')
    copy_languages(root)
    folder = root / 'content' / slug
    folder.mkdir(parents=True)
    (folder / 'publication.yaml').write_text(textwrap.dedent(f'''\
        slug: {slug}
        title: {slug.title()}
        short_title: {slug.title()}
        date: 2027-01
        editions: {editions}
        languages: [en]
        chapters: [one.yaml]
        '''))
    (folder / 'one.yaml').write_text('chapter: one\ntitle: One\nblocks:\n' + blocks)
    return Project(root)


def html_of(project, language, edition):
    return (project.output_dir / language / f'nswp-guide-{edition}-{language}.html').read_text()


def pdf_text(project, language, edition):
    reader = PdfReader(project.output_dir / language / f'nswp-guide-{edition}-{language}.pdf')
    return [squeeze(page.extract_text()) for page in reader.pages]


def test_editions_are_the_publications_own(guide):
    project, results = guide
    names = sorted({(r.edition, r.path.name) for r in results if r.language == 'en'})
    assert names == [('brief', 'nswp-guide-brief-en.html'), ('brief', 'nswp-guide-brief-en.pdf'),
                     ('easy-read', 'nswp-guide-easy-read-en.html'),
                     ('easy-read', 'nswp-guide-easy-read-en.pdf'),
                     ('handbook', 'nswp-guide-handbook-en.html'),
                     ('handbook', 'nswp-guide-handbook-en.pdf')]
    assert 'Easy read' in html_of(project, 'en', 'easy-read')
    # An edition that lists its chapters holds only those.
    assert 'id="steps"' not in html_of(project, 'en', 'easy-read')
    assert 'id="steps"' in html_of(project, 'en', 'brief')


def test_unknown_edition_names_the_declared_ones(guide, capsys, monkeypatch):
    project, _ = guide
    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['--edition', 'summary']) == 1
    error = capsys.readouterr().err
    assert error.count('\n') == 1
    assert 'unknown edition "summary" (guide declares: brief, easy-read, handbook)' in error


def test_sections_are_numbered_and_cross_references_print_number_and_page(guide):
    project, _ = guide
    html = html_of(project, 'en', 'brief')
    assert '<article class="section section-step" id="step-2">' in html
    assert ('<a class="xref" href="#step-1">the first step\xa0<span class="xref-number">1</span></a>'
            in html)
    pages = pdf_text(project, 'en', 'brief')
    text = ''.join(pages)
    step_2_page = next(n for n, page in enumerate(pages, 1) if '2.Findallies' in page)
    assert f'thesecond2(p.{step_2_page})' in text
    assert 'thefirststep1(p.' in text


def test_counted_template_items_get_ids_numbers_and_checked_refs(guide):
    project, _ = guide
    html = html_of(project, 'en', 'brief')
    assert '<li id="item-1">1: ' in html and '(<a href="#step-2">2</a>)' in html
    assert '<li id="item-2">2: ' in html


def test_boxes_take_their_kind_as_class_and_their_label_from_the_publication(guide):
    project, _ = guide
    html = html_of(project, 'fr', 'brief')
    assert '<aside class="box box-note">' in html and '<aside class="box box-tip">' in html
    # An h2 or h3, whichever nests without a gap where the box stands (headings.py).
    title = re.split(r'</h[23]>', html.split('<aside class="box box-note">')[1])[0]
    assert re.sub(r'<[^>]+>', '', title).strip() == 'Note\u202f: Keep this guide'  # narrow no-break space
    tip = html.split('<aside class="box box-tip">')[1].split('</aside>')[0]
    assert 'box-title' not in tip                          # neither label nor title


def test_acronyms_are_translated_and_sorted_by_each_languages_collation(guide):
    project, _ = guide
    def listed(language):
        html = html_of(project, language, 'handbook')
        section = html.split('id="acronyms"')[1].split('</section>')[0]
        return [re.sub(r'<[^>]+>', '', dt) for dt in re.findall(r'<dt>(.*?)</dt>', section)]
    assert [squeeze(a) for a in listed('en')] == ['ECOSOC', 'HIV', 'WHO']
    assert [squeeze(a) for a in listed('fr')] == ['ECOSOC', 'OMS', 'VIH']
    # Chinese in pinyin order: ai (艾) < jing (经) < shi (世).
    assert [squeeze(a) for a in listed('zh')] == ['艾滋病毒', '经社理事会', '世卫组织']


def test_glossary_terms_are_translated_and_sorted_in_each_edition(guide):
    project, _ = guide
    def terms(language, edition):
        html = html_of(project, language, edition)
        section = html.split('id="glossary"')[1].split('</section>')[0]
        return [squeeze(re.sub(r'<[^>]+>', '', dt)) for dt in re.findall(r'<dt>(.*?)</dt>', section)]
    assert terms('en', 'handbook') == ['Criminalisation', 'Empowerment', 'Outreach']
    assert terms('fr', 'brief') == ['Autonomisation', 'Pénalisation', 'Travaildeproximité']
    assert terms('zh', 'handbook') == ['赋权', '外展', '刑罪化']     # fu < wai < xing
    assert 'href="#glossary"' in html_of(project, 'en', 'handbook')  # in the contents


def test_bibliography_is_sorted_by_collation(guide):
    project, _ = guide
    def authors(language):
        html = html_of(project, language, 'handbook')
        section = html.split('id="publications-cited"')[1].split('</section>')[0]
        return [re.split(r'[,，：]', squeeze(re.sub(r'<[^>]+>', '', item)))[0]
                for item in re.findall(r'<li[^>]*>(.*?)</li>', section, re.S)]
    # Å sorts with A in English (by code point it would follow Z); Chinese by pinyin:
    # a (阿) < ao (奥) < zhang (张).
    assert authors('en') == ['Abbott', 'Ålund', 'ZhangWei']
    assert authors('zh') == ['阿博特', '奥伦德', '张伟']


def test_empty_lists_are_left_out_with_their_contents_entry(tmp_path):
    """A report without figures, tables, acronyms or works cited prints none of their pages."""
    project = one_chapter_project(tmp_path, 'plain', '{report: {label: Report, layout: report}}',
                                  '  - p: "Text."\n')
    results = Builder(project, log_warnings=False).build(BuildRequest())
    assert [r.status for r in results] == ['written', 'written']
    for result in results:
        text = result.path.read_text('utf-8', 'replace') if result.fmt == 'html' else ''.join(
            page.extract_text() for page in PdfReader(result.path).pages)
        for absent in ('Figures and tables', 'Acronyms', 'Publications cited', 'Notes'):
            assert absent not in text, (result.path, absent)
        assert 'Contents' in text and 'One' in text
    assert len(PdfReader(project.output_dir / 'en' / 'nswp-plain-report-en.pdf').pages) <= 4


def test_the_core_names_no_structure_of_one_report():
    words = ('finding', 'recommendation', 'strategic', 'participation', 'regional',
             'executive', 'crossref', 'case_study', 'perspective', "edition == '",
             "edition != '", "'summary', 'full'")
    for path in (ROOT / 'nswp_publish').glob('*.py'):
        source = path.read_text('utf-8').lower()
        found = [word for word in words if word in source]
        assert not found, (path.name, found)


def test_loader_reports_a_reserved_key_in_a_template_block(tmp_path):
    folder = tmp_path / 'x'
    folder.mkdir()
    path = folder / 'c.yaml'
    path.write_text('chapter: c\ntitle: C\nblocks:\n  - template:\n      name: n\n      type: x\n')
    with pytest.raises(content.ContentError, match='"type" is a reserved key') as error:
        content.load_file(path)
    assert error.value.line == 6


def test_a_long_table_breaks_across_pages_repeating_its_header(tmp_path):
    rows = ''.join(f'        - ["Organisation {n}", {n * 1000}, "{n}%"]\n' for n in range(1, 121))
    project = one_chapter_project(
        tmp_path, 'tables', '{brief: {label: Brief}}',
        '  - id: members\n    table:\n      caption: Members\n'
        '      header: [Name, Members, Share]\n      rows:\n' + rows)
    results = Builder(project, log_warnings=False).build(BuildRequest(formats=('pdf',)))
    assert [r.status for r in results] == ['written']
    pages = [squeeze(page.extract_text()) for page in PdfReader(results[0].path).pages]
    with_rows = [page for page in pages if 'Organisation' in page]
    assert len(with_rows) >= 3
    assert all('NameMembersShare' in page for page in with_rows)      # the header repeats
    assert 'Organisation120120,000120%' in pages[-1] or any(
        'Organisation120120,000120%' in page for page in with_rows)   # nothing lost
