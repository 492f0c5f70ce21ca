"""The .docx file itself: everything refused before pandoc sees a byte of it.

Not a Word file (a PDF or an old .doc renamed), a damaged zip, a zip bomb, macros, pictures
linked to outside addresses: each is one line naming the file and what to do. The checks
read only the zip's directory, `[Content_Types].xml` and the `.rels` files (with
defusedxml), and pandoc gets a copy of the zip written from the checked bytes, so it never
inflates more than was counted here. The document's properties (docProps/core.xml, which
pandoc does not read) and the character styles of styles.xml are read here too.
"""
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from defusedxml import ElementTree

from ..errors import DocumentError

#: Uncompressed size of all the parts of a document: no real report comes near it.
MAX_UNCOMPRESSED = 200 * 1024 * 1024
#: Parts in the zip: Word writes a few dozen, plus one per picture.
MAX_ENTRIES = 10_000
#: The .docx file itself.
MAX_FILE = 200 * 1024 * 1024

WORD_MAIN = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'
WORD_TEMPLATE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml'
MACRO_MAIN = ('application/vnd.ms-word.document.macroEnabled.main+xml',
              'application/vnd.ms-word.template.macroEnabledTemplate.main+xml')
OTHER_OFFICE = {
    'spreadsheetml': 'an Excel workbook', 'presentationml': 'a PowerPoint presentation',
    'ms-excel': 'an Excel workbook', 'ms-powerpoint': 'a PowerPoint presentation',
}
OFFICE_DOCUMENT = ('/officeDocument/2006/relationships/officeDocument',
                   '/officeDocument/relationships/officeDocument')       # transitional, strict
CORE_PROPERTIES = '/metadata/core-properties'
#: Relationships whose outside target would be read or shown as part of the document.
EXTERNAL_REFUSED = {'image': 'a picture', 'video': 'a video', 'audio': 'a sound',
                    'media': 'a media file', 'subDocument': 'a sub-document'}



def refused(path, message, hint=None):
    """The error for a document the import refuses: `file: message (hint)`."""
    return DocumentError(message, path, hint=hint)


# -- the package: checks before pandoc sees anything ----------------------------------------

@dataclass
class Package:
    """A checked .docx: a re-written copy for pandoc, and the small parts read here."""

    copy: Path              # the zip pandoc reads, written from the checked bytes only
    parts: dict             # name -> bytes, for the small XML parts (.rels, properties, styles)
    main: str               # the main document part ('word/document.xml')
    core: dict              # core properties: title, creator, keywords, subject


def check_package(path, workdir):
    """Refuse what is not a safe Word document; return a `Package` whose `copy` pandoc reads.

    Why a copy: the sizes a zip declares are written by whoever made it, and pandoc's zip
    reader inflates each part in full. Re-writing the zip from what was decompressed here,
    under a budget, means pandoc never sees a byte that was not counted.
    """
    path = Path(path)
    _check_file(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise refused(path, 'the file is damaged: it is not a complete zip archive',
                              'save it again from Word as .docx') from None
    with archive:
        infos = _check_directory(path, archive)
        copy = Path(workdir) / 'checked.docx'
        parts = _copy_entries(path, archive, infos, copy)
    content_types = _xml(path, parts, '[Content_Types].xml')
    main = _main_part(path, parts)
    _check_content_type(path, content_types, main, parts)
    _check_relationships(path, parts)
    return Package(copy, parts, main, _core_properties(path, parts))


def _check_file(path):
    """Tell a PDF, an old .doc and other files renamed .docx by their first bytes."""
    if not path.is_file():
        raise refused(path, 'no such file', 'check the name and the folder')
    if path.stat().st_size > MAX_FILE:
        raise refused(path, f'the file is larger than {MAX_FILE // 2**20} MB',
                              'make the pictures smaller in Word (File > Compress Pictures)')
    with path.open('rb') as stream:
        head = stream.read(512)
    if head.startswith(b'PK\x03\x04'):
        return
    kinds = [(b'%PDF', 'a PDF, not a Word document', 'import the Word file the PDF was made '
              'from, or save the PDF as .docx in Word'),
             (b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1', 'an old Word 97-2003 .doc file (or a '
              'password-protected document), not a .docx', 'open it in Word or LibreOffice '
              'and save it as "Word Document (.docx)", without a password'),
             (b'{\\rtf', 'an RTF file, not a .docx', 'open it in Word and save it as .docx'),
             (b'PK\x05\x06', 'an empty zip archive, not a Word document',
              'save the document again from Word as .docx')]
    for magic, what, hint in kinds:
        if head.startswith(magic):
            raise refused(path, f'the file is {what}', hint)
    text = head.lstrip(b'\xef\xbb\xbf \t\r\n').lower()
    if text.startswith((b'<?xml', b'<html', b'<!doctype')):
        raise refused(path, 'the file is XML or HTML (a "Word XML" or web page), not '
                              'a .docx', 'open it in Word and save it as .docx')
    raise refused(path, 'the file is not a Word document (.docx)',
                          'save it from Word as "Word Document (.docx)"')


def _check_directory(path, archive):
    """The zip's own directory: part count, names, encryption and declared sizes."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise refused(path, f'the zip has {len(infos)} parts (a zip bomb?)',
                              'save the document again from Word')
    names = set()
    for info in infos:
        name = info.filename
        if name in names:
            raise refused(path, f'the zip has the part {name} twice: it is damaged',
                                  'save it again from Word')
        names.add(name)
        pure = PurePosixPath(name)
        if name.startswith('/') or '\\' in name or '..' in pure.parts or ':' in name:
            raise refused(path, f'the zip has a part with an unsafe name ({name!r})',
                                  'save the document again from Word')
        if info.flag_bits & 0x1:
            raise refused(path, 'the zip is encrypted',
                                  'remove the password in Word and save it again')
    declared = sum(info.file_size for info in infos)
    if declared > MAX_UNCOMPRESSED:
        raise refused(path, f'the document unpacks to {declared // 2**20} MB, more '
                              f'than {MAX_UNCOMPRESSED // 2**20} MB (a zip bomb?)',
                              'make the pictures smaller in Word, or split the document')
    return infos


def _copy_entries(path, archive, infos, copy):
    """Decompress every part ourselves, under the size budget whatever the zip declares,
    check its size and CRC, and write it to `copy`. Returns the small XML parts as bytes."""
    parts, budget = {}, [MAX_UNCOMPRESSED]
    with zipfile.ZipFile(copy, 'w', zipfile.ZIP_DEFLATED) as target:
        for info in infos:
            if info.is_dir():
                continue
            keep = info.filename.endswith(('.xml', '.rels')) and info.file_size < 8 * 2**20
            chunks = []
            with target.open(info.filename, 'w') as sink:
                for chunk in _inflate(path, archive, info, budget):
                    sink.write(chunk)
                    if keep:
                        chunks.append(chunk)
            if keep:
                parts[info.filename] = b''.join(chunks)
    return parts


def _inflate(path, archive, info, budget):
    """The bytes of one part, inflated here with zlib in bounded steps.

    Why not `archive.open()`: zipfile stops at the size the zip *declares* and trusts its
    CRC, both written by whoever made the file; a part that declares 1 KB and holds 300 MB
    of compressed zeros would pass it, and pandoc's own zip reader would inflate it all.
    Here the compressed stream is read to its end: more bytes than declared, a stream that
    does not end, or a wrong CRC is refused."""
    bomb = refused(path, f'the document unpacks to more than '
                           f'{MAX_UNCOMPRESSED // 2**20} MB, or to more than its parts '
                           'declare (a zip bomb?)', 'save the document again from Word')
    damaged = refused(path, f'the file is damaged ({info.filename} is not whole)',
                              'save it again from Word as .docx')
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise refused(path, f'the zip uses an unusual compression ({info.filename})',
                              'save the document again from Word')
    stream = archive.fp
    stream.seek(info.header_offset)
    header = stream.read(30)
    if len(header) < 30 or header[:4] != b'PK\x03\x04':
        raise damaged
    name_length, extra_length = int.from_bytes(header[26:28], 'little'), \
        int.from_bytes(header[28:30], 'little')
    stream.seek(info.header_offset + 30 + name_length + extra_length)
    left, produced, crc = info.compress_size, 0, 0
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    pending = b''
    while left > 0 or pending:
        if not pending:
            pending = stream.read(min(left, 1 << 16))
            if not pending:
                raise damaged
            left -= len(pending)
        if inflater is None:
            chunk, pending = pending, b''
        else:
            try:
                chunk = inflater.decompress(pending, 1 << 20)
            except zlib.error:
                raise damaged from None
            pending = inflater.unconsumed_tail
        produced += len(chunk)
        budget[0] -= len(chunk)
        if produced > info.file_size or budget[0] < 0:
            raise bomb
        crc = zlib.crc32(chunk, crc)
        if chunk:
            yield chunk
        if inflater is not None and inflater.eof:
            break
    if inflater is not None and not inflater.eof:
        raise damaged
    if produced != info.file_size or crc != info.CRC:
        raise damaged


def _xml(path, parts, name, required=True):
    """A small XML part, parsed with defusedxml (no entities, no DTDs)."""
    data = parts.get(name)
    if data is None:
        if required:
            raise refused(path, f'the zip has no {name}: it is not a Word document',
                                  'save it from Word as .docx')
        return None
    try:
        return ElementTree.fromstring(data)
    except Exception as error:   # defusedxml's refusals and ParseError alike
        raise refused(path, f'{name} is damaged or unsafe ({type(error).__name__})',
                              'save the document again from Word') from None


def _local(tag):
    return tag.rsplit('}', 1)[-1]


def _relationships(path, parts, name):
    root = _xml(path, parts, name, required=False)
    return [] if root is None else [node.attrib for node in root
                                   if _local(node.tag) == 'Relationship']


def _main_part(path, parts):
    """The main document part, as `_rels/.rels` names it (not always word/document.xml)."""
    for rel in _relationships(path, parts, '_rels/.rels'):
        if rel.get('Type', '').endswith(OFFICE_DOCUMENT) and rel.get('TargetMode') != 'External':
            return str(PurePosixPath(rel.get('Target', '').lstrip('/')))
    raise refused(path, 'the zip has no main document part: it is not a Word document',
                          'save it from Word as .docx')


def _check_content_type(path, root, main, parts):
    """Macro-enabled (.docm/.dotm), Excel or PowerPoint files, whatever their extension."""
    types = {}
    for node in root:
        if _local(node.tag) == 'Override':
            types[node.get('PartName', '').lstrip('/')] = node.get('ContentType', '')
        elif _local(node.tag) == 'Default':
            types['*.' + node.get('Extension', '').lower()] = node.get('ContentType', '')
    kind = types.get(main) or types.get('*.' + main.rsplit('.', 1)[-1].lower(), '')
    has_vba = (any(name.lower().endswith('vbaproject.bin') for name in parts)
               or any('vbaproject' in value.lower() for value in types.values()))
    if kind in MACRO_MAIN or has_vba:
        raise refused(path, 'the document contains macros (a macro-enabled .docm)',
                              'in Word, save it as "Word Document (.docx)", which drops the '
                              'macros, and import that file')
    for key, what in OTHER_OFFICE.items():
        if key in kind:
            raise refused(path, f'the file is {what}, not a Word document',
                                  'import a .docx file')
    if kind not in (WORD_MAIN, WORD_TEMPLATE):
        raise refused(path, f'the main part is not a Word document ({kind or "no type"})',
                              'save it from Word as "Word Document (.docx)"')


def _check_relationships(path, parts):
    """A picture (or video, sub-document) that lives at an outside address is refused: it
    would be fetched when the document is shown, and nothing here fetches anything."""
    for name in sorted(parts):
        if not name.endswith('.rels'):
            continue
        for rel in _relationships(path, parts, name):
            if rel.get('TargetMode') != 'External':
                continue
            kind = rel.get('Type', '').rsplit('/', 1)[-1]
            if kind in EXTERNAL_REFUSED:
                target = rel.get('Target', '')
                shown = target if len(target) <= 80 else target[:77] + '...'
                raise refused(
                    path, f'{EXTERNAL_REFUSED[kind]} is linked to an outside address '
                    f'({shown}), not stored in the document',
                    'in Word, insert the picture itself (Insert > Pictures > This Device, '
                    'not "Link to File"), or delete it, and save again')


def _core_properties(path, parts):
    """Title, author and keywords from docProps/core.xml: pandoc reads only the Title,
    Subtitle and Author paragraphs, not the document's properties."""
    name = 'docProps/core.xml'
    for rel in _relationships(path, parts, '_rels/.rels'):
        if rel.get('Type', '').endswith(CORE_PROPERTIES):
            name = rel.get('Target', name).lstrip('/')
    root = _xml(path, parts, name, required=False)
    found = {}
    if root is not None:
        for node in root:
            key = _local(node.tag)
            if key in ('title', 'creator', 'keywords', 'subject') and (node.text or '').strip():
                found[key] = ' '.join(node.text.split())
    return found


def character_styles(path, parts, main):
    """{style name (lower case): {'bold', 'italic', 'superscript', 'subscript'}} of the
    character styles of styles.xml, following `basedOn`.

    Why: with `-f docx+styles` pandoc keeps a character style as a Span with its name and no
    longer applies its formatting, so bold set by Word's "Strong" style would be lost.
    """
    folder = str(PurePosixPath(main).parent)
    name = f'{folder}/styles.xml' if folder != '.' else 'styles.xml'
    root = _xml(path, parts, name, required=False)
    if root is None:
        return {}
    defined = {}
    for style in root:
        if _local(style.tag) != 'style' or _attr(style, 'type') != 'character':
            continue
        names, based, flags = [_attr(style, 'styleId')], None, {}
        for child in style:
            tag = _local(child.tag)
            if tag == 'name':
                names.append(_attr(child, 'val'))
            elif tag == 'basedOn':
                based = _attr(child, 'val')
            elif tag == 'rPr':
                flags = _run_flags(child)
        for key in filter(None, names):
            defined[key.lower()] = (based.lower() if based else None, flags)
    resolved = {}
    for key in defined:
        flags, seen, current = {}, set(), key
        while current in defined and current not in seen:
            seen.add(current)
            parent, own = defined[current]
            flags = {**own, **flags}
            current = parent
        resolved[key] = {flag for flag, on in flags.items() if on}
    return resolved


def _attr(node, name):
    for key, value in node.attrib.items():
        if _local(key) == name:
            return value
    return None


def _run_flags(rpr):
    flags = {}
    for child in rpr:
        tag, value = _local(child.tag), _attr(child, 'val')
        on = value not in ('0', 'false', 'off', 'none')
        if tag in ('b', 'i'):
            flags['bold' if tag == 'b' else 'italic'] = on
        elif tag == 'vertAlign' and value in ('superscript', 'subscript'):
            flags[value] = True
    return flags


