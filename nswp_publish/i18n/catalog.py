"""Catalogs: strict `.po` reading, translation look-up, merging with the POT, statistics.

Translators edit `.po` files only; the build reads them directly (no `.mo` is
ever committed). Babel's `read_po` merely prints a warning on a syntax error
unless told otherwise, and counts lines from 0: both are handled here, once.
"""
import datetime
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, normalize, read_po, unescape, write_po
from babel.support import Translations

from ..content import markup
from ..errors import CatalogError, display_path
from ..output import write_atomic
from .posyntax import check_po_syntax

#: The catalog domain of the interface text every publication shares (templates).
INTERFACE_DOMAIN = 'messages'
PROJECT = 'NSWP publications'
COPYRIGHT = 'Global Network of Sex Work Projects (NSWP)'
BUGS_ADDRESS = 'secretariat@nswp.org'


def pot_path(locales_dir, domain):
    return Path(locales_dir) / f'{domain}.pot'


def po_path(locales_dir, language, domain):
    return Path(locales_dir) / language / 'LC_MESSAGES' / f'{domain}.po'


def read_catalog(path, language=None, domain=None):
    """Read a `.po`/`.pot` file, failing with `file:line: message` on any syntax error."""
    path = Path(path)
    text = po_text(path, language)
    try:
        catalog = read_po(io.StringIO(text), locale=language and language.replace('-', '_'),
                          domain=domain,
                          abort_invalid=True)
    except PoFileError as error:
        message = str(error).rsplit(' on ', 1)[0]
        raise CatalogError(f'PO syntax error: {message}: {error.line.strip()[:60]!r}', path,
                           error.lineno + 1,
                           hint='fix this entry in Poedit or a text editor') from None
    except LookupError as error:
        raise CatalogError(f'unknown charset in the header: {error}', path, 1,
                           hint='use "Content-Type: text/plain; charset=UTF-8"') from None
    except ValueError as error:
        raise CatalogError(f'invalid header: {error}', path, 1,
                           hint='run: python3 build.py update to rewrite the header') from None
    _restore_previous_ids(catalog)
    set_true_flags(catalog, domain or path.stem)
    if catalog.charset.lower().replace('_', '-') not in ('utf-8', 'utf8'):
        raise CatalogError(f'catalog charset is {catalog.charset}, not UTF-8', path, 1,
                           hint='save it as UTF-8 with "charset=UTF-8" in its header')
    return catalog


def po_text(path, language=None):
    """The text of a `.po`/`.pot` file as GNU msgfmt reads it (see `check_po_syntax`), for
    Babel and translate-toolkit, or a `CatalogError` at the first line msgfmt refuses."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        hint = (f'run: python3 build.py update --lang {language}' if language
                else 'run: python3 build.py extract')
        raise CatalogError('catalog is missing', path, hint=hint) from None
    data = data.removeprefix(b'\xef\xbb\xbf')       # a byte-order mark, as some editors save
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b'\n') + 1
        raise CatalogError(f'text is not valid {error.encoding}', path, line,
                           hint='save the catalog as UTF-8') from None
    # What msgfmt, Poedit and Weblate refuse, the build refuses too, at the same line.
    return check_po_syntax(text, path, template=path.suffix == '.pot')


def _restore_previous_ids(catalog):
    """Turn `#| msgid` lines back into previous msgids.

    Babel's `read_po` keeps them as translator comments ("| msgid ..."), which
    `update` would then carry forever; a fuzzy entry keeps its previous msgid,
    any other entry loses the stale lines.
    """
    for message in catalog:
        kept, previous = [], {}
        key = None
        for comment in message.user_comments:
            match = re.match(r'\|\s*(msgid_plural|msgid|msgctxt)?\s*(".*")\s*$', comment)
            if not match:
                kept.append(comment)
                continue
            key = match.group(1) or key
            if key:
                previous[key] = previous.get(key, '') + unescape(match.group(2))
        if len(kept) != len(message.user_comments):
            message.user_comments = kept
            if message.fuzzy and 'msgid' in previous:
                message.previous_id = [previous['msgid']] + (
                    [previous['msgid_plural']] if 'msgid_plural' in previous else [])


@dataclass(frozen=True)
class Lookup:
    """The outcome of looking a message up in a catalog."""

    text: str           # the text to use: the translation, or the English source
    status: str         # 'source', 'translated', 'fuzzy', 'untranslated'
    po_line: int | None  # where the entry is in the `.po` file, if it is there
    entry: object = None  # the catalog entry (its flags and translator comments)


class MessageCatalog:
    """The translations of one language and domain, as the build uses them.

    Fuzzy and empty translations are never used: the English source stands in.
    `language` is the language's code.
    """

    def __init__(self, language, catalog=None, path=None):
        self.language = language
        self.catalog = catalog
        self.path = path

    @classmethod
    def load(cls, locales_dir, language, domain, read=read_catalog):
        """The catalog of a `Language`: none for the source language, whose text is its own.
        `read` reads the `.po` file (`build.pipeline.Builder.read_catalog` keeps it)."""
        if language.source:
            return cls(language.code)
        path = po_path(locales_dir, language.code, domain)
        return cls(language.code, read(path, language.code, domain), path)

    def lookup(self, message):
        if self.catalog is None:
            return Lookup(message.text, 'source', None)
        entry = self.catalog.get(message.text, context=message.context)
        if entry is None:
            return Lookup(message.text, 'untranslated', None)
        line = getattr(entry, 'lineno', None)
        if entry.fuzzy:
            return Lookup(message.text, 'fuzzy', line, entry)
        if not entry.string or not str(entry.string).strip():
            return Lookup(message.text, 'untranslated', line, entry)
        return Lookup(entry.string, 'translated', line, entry)


def gnu_translations(catalog, domain):
    """A `gettext`-style object for Jinja's i18n extension, compiled in memory."""
    if catalog is None:
        return Translations(None, domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain)


#: A `%(name)s` or `%(name)d` placeholder: interface messages (Jinja's newstyle gettext)
#: and their translations, here and in `checks`.
PYTHON_FORMAT = re.compile(r'%\((\w+)\)[sd]')


def check_interface_formats(catalog, path):
    """Refuse an interface translation that Jinja cannot %-format with its source's values.

    Jinja's newstyle gettext formats every interface message (`translation % values`),
    so a placeholder the source does not have (`%(categorie)s`), or a lone `%`, would stop
    the rendering with an error naming the template, not the translation. GNU msgfmt
    refuses both, and also a `python-format` translation that leaves a placeholder out:
    so does this check (a plural's forms may leave out the count). A fuzzy translation
    is not used, so it is not checked.
    """
    for entry in catalog:
        if not entry.id or entry.fuzzy:
            continue
        sources = entry.id if isinstance(entry.id, (list, tuple)) else (entry.id,)
        names = {name for source in sources for name in PYTHON_FORMAT.findall(source)}
        plural = isinstance(entry.id, (list, tuple))
        values = {name: '' for name in names | ({'num'} if plural else set())}  # the count
        strings = entry.string if isinstance(entry.string, (list, tuple)) else (entry.string,)
        for string in strings:
            if not string:
                continue
            try:
                string % values
            except KeyError as error:
                raise CatalogError(
                    f'the translation has the placeholder %({error.args[0]})s, which its '
                    f'source does not have', path, entry.lineno,
                    hint='use only ' + (', '.join(f'%({name})s' for name in sorted(values))
                                        or 'no placeholder') + ', as in msgid') from None
            except (ValueError, TypeError) as error:
                raise CatalogError(
                    f'the translation is not a valid format string ({error})', path,
                    entry.lineno, hint='write a literal % as %%, and placeholders as '
                                       '%(name)s, as in msgid') from None
            left_out = names - set(PYTHON_FORMAT.findall(string))
            if left_out and not plural and 'python-format' in entry.flags:
                raise CatalogError(
                    'the translation leaves out ' + ', '.join(
                        f'%({name})s' for name in sorted(left_out)), path, entry.lineno,
                    hint='keep every placeholder of msgid, as GNU msgfmt requires')


class InterfaceTranslations:
    """The interface text of one language as Jinja's i18n extension calls it, noting each
    message it had to show in English (untranslated, fuzzy or missing), for the build's
    warnings: the language, the `.po` file and line, the template line."""

    def __init__(self, language, catalog=None, path=None, domain='messages'):
        self.language = language
        self.catalog = catalog
        self.path = path
        if catalog is not None:
            check_interface_formats(catalog, path)
        self.translations = gnu_translations(catalog, domain)
        self.missed = {}            # (msgctxt, msgid) -> warning, in the order met

    def gettext(self, message):
        self._note(None, message)
        return self.translations.gettext(message)

    def ngettext(self, singular, plural, count):
        self._note(None, singular)
        return self.translations.ngettext(singular, plural, count)

    def pgettext(self, context, message):
        self._note(context, message)
        return self.translations.pgettext(context, message)

    def npgettext(self, context, singular, plural, count):
        self._note(context, singular)
        return self.translations.npgettext(context, singular, plural, count)

    def shown_in_source(self, context, msgid):
        """Whether a message looked up is shown in the source language: untranslated, fuzzy or
        missing, or this is the source language's own interface."""
        return self.catalog is None or (context, msgid) in self.missed

    def _note(self, context, msgid):
        if self.catalog is None or (context, msgid) in self.missed:
            return
        entry = self.catalog.get(msgid, context=context)
        if entry is not None and not entry.fuzzy and is_translated(entry):
            return
        shown = display_path(self.path)
        short = msgid if len(msgid) <= 50 else msgid[:49] + '…'
        if entry is None:
            self.missed[context, msgid] = (
                f'{self.language}: {shown}: interface text not in the catalog, shown in English: '
                f'"{short}" (the catalog is outdated: run `python3 build.py update`)')
            return
        where = ', '.join(f'{path}:{line}' for path, line in entry.locations[:1])
        state = 'fuzzy' if entry.fuzzy else 'untranslated'
        todo = ('review the translation and remove its fuzzy flag' if entry.fuzzy
                else 'translate it')
        self.missed[context, msgid] = (
            f'{self.language}: {shown}:{entry.lineno}: {state} interface text shown in English: '
            f'"{short}" ({where + "; " if where else ""}{todo})')


def update_catalog(template, path, language, comments=None, memory=None, revisions=None):
    """Merge a POT into one `Language`'s catalog; returns 'created', 'updated' or 'unchanged'.

    New messages are added, changed ones matched as fuzzy with their previous
    msgid kept, removed ones kept as obsolete, translator comments kept. `context` maps a
    `comments((msgctxt, msgid), old_comments)` gives extra comments for translators (where
    a message appears), from its extracted comments before the merge. `memory` suggests
    translations for new messages (see `suggest_from_memory`). `revisions` ({msgid: [the
    texts it replaced, latest first]}, from `content.revisions`) says which old message a
    changed one was: its translation is brought back as fuzzy however much the text
    changed, before Babel's guess by similarity.
    """
    path = Path(path)
    if path.exists():
        catalog = read_catalog(path, language.code, template.domain)
        status = 'updated'
    else:
        catalog = new_catalog(template.domain)
        status = 'created'
    carry_revisions(catalog, template, revisions or {})
    old_comments = {(m.context, m.id): m.auto_comments for m in catalog if m.id}
    # Babel's merge keeps an entry's fuzzy flag but not its previous msgid: kept here.
    previous = {(m.context, m.id): m.previous_id for m in catalog
                if m.id and m.fuzzy and m.previous_id}
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=False,
                   keep_user_comments=True)
    for message in catalog:
        key = (message.context, message.id)
        if message.id and message.fuzzy and not message.previous_id and key in previous:
            message.previous_id = previous[key]
    catalog.fuzzy = False
    set_true_flags(catalog, template.domain)
    set_headers(catalog, language)
    suggest_from_memory(catalog, memory or {})
    for message in catalog:
        if message.id and comments:
            key = (message.context, message.id)
            message.auto_comments = [*message.auto_comments,
                                     *comments(key, old_comments.get(key, []))]
    return status if write_if_changed(catalog_bytes(catalog), path) else 'unchanged'


def carry_revisions(catalog, template, revisions):
    """For each message of `template` the catalog lacks whose earlier text (`revisions`)
    it translates, add the message with that translation, fuzzy, and the earlier text as
    its previous msgid (Poedit shows what changed): `update` then keeps it as it is, and the
    old entry goes to the obsolete ones."""
    for message in template:
        if not message.id or not isinstance(message.id, str) or \
                catalog.get(message.id, context=message.context) is not None:
            continue
        for earlier in revisions.get(message.id, ()):
            old = catalog.get(earlier, context=message.context)
            if old is not None and is_translated(old) and isinstance(old.string, str):
                catalog.add(message.id, old.string, context=message.context,
                            flags={'fuzzy', *(old.flags - {'fuzzy'})},
                            user_comments=list(old.user_comments), previous_id=[earlier])
                break


#: The defaults Babel and xgettext put in a header: a sign that no translator's tool wrote it.
DEFAULT_MARKS = ('FULL NAME', 'EMAIL@ADDRESS', 'LL@li.org', 'LANGUAGE')
TRANSLATION_TEAM = 'NSWP translation team <secretariat@nswp.org>'


def set_headers(catalog, language):
    """Headers msgfmt, Poedit and Weblate expect: the `Language` and its team, a translator
    and a revision date, and the plural forms its declaration gives (CLDR's rules, which
    Babel's own table would replace: for Arabic it differs). What a translator's tool wrote
    is kept; only template defaults change.
    """
    catalog.locale = babel_locale(language.code)
    catalog.mime_headers = [('Plural-Forms', language.plural_forms)]
    if any(mark in (catalog.language_team or '') for mark in DEFAULT_MARKS):
        catalog.language_team = language.english_name
    if any(mark in (catalog.last_translator or '') for mark in DEFAULT_MARKS):
        catalog.last_translator = TRANSLATION_TEAM
    if isinstance(catalog.revision_date, str):          # Babel's 'YEAR-MO-DA HO:MI+ZONE'
        catalog.revision_date = datetime.datetime.now(datetime.timezone.utc).replace(
            second=0, microsecond=0)


def babel_locale(code):
    """The Babel `Locale` of a BCP 47 code ("pt-PT"), as the header's `Language` names it."""
    return Locale.parse(code, sep='-')


def is_translated(entry):
    """Whether an entry has a translation: every plural form of it, for a plural message."""
    forms = entry.string if isinstance(entry.string, (list, tuple)) else [entry.string]
    return bool(forms) and all(form and str(form).strip() for form in forms)


#: A translator comment on a message that `update` filled from another publication's catalog.
SUGGESTION = 'Suggestion from '


def is_suggestion(entry):
    """Whether an entry holds a translation-memory suggestion nobody has confirmed yet."""
    return entry.fuzzy and any(comment.startswith(SUGGESTION) for comment in entry.user_comments)


def suggest_from_memory(catalog, memory):
    """Fill each untranslated message from `memory` ({msgid: (translation, catalog name)}),
    fuzzy and with a comment naming the catalog ("# Suggestion from other.po"), as `msgmerge --compendium` does; once a
    translator has confirmed a suggestion (no longer fuzzy), its comment goes."""
    for message in catalog:
        if not message.id:
            continue
        if not message.fuzzy:
            message.user_comments = [comment for comment in message.user_comments
                                     if not comment.startswith(SUGGESTION)]
        found = memory.get(message.id)
        if found and not message.fuzzy and not is_translated(message):
            message.string = found[0]
            message.flags.add('fuzzy')
            # Short enough never to be wrapped: Babel reads each comment line on its own.
            message.user_comments.append(f'{SUGGESTION}{found[1]}')


def translation_memory(paths, language):
    """{msgid: (translation, file name)}: the confirmed translations of other catalogs of one
    language, all in one folder (the first catalog that has a msgid wins)."""
    memory = {}
    for path in paths:
        for message in read_catalog(path, language, Path(path).stem):
            if message.id and not message.fuzzy and is_translated(message):
                memory.setdefault(message.id, (message.string, Path(path).name))
    return memory


@dataclass(frozen=True)
class Stats:
    """One catalog's messages by state, against its POT. `percent` is computed here only:
    `stats` and `release` both read it."""

    translated: int
    fuzzy: int           # fuzzy, suggestions excluded
    untranslated: int
    words: int           # words of English source text still to translate or review
    suggested: int = 0   # filled from another publication's catalog, not yet confirmed

    @property
    def total(self):
        return self.translated + self.suggested + self.fuzzy + self.untranslated

    @property
    def percent(self):
        return 100.0 * self.translated / self.total if self.total else 100.0


def catalog_stats(catalog, template):
    """Count the template's messages by their state in `catalog`."""
    translated = fuzzy = untranslated = words = suggested = 0
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        if entry is not None and is_suggestion(entry):
            suggested += 1
        elif entry is not None and entry.fuzzy:
            fuzzy += 1
        elif entry is not None and is_translated(entry):
            translated += 1
            continue
        else:
            untranslated += 1
        source = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        words += len(' '.join(source).split())
    return Stats(translated, fuzzy, untranslated, words, suggested)


# -- writing catalogs ---------------------------------------------------------

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
        if any(markup.signature(text).placeholders for text in ids):
            message.flags.add('python-brace-format')
        if any('%' in text for text in ids):
            message.flags.add('no-python-format')


def catalog_bytes(catalog):
    """A catalog as `.pot`/`.po` text, with stable layout so diffs stay small.

    The previous msgid of a fuzzy entry (`#| msgid`) is written here, as msgmerge writes it:
    Babel 2.18 word-wraps the whole `#| msgid "..."` line as a comment, so a long one comes
    out as lines that are not PO strings (`#| independent consultant between`), which no
    tool reads back. The entries are told apart by their blank line (a PO entry has none
    inside), in the order `write_po` writes them: the header, the messages, the obsolete."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=79, sort_output=False, sort_by_file=False,
             ignore_obsolete=False, include_previous=False)
    entries = buffer.getvalue().decode(catalog.charset or 'utf-8').split('\n\n')
    for index, message in enumerate(list(catalog)[1:], 1):
        if message.previous_id and index < len(entries):
            entries[index] = _with_previous(entries[index], message.previous_id)
    return '\n\n'.join(entries).encode(catalog.charset or 'utf-8')


def _with_previous(entry, previous_id):
    """An entry's text with `#| msgid` (and `#| msgid_plural`) lines before its msgctxt or
    msgid, each string wrapped as a PO string."""
    lines = entry.split('\n')
    at = next((i for i, line in enumerate(lines) if not line.startswith('#')), len(lines))
    previous = []
    for keyword, text in zip(('msgid', 'msgid_plural'), previous_id):
        value = normalize(text, width=76).split('\n')
        previous.append(f'#| {keyword} {value[0]}')
        previous.extend(f'#| {line}' for line in value[1:])
    return '\n'.join(lines[:at] + previous + lines[at:])


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
