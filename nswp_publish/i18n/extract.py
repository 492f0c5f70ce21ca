"""Extraction: content YAML and templates -> POT catalogs.

Each publication gets its own domain (`locales/<slug>.pot`); the text that
templates add around content (cover labels, "Contents", "Page") is shared by
every publication in `locales/messages.pot`. `extract_yaml` is registered as
the Babel extractor `nswp_yaml`, so `pybabel extract -F babel.cfg` gives the
same messages as `build.py extract` for YAML and templates. (The text cells of CSV
files a table or chart reads come only through `build.py extract`, which loads the
whole publication.)
"""
from pathlib import Path

from babel.messages.extract import extract_from_file

from ..content import markup
from ..content.load import build_tree
from ..content.model import Percent, YearMonth, iter_messages
from ..content.yamlfile import parse_yaml
from .catalog import INTERFACE_DOMAIN, new_catalog, set_true_flags

COMMENT_TAGS = ('Translators:',)
JINJA_OPTIONS = {'extensions': 'jinja2.ext.i18n,jinja2.ext.do', 'newstyle_gettext': 'true',
                 'trimmed': 'true'}


def _describe_datum(value):
    if isinstance(value, Percent):
        return f'{value.value * 100:g}% (a percentage)'
    if isinstance(value, YearMonth):
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
    _, tree = build_tree(parse_yaml(text, path), path)
    for message in iter_messages(tree):
        if message.context:
            yield message.line, 'pgettext', (message.context, message.text), \
                message_comments(message)
        else:
            yield message.line, None, message.text, message_comments(message)


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
