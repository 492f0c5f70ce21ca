"""Extraction: content YAML and templates -> POT catalogs.

Each publication gets its own domain (`locales/<slug>.pot`); the text that
templates add around content (cover labels, "Contents", "Page") is shared by
every publication in `locales/messages.pot`. `extract_yaml` is registered as
the Babel extractor `nswp_yaml`, so `pybabel extract -F babel.cfg` gives the
same messages as `build.py extract`.
"""
import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import write_po

from . import content, markup
from .markup import PLACEHOLDER
from .output import write_atomic
from .yamlfile import parse_yaml

INTERFACE_DOMAIN = 'messages'
COMMENT_TAGS = ('Translators:',)
PROJECT = 'NSWP publications'
COPYRIGHT = 'Global Network of Sex Work Projects (NSWP)'
BUGS_ADDRESS = 'secretariat@nswp.org'
JINJA_OPTIONS = {'extensions': 'jinja2.ext.i18n,jinja2.ext.do', 'newstyle_gettext': 'true',
                 'trimmed': 'true'}


def _describe_datum(value):
    if isinstance(value, content.Percent):
        return f'{value.value * 100:g}% (a percentage)'
    if isinstance(value, content.YearMonth):
        return f'{value.year}-{value.month:02d} (a month)'
    return f'{value} (a number)'


def message_comments(message):
    """Extracted comments for one message: the author's note, then what each placeholder holds."""
    comments = [message.note] if message.note else []
    names = markup.signature(message.text).placeholders
    if names:
        comments.append('Placeholders: ' + '; '.join(
            f'{{{name}}} = {_describe_datum(message.data[name])}' for name in dict.fromkeys(names)))
    return comments


def extract_yaml(fileobj, keywords, comment_tags, options):
    """Babel extractor for content YAML: one message per Text, with its line and notes."""
    path = Path(getattr(fileobj, 'name', 'content.yaml'))
    text = fileobj.read()
    if isinstance(text, bytes):
        text = text.decode('utf-8')
    _, tree = content.build_tree(parse_yaml(text, path), path)
    for message in content.iter_messages(tree):
        if message.context:
            yield message.line, 'pgettext', (message.context, message.text), \
                message_comments(message)
        else:
            yield message.line, None, message.text, message_comments(message)


def new_catalog(domain):
    return Catalog(domain=domain, project=PROJECT, version='1.0',
                   copyright_holder=COPYRIGHT, msgid_bugs_address=BUGS_ADDRESS,
                   fuzzy=False)


def set_true_flags(catalog, domain):
    """Format flags that say what the build does with each message, for msgfmt, Poedit and
    Weblate to check translations by.

    Content messages are never %-formatted: their placeholders are `{name}`, so they get
    `python-brace-format` when they have one, and `no-python-format` when a "%" in prose
    ("25% of") would make a tool guess `python-format` (Babel adds that flag on every read;
    msgfmt then rejects the translation). Interface text goes through Jinja's newstyle
    gettext, which %-formats every message: Babel's `python-format` guess is right there.
    """
    interface = domain == INTERFACE_DOMAIN
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        message.flags -= {'python-brace-format', 'no-python-format'}
        if interface:
            continue
        message.flags.discard('python-format')
        if any(PLACEHOLDER.search(text) for text in ids):
            message.flags.add('python-brace-format')
        if any('%' in text for text in ids):
            message.flags.add('no-python-format')


def extract_publication(publication, root):
    """The POT catalog of one publication, messages in reading order."""
    catalog = new_catalog(publication.domain)
    for message in publication.messages():
        location = (Path(message.path).resolve().relative_to(root).as_posix(), message.line)
        catalog.add(message.text, locations=[location], context=message.context,
                    auto_comments=message_comments(message))
    set_true_flags(catalog, publication.domain)
    return catalog


def extract_templates(templates_dirs, root):
    """The shared interface catalog: every gettext call in the templates (the shared ones,
    then each publication's own)."""
    catalog = new_catalog(INTERFACE_DOMAIN)
    paths = [path for folder in templates_dirs for path in sorted(Path(folder).rglob('*.html'))]
    for path in paths:
        relative = path.resolve().relative_to(root).as_posix()
        for line, msgid, comments, context in extract_from_file(
                'jinja2', path, comment_tags=COMMENT_TAGS, options=JINJA_OPTIONS,
                strip_comment_tags=True):
            catalog.add(msgid, locations=[(relative, line)], context=context,
                        auto_comments=comments)
    set_true_flags(catalog, INTERFACE_DOMAIN)
    return catalog


def catalog_bytes(catalog):
    """A catalog as `.pot`/`.po` text, with stable layout so diffs stay small."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=79, sort_output=False, sort_by_file=False,
             ignore_obsolete=False, include_previous=True)
    return buffer.getvalue()


_VOLATILE = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"\n', re.MULTILINE)


def is_current(path, data):
    """Whether the catalog file at `path` already says `data`, dates aside."""
    path = Path(path)
    return path.exists() and _VOLATILE.sub(b'', path.read_bytes()) == _VOLATILE.sub(b'', data)


def write_if_changed(data, path):
    """Write a catalog only if more than its dates changed (as Sphinx's gettext builder does).

    Returns True when the file was written.
    """
    if is_current(path, data):
        return False
    write_atomic(path, data)
    return True
