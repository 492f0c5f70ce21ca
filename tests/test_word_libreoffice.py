"""The Strategic Review through a real word processor and back: its English web edition,
opened and saved as .docx by LibreOffice, then imported. Every paragraph, list item,
footnote and table cell must come back with the same text.

The HTML is the build's own, with two changes a person saving it from a browser for Word
would not need to make by hand and LibreOffice needs: footnote calls and notes written as
LibreOffice's own HTML footnotes (`sdfootnote`, which its HTML import reads as Word
footnotes), and the SVG figures left out (LibreOffice links pictures of an HTML page
instead of storing them, which the import refuses). LibreOffice runs once per module.
"""
import os
import shutil
import subprocess

import lxml.html
import pytest
from lxml import etree

from nswp_publish.build.pipeline import Builder
from nswp_publish.content import markup
from nswp_publish.project import BuildRequest, Project
from nswp_publish.wordimport.reading import read_docx

from conftest import ROOT, SLUG

SOFFICE = shutil.which('soffice')
pytestmark = pytest.mark.skipif(not SOFFICE, reason='LibreOffice (Debian: libreoffice-writer) '
                                'is not installed')


def words(text):
    return ' '.join(text.replace('\xa0', ' ').split())


def for_libreoffice(page):
    """The built page with LibreOffice's footnotes and without the SVG figures."""
    root = lxml.html.fromstring(page)
    numbers = {}
    for call in root.xpath('//a[@role="doc-noteref"]'):
        number = call.text.strip()
        numbers[call.get('href')[1:]] = number
        anchor = etree.Element('a', {'class': 'sdfootnoteanc', 'name': f'sdfootnote{number}anc',
                                     'href': f'#sdfootnote{number}sym'})
        etree.SubElement(anchor, 'sup').text = number
        outer = call.getparent() if call.getparent().tag == 'sup' else call
        anchor.tail = outer.tail
        outer.getparent().replace(outer, anchor)
    section = root.xpath('//section[@role="doc-endnotes"]')[0]
    body = root.find('body')
    for item in section.xpath('.//li'):
        number = numbers[item.get('id')]
        for back in item.xpath('.//a[@role="doc-backlink"]'):
            back.getparent().remove(back)
        note = etree.SubElement(body, 'div', {'id': f'sdfootnote{number}'})
        paragraph = etree.SubElement(note, 'p')
        etree.SubElement(paragraph, 'a', {
            'class': 'sdfootnotesym', 'name': f'sdfootnote{number}sym',
            'href': f'#sdfootnote{number}anc'}).text = number
        paragraph.extend(list(item))
    section.getparent().remove(section)
    for svg in root.xpath('//*[local-name()="svg"]'):
        svg.getparent().remove(svg)
    return lxml.html.tostring(root, doctype='<!DOCTYPE html>', encoding='utf-8')


def expected_texts(page):
    """What a reader of the web edition reads: the paragraphs and list items of the
    chapters, the footnotes and each table's rows of cells (footnote calls left out)."""
    root = lxml.html.fromstring(page)
    for call in root.xpath('//a[@role="doc-noteref"]'):
        outer = call.getparent() if call.getparent().tag == 'sup' else call
        outer.drop_tree()
    for back in root.xpath('//a[@role="doc-backlink"]'):
        back.drop_tree()
    main = root.xpath('//main')[0]
    figures = set(main.xpath('.//figure[not(contains(@class, "table"))]//*'))
    # A list item is one text, with the paragraphs inside it (as the schema has it).
    paragraphs = [words(e.text_content()) for e in main.xpath(
                  './/p[not(ancestor::li)] | .//li[not(.//ul) and not(.//ol)]')
                  if e not in figures and words(e.text_content())]
    notes = [words(li.text_content()) for li in root.xpath('//section[@role="doc-endnotes"]//li')]
    tables = [[[words(cell.text_content()) for cell in row.xpath('./th | ./td')]
               for row in table.xpath('.//tr')] for table in main.xpath('.//table')]
    return paragraphs, notes, tables


def imported_texts(doc):
    def plain(text):
        return words(markup.render_plain(text))

    paragraphs, tables = [], []

    def visit(value):
        if isinstance(value, dict):
            if 'table' in value:
                table = value['table']
                header = table['header'] if isinstance(table['header'][0], list) \
                    else [table['header']]
                tables.append([[plain(cell_text(c)) for c in row]
                               for row in header + table['rows']])
                return
            for key in ('p', 'heading'):
                if isinstance(value.get(key), str):
                    paragraphs.append(plain(value[key]))
            for key in ('bullets', 'numbered'):
                if key in value:
                    items = value[key]['items'] if isinstance(value[key], dict) else value[key]
                    for item in items:
                        paragraphs.append(plain(item if isinstance(item, str) else item['text']))
                        visit(item)
            for key, item in value.items():
                if key not in ('p', 'heading', 'bullets', 'numbered'):
                    visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)

    for chapter in doc.chapters:
        visit(chapter.blocks)
    return paragraphs, [plain(text) for text in doc.footnotes.values()], tables


def cell_text(cell):
    if isinstance(cell, dict):
        cell = cell.get('text', cell.get('value'))
        cell = cell['text'] if isinstance(cell, dict) else cell
    return str(cell)


@pytest.fixture(scope='module')
def round_trip(tmp_path_factory):
    out = tmp_path_factory.mktemp('libreoffice')
    project = Project(ROOT, out / 'output')
    Builder(project).build(BuildRequest(languages=('en',), editions=('full',),
                                        formats=('html',), publications=(SLUG,)))
    page = (project.output_dir / 'en' / f'nswp-{SLUG}-full-en.html').read_bytes()
    source = out / 'strategic-review.html'
    source.write_bytes(for_libreoffice(page))
    profile = out / 'profile'
    subprocess.run([SOFFICE, f'-env:UserInstallation=file://{profile}', '--headless',
                    '--convert-to', 'docx:MS Word 2007 XML', '--outdir', str(out),
                    str(source)], check=True, capture_output=True, timeout=300,
                   env=dict(os.environ, HOME=str(profile)))
    return expected_texts(page), read_docx(out / 'strategic-review.docx')


def test_every_paragraph_comes_back_in_order(round_trip):
    (paragraphs, _, _), doc = round_trip
    got = imported_texts(doc)[0]
    assert len(paragraphs) > 100
    # In order, each whole, each inside one paragraph read back: a paragraph that follows a
    # nested list inside a list item comes back as part of the nested list's last item
    # (LibreOffice indents it to that level). The cover and the contents add paragraphs.
    position = 0
    for text in paragraphs:
        while position < len(got) and text not in got[position]:
            position += 1
        assert position < len(got), f'not read back in order: {text}'


def test_every_footnote_comes_back(round_trip):
    (_, notes, _), doc = round_trip
    assert len(notes) == len(doc.footnotes) == 9 and imported_texts(doc)[1] == notes


def test_every_table_cell_comes_back(round_trip):
    (_, _, tables), doc = round_trip
    assert len(tables) >= 4 and imported_texts(doc)[2] == tables
