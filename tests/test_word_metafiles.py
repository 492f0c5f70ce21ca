"""Word's vector pictures (EMF, WMF) imported as SVG (`wordimport.metafiles`), with the real
converters (emf2svg-conv, wmf2svg). The metafiles are written here, record by record, as
[MS-EMF] and [MS-WMF] define them: a red and a blue filled rectangle."""
import re
import struct
import zipfile
import xml.etree.ElementTree as ElementTree

import pytest

from nswp_publish.cli import main as cli
from nswp_publish.content.images import SVG_NS, check_svg
from nswp_publish.wordimport import metafiles
from nswp_publish.wordimport.metafiles import MetafileError, to_svg
from nswp_publish.wordimport.walker import image_kind

from conftest import ROOT

LO_RICH = ROOT / 'tests' / 'data' / 'docx' / 'libreoffice' / 'lo-rich.docx'


def emf_rectangle(rgb=(0xC8, 0x10, 0x2E), box=(10, 10, 190, 90), size=(200, 100)):
    """An EMF: its header record, a solid brush selected, a rectangle, the end record."""
    red, green, blue = rgb
    records = [
        struct.pack('<IIIIII', 39, 24, 1, 0, red | green << 8 | blue << 16, 0),  # a brush
        struct.pack('<III', 37, 12, 1),                                  # selected
        struct.pack('<II4i', 43, 24, *box),                              # a rectangle
        struct.pack('<IIIII', 14, 20, 0, 16, 20),                        # the end
    ]
    body = b''.join(records)
    header = struct.pack('<II4i4iIIIIHHIII2i2i', 1, 88, 0, 0, *size,
                         0, 0, size[0] * 26, size[1] * 26,               # frame: 0.01 mm
                         0x464D4520, 0x10000, 88 + len(body), len(records) + 1, 2, 0, 0, 0,
                         0, 1024, 768, 270, 203)                         # device px and mm
    return header + body


def wmf_rectangle(rgb=(0x1F, 0x4E, 0x79), box=(10, 10, 190, 90), size=(200, 100)):
    """A placeable WMF (as Word stores them): its window, a solid brush, a rectangle."""
    red, green, blue = rgb
    records = [
        struct.pack('<IHhh', 5, 0x020B, 0, 0),                           # window origin
        struct.pack('<IHhh', 5, 0x020C, size[1], size[0]),               # window extent
        struct.pack('<IHHIH', 7, 0x02FC, 0, red | green << 8 | blue << 16, 0),   # a brush
        struct.pack('<IHH', 4, 0x012D, 0),                               # selected
        struct.pack('<IH4h', 7, 0x041B, box[3], box[2], box[1], box[0]), # a rectangle
        struct.pack('<IH', 3, 0x0000),                                   # the end
    ]
    body = b''.join(records)
    header = struct.pack('<HHHIHIH', 1, 9, 0x0300, (18 + len(body)) // 2, 1, 7, 0)
    placeable = struct.pack('<IH4hHI', 0x9AC6CDD7, 0, 0, 0, *size, 1440, 0)
    checksum = 0
    for (word,) in struct.iter_unpack('<H', placeable):
        checksum ^= word
    return placeable + struct.pack('<H', checksum) + header + body


@pytest.mark.parametrize('kind, make', [('emf', emf_rectangle), ('wmf', wmf_rectangle)])
def test_a_metafile_becomes_a_plain_svg_the_build_accepts(kind, make, tmp_path):
    data = make()
    assert image_kind(data) == kind
    svg = to_svg(data, kind)
    assert check_svg(svg, tmp_path / 'picture.svg', tmp_path) == (200, 100)
    root = ElementTree.fromstring(svg)
    assert root.tag == f'{{{SVG_NS}}}svg' and root.get('viewBox') == '0 0 200 100'
    assert b'<!DOCTYPE' not in svg                  # wmf2svg names an external DTD
    rectangles = root.findall(f'.//{{{SVG_NS}}}rect')
    assert [(float(r.get('x')), float(r.get('width'))) for r in rectangles] == [(10, 180)]
    if kind == 'emf':
        assert rectangles[0].get('fill').upper() == '#C8102E'


def test_a_wmf_without_its_placeable_header_is_told_and_converted(tmp_path):
    bare = wmf_rectangle()[22:]                     # the header Word adds, 22 bytes
    assert image_kind(bare) == 'wmf'
    assert check_svg(to_svg(bare, 'wmf'), tmp_path / 'picture.svg', tmp_path)


def test_a_damaged_metafile_or_a_missing_converter_says_why(monkeypatch):
    damaged = emf_rectangle()[:60] + b'\xff' * 40
    with pytest.raises(MetafileError, match='emf2svg-conv could not read it'):
        to_svg(damaged, 'emf')
    monkeypatch.setattr(metafiles.shutil, 'which', lambda command: None)
    with pytest.raises(MetafileError, match=r'wmf2svg is not installed \(run: python3 build.py, '
                                            r'or apt-get install libwmf-bin\)'):
        to_svg(wmf_rectangle(), 'wmf')


def with_picture(source, data, extension):
    """lo-rich.docx with its one picture replaced by `data`, as Word stores an .emf/.wmf."""
    with zipfile.ZipFile(LO_RICH) as original, \
            zipfile.ZipFile(source, 'w', zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            content = original.read(info)
            name = info.filename
            if name == 'word/media/image1.png':
                name, content = f'word/media/image1.{extension}', data
            elif name == 'word/_rels/document.xml.rels':
                content = content.replace(b'media/image1.png', f'media/image1.{extension}'.encode())
            elif name == '[Content_Types].xml':
                content = content.replace(b'<Default Extension="png"', (
                    f'<Default Extension="{extension}" ContentType="image/x-{extension}"/>'
                    '<Default Extension="png"').encode())
            copy.writestr(name, content)
    return source


def test_a_word_picture_in_emf_is_imported_as_svg_and_built(empty_project, tmp_path, capsys):
    project = empty_project
    source = with_picture(tmp_path / 'vector.docx', emf_rectangle(), 'emf')
    assert cli.main(['import', str(source), '--pub', 'vector']) == 0
    out = capsys.readouterr().err
    assert re.search(r'WARNING: vector\.docx: paragraph \d+ .*: a EMF picture was converted to '
                     r'SVG: check it against the Word document', out)
    folder = project / 'content' / 'vector'
    pictures = list(folder.rglob('*.svg'))
    assert len(pictures) == 1 and b'#C8102E' in pictures[0].read_bytes().upper()
    assert pictures[0].name in ''.join(path.read_text() for path in folder.glob('*.yaml'))
    assert cli.main(['--pub', 'vector', '--format', 'html', '--lang', 'en']) == 0


def test_without_a_converter_the_import_warns_and_names_the_package(empty_project, tmp_path,
                                                                    capsys, monkeypatch):
    monkeypatch.setattr(metafiles.shutil, 'which', lambda command: None)
    source = with_picture(tmp_path / 'clipart.docx', wmf_rectangle(), 'wmf')
    assert cli.main(['import', str(source), '--pub', 'clipart']) == 0
    out = capsys.readouterr().err
    assert re.search(r"a picture is WMF \(Word's vector format\) and was left out \(its alt "
                     r'text is kept as a paragraph\): wmf2svg is not installed \(run: python3 '
                     r'build.py, or apt-get install libwmf-bin\) and import again; or save it '
                     r'as SVG or PNG in Word', out)
    folder = empty_project / 'content' / 'clipart'
    assert not list(folder.rglob('*.wmf')) and not list(folder.rglob('*.svg'))
    assert 'Sex workers marching behind' in ''.join(path.read_text() for path in
                                                     folder.glob('*.yaml'))


def test_a_gif_picture_is_written_as_the_png_it_was_converted_to(empty_project, tmp_path,
                                                                 capsys):
    import io
    from PIL import Image
    gif = io.BytesIO()
    Image.new('P', (40, 20), 3).save(gif, 'GIF')
    source = with_picture(tmp_path / 'animated.docx', gif.getvalue(), 'gif')
    assert cli.main(['import', str(source), '--pub', 'animated']) == 0
    assert 'a GIF picture was converted to PNG' in capsys.readouterr().err
    pictures = list((empty_project / 'content' / 'animated').rglob('*.png'))
    assert len(pictures) == 1 and pictures[0].read_bytes().startswith(b'\x89PNG\r\n\x1a\n')
