"""Word's vector pictures (EMF, WMF: charts pasted from Excel, Visio drawings, clip art) as SVG.

The build reads PNG, JPEG and SVG. A metafile is converted by the small converters Debian
packages (`emf2svg-conv` from emf2svg, `wmf2svg` from libwmf-bin; `build.py` installs
both), its vectors kept. Their output is then made a plain SVG (the SVG namespace, a
viewBox, no DOCTYPE) and passes the same check as any SVG of a publication
(`content.images.check_svg`). A metafile comes from the document, so it is untrusted
input: each converter runs in a scratch folder, with limits on its time, memory and
output.
"""
import re
import resource
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import defusedxml.ElementTree

from ..content.images import MAX_BYTES, SVG_NS, XLINK_NS, check_svg
from ..errors import ContentError

#: kind -> (converter command, the Debian package it comes in, its arguments).
CONVERTERS = {
    'emf': ('emf2svg-conv', 'emf2svg', lambda source, target: ['-i', source, '-o', target]),
    'wmf': ('wmf2svg', 'libwmf-bin', lambda source, target: ['-o', target, source]),
}
#: A converter that takes longer than this, or more memory, is stopped: a real picture
#: converts in well under a second.
CONVERT_SECONDS = 30
CONVERT_MEMORY = 1024 * 1024 * 1024


class MetafileError(Exception):
    """Why a metafile was not converted, as the import's warning says it."""


def to_svg(data, kind):
    """The SVG bytes of an EMF or WMF picture; raises `MetafileError` saying why not."""
    command, package, arguments = CONVERTERS[kind]
    found = shutil.which(command)
    if not found:
        raise MetafileError(f'{command} is not installed (run: python3 build.py, or '
                            f'apt-get install {package}) and import again')
    with tempfile.TemporaryDirectory(prefix='nswp-metafile-') as scratch:
        source, target = Path(scratch) / f'picture.{kind}', Path(scratch) / 'picture.svg'
        source.write_bytes(data)
        try:
            result = subprocess.run([found, *arguments(str(source), str(target))],
                                    cwd=scratch, capture_output=True,
                                    timeout=CONVERT_SECONDS, preexec_fn=_limits)
        except subprocess.TimeoutExpired:
            raise MetafileError(f'{command} took longer than {CONVERT_SECONDS} s') from None
        if result.returncode or not target.is_file():
            said = (result.stderr or result.stdout).decode('utf-8', 'replace').strip()
            said = said.splitlines()[-1] if said else f'exit status {result.returncode}'
            raise MetafileError(f'{command} could not read it ({said})')
        if target.stat().st_size > MAX_BYTES:
            raise MetafileError(f'{command} made an SVG larger than '
                                f'{MAX_BYTES // 1024 // 1024} MiB')
        svg = plain_svg(target.read_bytes())
        try:
            check_svg(svg, target, Path(scratch))
        except ContentError as error:
            raise MetafileError(f'its SVG was refused: {error.message}') from None
    return svg


def _limits():
    """In the converter's process: a ceiling on its memory and CPU time."""
    resource.setrlimit(resource.RLIMIT_AS, (CONVERT_MEMORY, CONVERT_MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CONVERT_SECONDS, CONVERT_SECONDS))


def plain_svg(data):
    """A converter's SVG as the build wants one: every element in the SVG namespace
    (wmf2svg writes none), attributes of other namespaces dropped, a viewBox from the
    size where there is none (so that it scales to the page), and no DOCTYPE (wmf2svg
    names an external DTD, which nothing should fetch)."""
    data = _DOCTYPE.sub(b'', data, count=1)
    try:
        root = defusedxml.ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError) as error:    # defusedxml's are ValueErrors
        raise MetafileError(f'the converter wrote no readable SVG ({error})') from None
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = element.tag.rsplit('}', 1)[-1]
        element.tag = f'{{{SVG_NS}}}{local}'
        for name in list(element.attrib):
            if name.startswith('{') and not name.startswith(f'{{{XLINK_NS}}}'):
                del element.attrib[name]
    if root.tag != f'{{{SVG_NS}}}svg':
        raise MetafileError('the converter wrote no <svg> element')
    width, height = (_number(root.get(side)) for side in ('width', 'height'))
    if 'viewBox' not in root.attrib and width and height:
        root.set('viewBox', f'0 0 {width:g} {height:g}')
    ElementTree.register_namespace('', SVG_NS)
    ElementTree.register_namespace('xlink', XLINK_NS)
    return ElementTree.tostring(root, encoding='utf-8', xml_declaration=True)


#: A DOCTYPE without an internal subset (one with entities is left, and refused).
_DOCTYPE = re.compile(rb'<!DOCTYPE[^>\[]*>')


def _number(value):
    try:
        return float(str(value).strip().removesuffix('px'))
    except (TypeError, ValueError):
        return None
