"""Images named by content: formats told by their bytes, sizes, language variants, hostile SVG
refused with its line, web copies with deterministic bytes, one decode per process."""
import io

import pytest
from PIL import Image as PILImage

from nswp_publish.content import images
from nswp_publish.errors import ContentError

YAML = ('chapter.yaml', 12)
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
       '{attrs}>\n{body}\n</svg>\n')


@pytest.fixture(autouse=True)
def fresh_cache():
    images.clear_cache()
    yield
    images.clear_cache()


@pytest.fixture
def folder(tmp_path):
    publication = tmp_path / 'pub'
    publication.mkdir()
    return publication


def raster(path, size=(40, 30), fmt='PNG', colour=(200, 16, 46), **save):
    picture = PILImage.new('RGB', size, colour)
    # A gradient, so that resizing and compression have something to do.
    for x in range(0, size[0], max(1, size[0] // 50)):
        for y in range(0, size[1], max(1, size[1] // 50)):
            picture.putpixel((x, y), (x % 256, y % 256, (x + y) % 256))
    picture.save(path, fmt, **save)
    return path


def svg(path, body='<rect width="10" height="10"/>', attrs='width="200" height="100"'):
    path.write_text(SVG.format(attrs=attrs, body=body))
    return path


def refused(folder, name, language=None):
    with pytest.raises(ContentError) as caught:
        images.find_image(folder, name, language, YAML)
    text = str(caught.value)
    assert '\n' not in text
    return text


def test_png_jpeg_svg_told_by_content_and_measured(folder):
    raster(folder / 'photo.png', (40, 30))
    raster(folder / 'photo.jpg', (64, 48), 'JPEG')
    svg(folder / 'logo.svg')
    png = images.find_image(folder, 'photo.png', None, YAML)
    assert (png.format, png.mime, png.width, png.height) == ('png', 'image/png', 40, 30)
    jpeg = images.find_image(folder, 'photo.jpg', None, YAML)
    assert (jpeg.format, jpeg.width, jpeg.height) == ('jpeg', 64, 48)
    logo = images.find_image(folder, 'logo.svg', None, YAML)
    assert (logo.format, logo.mime, logo.width, logo.height) == ('svg', 'image/svg+xml', 200, 100)
    # The extension does not decide: a PNG named .jpg is a PNG.
    raster(folder / 'misnamed.jpg', (5, 5))
    assert images.find_image(folder, 'misnamed.jpg', None, YAML).format == 'png'


@pytest.mark.parametrize('attrs, size', [
    ('viewBox="0 0 300 150"', (300, 150)),
    ('width="600" viewBox="0 0 300 150"', (600, 300)),
    ('height="30mm" viewBox="0,0,200,100"', (pytest.approx(226.772, abs=0.01), pytest.approx(113.386, abs=0.01))),
    ('width="72pt" height="1in"', (96, 96)),
    ('width="100%" height="100%" viewBox="0 0 40 20"', (40, 20)),
])
def test_svg_size_from_width_height_or_viewbox(folder, attrs, size):
    svg(folder / 'a.svg', attrs=attrs)
    image = images.find_image(folder, 'a.svg', None, YAML)
    assert (image.width, image.height) == size


def test_exif_orientation_swaps_the_size(folder):
    picture = PILImage.new('RGB', (40, 20), 'white')
    exif = picture.getexif()
    exif[images.EXIF_ORIENTATION] = 6          # shot with the camera turned: shown 20 x 40
    picture.save(folder / 'turned.jpg', 'JPEG', exif=exif)
    image = images.find_image(folder, 'turned.jpg', None, YAML)
    assert (image.width, image.height) == (20, 40)


def test_language_variant_next_to_the_image(folder):
    raster(folder / 'march.png', (40, 30))
    raster(folder / 'march.zh.png', (41, 30))
    assert images.find_image(folder, 'march.png', 'zh', YAML).path.name == 'march.zh.png'
    assert images.find_image(folder, 'march.png', 'fr', YAML).path.name == 'march.png'
    assert images.find_image(folder, 'march.png', None, YAML).width == 40
    (folder / 'photos').mkdir()
    raster(folder / 'photos' / 'a.png')
    raster(folder / 'photos' / 'a.ru.png', (7, 7))
    assert images.find_image(folder, 'photos/a.png', 'ru', YAML).width == 7


def test_refused_files(folder, tmp_path):
    raster(tmp_path / 'outside.png')
    (folder / 'notes.txt').write_text('not an image')
    (folder / 'empty.png').write_bytes(b'')
    raster(folder / 'anim.gif', fmt='GIF')
    raster(folder / 'pic.webp', fmt='WEBP')
    good = raster(folder / 'good.png', (300, 300)).read_bytes()
    (folder / 'broken.png').write_bytes(good[:len(good) // 2])
    (folder / 'fake.jpg').write_bytes(b'\xff\xd8\xff\xe0' + b'\x00' * 100)
    assert refused(folder, 'missing.png') == (
        'chapter.yaml:12: image "missing.png" not found in pub/ '
        "(check the name; it is relative to the publication's folder)")
    assert 'chapter.yaml:12: image "../outside.png" points outside' in refused(folder, '../outside.png')
    assert 'is an absolute path or a URL' in refused(folder, str(tmp_path / 'outside.png'))
    assert 'is an absolute path or a URL' in refused(folder, 'https://example.org/a.png')
    assert refused(folder, 'notes.txt') == ('chapter.yaml:12: image "notes.txt" is not a PNG, '
                                            'JPEG or SVG image (use a PNG, JPEG or SVG file)')
    assert 'chapter.yaml:12: image "empty.png" is an empty file' in refused(folder, 'empty.png')
    assert 'chapter.yaml:12: image "anim.gif" is not a PNG, JPEG or SVG' in refused(folder, 'anim.gif')
    assert 'is not a PNG, JPEG or SVG' in refused(folder, 'pic.webp')
    assert 'chapter.yaml:12: image "broken.png" cannot be decoded' in refused(folder, 'broken.png')
    assert 'chapter.yaml:12: image "fake.jpg" cannot be decoded' in refused(folder, 'fake.jpg')


def test_damaged_file_refused_even_after_weasyprint_is_imported(folder):
    import weasyprint  # noqa: F401 (it lets Pillow load truncated images, process-wide)
    from PIL import ImageFile
    assert ImageFile.LOAD_TRUNCATED_IMAGES
    good = raster(folder / 'good.png', (300, 300)).read_bytes()
    (folder / 'broken.png').write_bytes(good[:len(good) // 2])
    assert 'image "broken.png" cannot be decoded' in refused(folder, 'broken.png')
    assert ImageFile.LOAD_TRUNCATED_IMAGES          # WeasyPrint's own setting is left alone


def test_larger_than_20_mb_is_refused_before_reading(folder):
    path = raster(folder / 'huge.png')
    with open(path, 'r+b') as file:
        file.truncate(images.MAX_BYTES + 1)        # sparse: no 20 MB written to disk
    assert refused(folder, 'huge.png') == (
        'chapter.yaml:12: image "huge.png" is 20.0 MB, more than the 20 MB allowed '
        '(save a smaller copy (a 300 dpi print photo is a few MB))')


def test_decompression_bomb_is_refused(folder, monkeypatch):
    monkeypatch.setattr(images, 'MAX_PIXELS', 1000)
    raster(folder / 'big.png', (100, 100))
    assert 'has more than 0 million pixels' in refused(folder, 'big.png')


@pytest.mark.parametrize('body, line, fragment', [
    ('<rect/>\n<script>alert(1)</script>', 3, '<script> element is not allowed'),
    ('<SCRIPT xmlns="http://other">x</SCRIPT>', 2, '<SCRIPT> element is not allowed'),
    ('<rect/>\n<rect onclick="alert(1)"/>', 3, 'event handler attribute onclick="..." on <rect>'),
    ('<g ONLOAD="x()"/>', 2, 'event handler attribute ONLOAD'),
    ('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>', 2,
     '<foreignObject> element is not allowed'),
    ('<image href="https://example.org/x.png" width="1" height="1"/>', 2,
     '<image href="https://example.org/x.png">: links outside the publication are not allowed'),
    ('<image xlink:href="//example.org/x.png"/>', 2, 'links outside the publication'),
    ('<a xlink:href="javascript:alert(1)"><rect/></a>', 2, 'links outside the publication'),
    ('<use href="file:///etc/passwd#x"/>', 2, 'links outside the publication'),
    ('<use href="../../secret.svg#x"/>', 2, 'links outside the publication folder'),
    ('<use href="/etc/x.svg#a"/>', 2, 'links outside the publication folder'),
    ('<image href="data:image/svg+xml;base64,PHN2Zy8+"/>', 2, 'links outside the publication'),
    ('<style>@import url(https://example.org/a.css);</style>', 2, '@import is not allowed'),
    ('<style>\nrect { fill: url("https://example.org/p.svg#g") }\n</style>', 4,
     '<style> element: url(https://example.org/p.svg#g)'),
    ('<rect style="fill: url(http://example.org/#g)"/>', 2, 'style attribute of <rect>'),
    ('<rect fill="url(http://example.org/#g)"/>', 2, 'fill attribute of <rect>'),
    ('<a href="#x"><set attributeName="href" to="javascript:alert(1)"/></a>', 2,
     '<set> may not change the attribute "href"'),
    ('<animate attributeName="xlink:href" values="javascript:x"/>', 2, 'may not change the attribute'),
    ('<iframe src="x.html"/>', 2, '<iframe> element is not allowed'),
])
def test_hostile_svg_refused_with_its_line(folder, body, line, fragment):
    svg(folder / 'bad.svg', body)
    message = refused(folder, 'bad.svg')
    assert message.startswith(f'pub/bad.svg:{line}: SVG ') or f'bad.svg:{line}: SVG ' in message
    assert fragment in message


def test_safe_svg_links_pass(folder):
    (folder / 'art').mkdir()
    raster(folder / 'art' / 'texture.png')
    png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=='
    svg(folder / 'art' / 'ok.svg', f'''<defs><linearGradient id="g"/></defs>
<rect fill="url(#g)" style="stroke: url('#g')"/>
<use href="#g"/><use xlink:href="#g"/>
<image href="texture.png" width="1" height="1"/>
<image href="data:image/png;base64,{png}" width="1" height="1"/>
<style>rect {{ fill: url(#g) }}</style>''')
    assert images.find_image(folder, 'art/ok.svg', None, YAML).format == 'svg'


def test_svg_entities_and_external_dtd_never_expanded_or_fetched(folder):
    (folder / 'laughs.svg').write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "aaaaaaaaaa">\n'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><text>&b;</text></svg>')
    assert 'laughs.svg:3: SVG declares entities (nothing is fetched)' in refused(folder, 'laughs.svg')
    (folder / 'xxe.svg').write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><text>&x;</text></svg>')
    assert 'xxe.svg:2: SVG declares entities' in refused(folder, 'xxe.svg')
    # Even a DOCTYPE naming the SVG 1.1 DTD: refused, never fetched.
    (folder / 'doctype.svg').write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://127.0.0.1:9/never-fetched.dtd">\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="3" height="2"/>')
    assert ('doctype.svg:2: SVG refers to an external DTD or entity (nothing is fetched) '
            '(remove the <!DOCTYPE ...> line') in refused(folder, 'doctype.svg')
    (folder / 'plain-doctype.svg').write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE svg>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="3" height="2"/>')
    assert images.find_image(folder, 'plain-doctype.svg', None, YAML).width == 3
    (folder / 'style.svg').write_text(
        '<?xml-stylesheet href="https://example.org/a.css"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    assert 'style.svg:1: SVG <?xml-stylesheet?> is not allowed' in refused(folder, 'style.svg')


@pytest.mark.parametrize('text, fragment', [
    ('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect></svg>',
     'svg:1: SVG is not well-formed XML: mismatched tag'),
    ('<html><body/></html>', 'not an SVG image (the root element is not <svg>'),
    ('<svg width="1" height="1"/>', 'not an SVG image'),
    ('<svg xmlns="http://www.w3.org/2000/svg"/>', 'x.svg:1: SVG has no size'),
    ('<svg xmlns="http://www.w3.org/2000/svg" width="10em" viewBox="0 0 0 5"/>', 'SVG has no size'),
])
def test_broken_svg(folder, text, fragment):
    (folder / 'x.svg').write_text(text)
    assert fragment in refused(folder, 'x.svg')


def test_decoded_once_while_unchanged(folder, monkeypatch):
    path = raster(folder / 'a.png', (10, 10))
    calls = []
    original = images._check
    monkeypatch.setattr(images, '_check', lambda *args: calls.append(args[0]) or original(*args))
    for language in ('en', 'fr', 'es', 'ru', 'zh', 'en'):
        images.find_image(folder, 'a.png', language, YAML)
    assert len(calls) == 1
    raster(path, (12, 10))                 # a new picture: size and mtime change
    assert images.find_image(folder, 'a.png', 'en', YAML).width == 12
    assert len(calls) == 2


def test_web_copy_of_a_large_photo_is_smaller_and_deterministic(folder):
    raster(folder / 'photo.jpg', (3200, 2000), 'JPEG', quality=95)
    raster(folder / 'chart.png', (1000, 2400))
    raster(folder / 'small.png', (800, 600))
    photo = images.find_image(folder, 'photo.jpg', None, YAML)
    copy = images.web_copy(photo)
    assert (copy.width, copy.height) == (1600, 1000)
    decoded = PILImage.open(io.BytesIO(copy.data))
    assert decoded.format == 'JPEG' and decoded.size == (1600, 1000)
    assert not decoded.getexif()
    assert len(copy.data) < photo.size
    assert copy.name.startswith('photo-') and copy.name.endswith('.jpg')
    images.clear_cache()
    images._web_cache.clear()
    again = images.web_copy(images.find_image(folder, 'photo.jpg', None, YAML))
    assert again.data == copy.data and again.name == copy.name
    tall = images.web_copy(images.find_image(folder, 'chart.png', None, YAML))
    assert (tall.width, tall.height) == (667, 1600)
    assert PILImage.open(io.BytesIO(tall.data)).format == 'PNG'
    small = images.find_image(folder, 'small.png', None, YAML)
    kept = images.web_copy(small)
    assert kept.data == (folder / 'small.png').read_bytes() and (kept.width, kept.height) == (800, 600)


def test_web_copy_turns_a_rotated_photo_upright(folder):
    picture = PILImage.new('RGB', (3200, 1600), 'white')
    exif = picture.getexif()
    exif[images.EXIF_ORIENTATION] = 6
    picture.save(folder / 'turned.jpg', 'JPEG', exif=exif)
    image = images.find_image(folder, 'turned.jpg', None, YAML)
    copy = images.web_copy(image)
    assert (image.width, image.height) == (1600, 3200)
    assert (copy.width, copy.height) == (800, 1600)
    assert PILImage.open(io.BytesIO(copy.data)).size == (800, 1600)
