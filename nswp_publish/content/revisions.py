"""What each message's English replaced: the paragraphs a re-import of a Word file changed.

Catalogs find a translation by its English text, so a paragraph the author rewrote is a new
message to gettext. `build.py import` knows better: it lines up the old and the new
document, and records here, for each paragraph it changed, the text it had before (and
before that, if `update` has not run since). `update` (`i18n.catalog.carry_revisions`)
then offers the old translation as fuzzy, however much the text changed.

The record lives in the publication's import state, `import-state.json`, beside
`publication.yaml`; the import writes it, `update` only reads its `revisions`.
"""
import json
from pathlib import Path

from ..errors import ContentError

#: The import's state in a publication folder: the files it wrote, and the revisions.
STATE_FILE = 'import-state.json'
#: How many earlier texts are kept per message: enough for imports between two updates.
KEPT = 5


def state_path(folder):
    return Path(folder) / STATE_FILE


def read_state(folder):
    """The import state of a publication folder, or None if it was never imported."""
    path = state_path(folder)
    try:
        text = path.read_text(encoding='utf-8')
    except FileNotFoundError:
        return None
    try:
        state = json.loads(text)
    except ValueError as error:
        raise ContentError(f'the import state is not valid JSON ({error.msg})', path,
                           getattr(error, 'lineno', None),
                           hint='restore it from git, or delete it: the next import then '
                                'treats the folder as written by hand') from None
    if not isinstance(state, dict):
        raise ContentError('the import state is not a JSON object', path, 1,
                           hint='restore it from git, or delete it')
    return state


def read_revisions(folder):
    """{msgid: [earlier texts, latest first]} of a publication folder ({} if none)."""
    state = read_state(folder) or {}
    revisions = state.get('revisions') or {}
    return {text: list(earlier) for text, earlier in revisions.items()
            if isinstance(text, str) and isinstance(earlier, list)}


def chain_revisions(old, changed, current):
    """The revisions after an import: `changed` ({new text: old text}, this import's),
    each followed by what the old text itself had replaced (`old`), for the texts still in
    the document (`current`)."""
    result = {}
    for text, earlier in old.items():
        if text in current:
            result[text] = list(earlier)
    for new, previous in changed.items():
        chain = [previous, *old.get(previous, ())]
        result[new] = list(dict.fromkeys(t for t in chain if t != new))[:KEPT]
    return dict(sorted(result.items()))
