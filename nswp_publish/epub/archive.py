"""The EPUB's container: a ZIP file as the OCF specification requires, the same bytes each time.

The `mimetype` entry comes first and is stored, not compressed, so that a program can
tell an EPUB by its first bytes; `META-INF/container.xml` names the package document.
Every entry gets the publication's date as its time and the same permissions whatever
machine builds it, and the entries come in one order, so a rebuild is byte-identical.
(Written with the standard library's `zipfile`: the EPUB libraries on PyPI are AGPL.)
"""
import io
import zipfile

MIMETYPE = b'application/epub+zip'
PACKAGE_PATH = 'EPUB/package.opf'
CONTAINER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
    f'  <rootfiles><rootfile full-path="{PACKAGE_PATH}" '
    'media-type="application/oebps-package+xml"/></rootfiles>\n'
    '</container>\n').encode()


def ocf_bytes(files, date):
    """The EPUB file of `files` ({path inside `EPUB/`: bytes}, in the order given) whose
    entries are dated `date` (a `datetime.date`)."""
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w') as archive:
        def add(name, data, method):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = method
            info.create_system = 3                  # Unix, on any machine
            info.external_attr = 0o100644 << 16     # -rw-r--r--
            archive.writestr(info, data, compress_type=method,
                             compresslevel=9 if method == zipfile.ZIP_DEFLATED else None)
        add('mimetype', MIMETYPE, zipfile.ZIP_STORED)
        add('META-INF/container.xml', CONTAINER, zipfile.ZIP_DEFLATED)
        for name, data in files.items():
            # Fonts and images are compressed already: deflating them again gains nothing.
            method = zipfile.ZIP_STORED if name.endswith(('.woff', '.jpg', '.png')) \
                else zipfile.ZIP_DEFLATED
            add(f'EPUB/{name}', data, method)
    return out.getvalue()
