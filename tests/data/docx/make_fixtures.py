"""Make the LibreOffice fixtures and the refused inputs of the tests.

LibreOffice writes every .docx here from a Flat ODT (.fodt) written below, so each feature
the importer reads (styles, notes, nested lists, merged cells, alt text, tracked changes,
comments) is in a real Word file made by a real word processor, not by a hand-written zip.
The refused inputs are made from those files (a PDF renamed .docx, a Word 97 .doc, a
truncated zip, a zip bomb, a .docm, an external picture).

Run: python3 tests/data/docx/make_fixtures.py (writes libreoffice/ and refused/ here). The two
zip bombs (300 MB of zeros each, 300 KB on disk) are not kept: the tests make them with
`make_bombs`.
Needs soffice (Debian: libreoffice-writer). Takes a few seconds per conversion.
"""
import argparse
import base64
import os
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:xlink="http://www.w3.org/1999/xlink" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"')


def png(width, height, rgb=(200, 30, 40)):
    """A small solid PNG, written by hand so the fixtures need no image library."""
    raw = b''.join(b'\x00' + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
                + struct.pack('>I', zlib.crc32(kind + data)))
    return (b'\x89PNG\r\n\x1a\n'
            + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


STYLES = """
<office:styles>
  <style:style style:name="Standard" style:family="paragraph" style:class="text"/>
  <style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard"/>
  <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter"/>
  <style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter"/>
  <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="1" style:class="text"/>
  <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="2" style:class="text"/>
  <style:style style:name="Heading_20_3" style:display-name="Heading 3" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="3" style:class="text"/>
  <style:style style:name="Quotations" style:family="paragraph" style:parent-style-name="Standard" style:class="html">
    <style:paragraph-properties fo:margin-left="1cm" fo:margin-right="1cm"/>
  </style:style>
  <style:style style:name="Case_20_study" style:display-name="Case study" style:family="paragraph" style:parent-style-name="Text_20_body">
    <style:paragraph-properties fo:background-color="#eeeeee"/>
  </style:style>
  <style:style style:name="Sidebar_20_note" style:display-name="Sidebar note" style:family="paragraph" style:parent-style-name="Text_20_body"/>
  <style:style style:name="Caption" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"/>
  <style:style style:name="Figure" style:family="paragraph" style:parent-style-name="Caption" style:class="extra"/>
  <style:style style:name="Footnote" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"/>
  <style:style style:name="Endnote" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"/>
  <style:style style:name="Strong_20_Emphasis" style:display-name="Strong Emphasis" style:family="text">
    <style:text-properties fo:font-weight="bold"/>
  </style:style>
</office:styles>
<office:automatic-styles>
  <style:style style:name="B" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
  <style:style style:name="I" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>
  <style:style style:name="SUP" style:family="text"><style:text-properties style:text-position="super 58%"/></style:style>
  <style:style style:name="SUB" style:family="text"><style:text-properties style:text-position="sub 58%"/></style:style>
  <text:list-style style:name="LB">
    <text:list-level-style-bullet text:level="1" text:bullet-char="•"><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" fo:text-indent="-0.5cm" fo:margin-left="1cm"/></style:list-level-properties></text:list-level-style-bullet>
    <text:list-level-style-bullet text:level="2" text:bullet-char="◦"><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" fo:text-indent="-0.5cm" fo:margin-left="2cm"/></style:list-level-properties></text:list-level-style-bullet>
  </text:list-style>
  <text:list-style style:name="LN">
    <text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" fo:text-indent="-0.5cm" fo:margin-left="1cm"/></style:list-level-properties></text:list-level-style-number>
    <text:list-level-style-number text:level="2" style:num-suffix=")" style:num-format="a"><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" fo:text-indent="-0.5cm" fo:margin-left="2cm"/></style:list-level-properties></text:list-level-style-number>
  </text:list-style>
</office:automatic-styles>
"""


def fodt(body, meta=''):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {NS} office:version="1.3" '
            f'office:mimetype="application/vnd.oasis.opendocument.text">'
            f'<office:meta>{meta}</office:meta>{STYLES}'
            f'<office:body><office:text>{body}</office:text></office:body></office:document>\n')


def p(text, style='Text_20_body'):
    return f'<text:p text:style-name="{style}">{text}</text:p>'


def h(text, level):
    return (f'<text:h text:style-name="Heading_20_{level}" text:outline-level="{level}">'
            f'{text}</text:h>')


def span(text, style):
    return f'<text:span text:style-name="{style}">{text}</text:span>'


def note(text, kind, number):
    return (f'<text:note text:id="{kind}{number}" text:note-class="{kind}">'
            f'<text:note-citation>{number}</text:note-citation><text:note-body>'
            f'{p(text, "Footnote" if kind == "footnote" else "Endnote")}'
            f'</text:note-body></text:note>')


def items(style, *entries):
    """A list: each entry is a string or (string, [nested entries])."""
    def item(entry):
        text, nested = (entry, None) if isinstance(entry, str) else entry
        inner = items(None, *nested) if nested else ''
        return f'<text:list-item>{p(text, "Standard")}{inner}</text:list-item>'
    name = f' text:style-name="{style}"' if style else ''
    return f'<text:list{name}>{"".join(item(e) for e in entries)}</text:list>'


def cell(text, columns=1, rows=1):
    spans = ''
    if columns > 1:
        spans += f' table:number-columns-spanned="{columns}"'
    if rows > 1:
        spans += f' table:number-rows-spanned="{rows}"'
    return f'<table:table-cell office:value-type="string"{spans}>{p(text, "Standard")}</table:table-cell>'


COVERED = '<table:covered-table-cell/>'


def image(alt, title, data):
    encoded = base64.b64encode(data).decode()
    return (f'<draw:frame draw:name="Picture 1" text:anchor-type="as-char" svg:width="3cm" '
            f'svg:height="2cm"><draw:image><office:binary-data>{encoded}</office:binary-data>'
            f'</draw:image><svg:title>{title}</svg:title><svg:desc>{alt}</svg:desc></draw:frame>')


RICH_META = ('<dc:title>A prototype report from the document properties</dc:title>'
             '<meta:initial-creator>NSWP Secretariat</meta:initial-creator>'
             '<dc:creator>NSWP Secretariat</dc:creator>'
             '<meta:keyword>sex work</meta:keyword><meta:keyword>consultation</meta:keyword>')


def rich_body():
    return ''.join([
        p('Listening to members', 'Title'),
        p('How the importer reads a Word document', 'Subtitle'),
        h('Introduction', 1),
        p(f'Plain text, {span("bold", "B")}, {span("italic", "I")}, '
          f'<text:a xlink:type="simple" xlink:href="https://www.nswp.org/">a link</text:a>, '
          f'H{span("2", "SUB")}O and 10{span("3", "SUP")} members.'),
        p(f'A footnote{note("The first footnote, with *stars* and {braces}.", "footnote", 1)} '
          f'and an endnote{note("An endnote at the end of the document.", "endnote", 1)}.'),
        p(f'Key words in the {span("Strong Emphasis", "Strong_20_Emphasis")} character style.'),
        h('Lists', 2),
        items('LB', ('Bullet one', ['Nested bullet A', 'Nested bullet B']), 'Bullet two'),
        items('LN', 'Step one', ('Step two', ['Step two (a)']), 'Step three'),
        h('A table', 3),
        p('Members by region', 'Caption'),
        '<table:table table:name="Table1"><table:table-column table:number-columns-repeated="3"/>'
        '<table:table-header-rows><table:table-row>'
        + cell('Region') + cell('Members', columns=2) + COVERED +
        '</table:table-row></table:table-header-rows>'
        '<table:table-row>' + cell('Africa', rows=2) + cell('12') + cell('45%') + '</table:table-row>'
        '<table:table-row>' + COVERED + cell('7') + cell('2015') + '</table:table-row>'
        '<table:table-row>' + cell('Europe') + cell('30') + cell('about 55%') + '</table:table-row>'
        '</table:table>',
        h('Findings', 1),
        p('“NSWP is a global voice that has removed barriers for sex work around the world.”',
          'Quotations'),
        p(span('Consulting members beyond the review', 'B'), 'Case_20_study'),
        p(f'The {span("Consensus Statement", "I")} was produced after an 18-month consultation.',
          'Case_20_study'),
        p('A paragraph in a style that nobody mapped.', 'Sidebar_20_note'),
        p(image('Sex workers marching behind a red umbrella banner', 'March', png(30, 20)),
          'Standard'),
        p('A march in 2015', 'Caption'),
        p('The last paragraph.'),
    ])


def changes_body():
    """Tracked changes (an insertion, a deletion) and a comment, for the refusal tests."""
    tracked = (
        '<text:tracked-changes>'
        '<text:changed-region text:id="ct1"><text:insertion><office:change-info>'
        '<dc:creator>Editor One</dc:creator><dc:date>2026-01-05T10:00:00</dc:date>'
        '</office:change-info></text:insertion></text:changed-region>'
        '<text:changed-region text:id="ct2"><text:deletion><office:change-info>'
        '<dc:creator>Editor Two</dc:creator><dc:date>2026-01-06T10:00:00</dc:date>'
        '</office:change-info><text:p>old words </text:p></text:deletion></text:changed-region>'
        '</text:tracked-changes>')
    comment = ('<office:annotation office:name="c1"><dc:creator>Reviewer Three</dc:creator>'
               '<dc:date>2026-01-07T10:00:00</dc:date><text:p>Check this figure with the '
               'survey team.</text:p></office:annotation>')
    return tracked + ''.join([
        h('Changes', 1),
        p('This text has <text:change-start text:change-id="ct1"/>new words '
          '<text:change-end text:change-id="ct1"/>and <text:change text:change-id="ct2"/>'
          'kept words.'),
        p(f'The survey had {comment}41 answers<office:annotation-end office:name="c1"/> '
          'from members.'),
    ])


def comment_only_body():
    comment = ('<office:annotation office:name="c9"><dc:creator>Reviewer Four</dc:creator>'
               '<dc:date>2026-01-08T10:00:00</dc:date><text:p>Is this right?</text:p>'
               '</office:annotation>')
    return ''.join([h('Comments', 1),
                    p(f'A sentence with {comment}a commented phrase'
                      '<office:annotation-end office:name="c9"/> in it.')])


def soffice(source, target_dir, filter_spec):
    """Convert with a private profile (no clash with another soffice) and return the file."""
    profile = Path(tempfile.gettempdir()) / 'docx-import-lo-profile'
    env = dict(os.environ, HOME=str(profile))
    subprocess.run(['soffice', f'-env:UserInstallation=file://{profile}', '--headless',
                    '--convert-to', filter_spec, '--outdir', str(target_dir), str(source)],
                   check=True, capture_output=True, env=env, timeout=180)
    extension = filter_spec.split(':')[0]
    return Path(target_dir) / f'{Path(source).stem}.{extension}'


def make_libreoffice(out):
    out.mkdir(parents=True, exist_ok=True)
    made = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, body, meta in [('lo-rich', rich_body(), RICH_META),
                                 ('lo-changes', changes_body(), ''),
                                 ('lo-comment', comment_only_body(), '')]:
            source = Path(tmp) / f'{name}.fodt'
            source.write_text(fodt(body, meta), encoding='utf-8')
            shutil.copy(source, out / source.name)
            made.append(soffice(source, out, 'docx:MS Word 2007 XML'))
        made.append(soffice(out / 'lo-rich.docx', Path(tmp), 'doc:MS Word 97'))
        shutil.move(made[-1], out / 'lo-rich.doc')
        made[-1] = out / 'lo-rich.doc'
        made.append(soffice(out / 'lo-rich.docx', Path(tmp), 'pdf'))
        shutil.move(made[-1], out / 'lo-rich.pdf')
        made[-1] = out / 'lo-rich.pdf'
        made.append(soffice(out / 'lo-rich.docx', Path(tmp), 'docm:MS Word 2007 XML VBA'))
        shutil.move(made[-1], out / 'lo-rich-lo.docm')
        made[-1] = out / 'lo-rich-lo.docm'
    return made


def make_refused(source_docx, pdf, out):
    """The refused inputs, each from a real document."""
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, out / 'pdf-renamed.docx')
    shutil.copy(source_docx.with_suffix('.doc'), out / 'word97-renamed.docx')
    data = source_docx.read_bytes()
    (out / 'truncated.docx').write_bytes(data[:len(data) // 2])
    with zipfile.ZipFile(source_docx) as original, \
            zipfile.ZipFile(out / 'macro.docx', 'w', zipfile.ZIP_DEFLATED) as docm:
        # What Word writes for a .docm: the macro-enabled main part and a vbaProject.bin.
        for info in original.infolist():
            content = original.read(info)
            if info.filename == '[Content_Types].xml':
                content = content.replace(
                    b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
                    b'application/vnd.ms-word.document.macroEnabled.main+xml').replace(
                    b'</Types>', b'<Default Extension="bin" '
                    b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            docm.writestr(info, content)
        docm.writestr('word/vbaProject.bin', b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + bytes(504))
    with zipfile.ZipFile(source_docx) as original, \
            zipfile.ZipFile(out / 'external-image.docx', 'w', zipfile.ZIP_DEFLATED) as linked:
        # Word's "Insert > Pictures > Link to File": the picture's relationship points outside.
        for info in original.infolist():
            content = original.read(info)
            if info.filename == 'word/_rels/document.xml.rels':
                start = content.index(b'relationships/image"')
                target = content.index(b'Target="', start) + len(b'Target="')
                end = content.index(b'"', target)
                content = (content[:target] + b'https://tracker.example.org/pixel.png'
                           + content[end:end + 1] + b' TargetMode="External"' + content[end + 1:])
            linked.writestr(info, content)
    return sorted(out.iterdir())


def make_bombs(source_docx, out):
    """Two zip bombs from a real document: 300 MB of zeros as a part that says so, and the
    same part declaring 1 KB. Returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source_docx) as original, \
            zipfile.ZipFile(out / 'zip-bomb.docx', 'w', zipfile.ZIP_DEFLATED) as bomb:
        for info in original.infolist():
            bomb.writestr(info, original.read(info))
        with bomb.open('word/media/zeros.bin', 'w') as stream:     # 300 MB of zeros
            block = bytes(1024 * 1024)
            for _ in range(300):
                stream.write(block)
    lie_about_size(out / 'zip-bomb.docx', out / 'zip-bomb-lying.docx')
    return out / 'zip-bomb.docx', out / 'zip-bomb-lying.docx'


def lie_about_size(bomb, target):
    """The same bomb with its declared size rewritten to 1 KB and its CRC to match: Python's
    zipfile reads 1 KB and is satisfied; only inflating the whole stream tells."""
    data = bytearray(bomb.read_bytes())
    name = b'word/media/zeros.bin'
    for signature, size_offset in ((b'PK\x03\x04', 22), (b'PK\x01\x02', 24)):
        position = 0
        while (position := data.find(signature, position)) != -1:
            name_length_at = 26 if signature == b'PK\x03\x04' else 28
            name_length = struct.unpack_from('<H', data, position + name_length_at)[0]
            name_at = position + (30 if signature == b'PK\x03\x04' else 46)
            if bytes(data[name_at:name_at + name_length]) == name:
                # Declared size 1 KB, and the CRC of 1 KB of zeros: zipfile alone accepts it.
                struct.pack_into('<I', data, position + size_offset, 1024)
                struct.pack_into('<I', data, position + size_offset - 8,
                                 zlib.crc32(bytes(1024)))
            position += 4
    target.write_bytes(bytes(data))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', type=Path, default=HERE / 'libreoffice')
    options = parser.parse_args()
    made = make_libreoffice(options.out)
    refused = make_refused(options.out / 'lo-rich.docx', options.out / 'lo-rich.pdf',
                           HERE / 'refused')
    for path in [*made, *refused]:
        print(f'{path.stat().st_size:>10}  {path.relative_to(HERE)}')


if __name__ == '__main__':
    main()
