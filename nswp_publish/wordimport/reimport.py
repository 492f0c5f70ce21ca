"""Writing an imported document into its publication folder, the first time and every time.

Re-import is the everyday case: the author sends a new version, the editors send tracked
changes. The import state (`content.revisions.STATE_FILE`, beside publication.yaml) records
what the last import wrote (each file's hash, the values of publication.yaml it owns, the
footnotes' ids, the text of every message) so that this import can tell:

* a file edited by hand since (a chart added, a box reworded): kept if the document did not
  change it, else merged with the document's changes line by line against what the last
  import wrote (kept in the state); only where both changed the same lines does the import
  stop and name the file, leaving the document's version in `.import-conflicts/` to merge
  by hand;
* publication.yaml, which a person always edits (editions, languages, short title): merged
  key by key; a key both the document and a person changed stops the import;
* which paragraphs were added, changed and removed, and which pictures are new: the change
  report, and for each changed paragraph its old text (`revisions`), from which `update`
  brings back the old translation as fuzzy.

Nothing is written in place: the new folder is assembled beside the old one, loaded with
the project's own loader, and only then swapped in, so a failed import leaves the
publication as it was.
"""
import datetime
import difflib
import hashlib
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..content import revisions
from ..content.load import load_publication
from ..content.yamlfile import load_plain
from ..errors import ContentError, DocumentError, display_path
from ..output import write_atomic
from .yamlwrite import NAME_KEYS, OWNED_KEYS, publication_data, render_files

#: A file's action when the hand's edits and the document's were merged (`merge_file`).
MERGED = 'merged (your edits and the document\'s)'
#: Where the document's version of a conflicting file is left.
CONFLICTS = '.import-conflicts'
#: How alike an old and a new paragraph must be (difflib's ratio) to count as one changed
#: paragraph rather than one removed and one added.
SAME_PARAGRAPH = 0.5
#: The same, for a paragraph that also moved (matched across the whole document).
MOVED_PARAGRAPH = 0.7


@dataclass
class ImportReport:
    """What an import did: the files, and what changed in the text since the last one."""

    files: list = field(default_factory=list)       # [(file name, action)]
    added: list = field(default_factory=list)       # texts
    changed: list = field(default_factory=list)     # [(old text, new text)]
    removed: list = field(default_factory=list)     # texts
    images_added: list = field(default_factory=list)
    first: bool = True


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def import_into(doc, folder, languages, *, force=False):
    """Write `doc` into the publication `folder` (languages: the project's codes, for a new
    publication.yaml); returns an `ImportReport`, or raises `DocumentError` having changed
    nothing."""
    folder = Path(folder)
    slug = folder.name
    state = revisions.read_state(folder) or {}
    recorded = state.get('files') or {}
    if not recorded and folder.exists() and any(folder.iterdir()) and not force:
        raise DocumentError('the folder exists and was not written by an import', folder,
                            hint='choose another --pub, or pass --force to overwrite it')
    publication, merged_conflicts = merge_publication(folder, doc, slug, languages, state,
                                                      force)
    files = render_files(doc, slug, publication)
    written = dict(files)               # the document's own version of each file
    plan, conflicts = plan_writes(folder, files, recorded, force, state.get('bases') or {})
    conflicts = merged_conflicts + conflicts
    if conflicts:
        shelter = folder / CONFLICTS
        for name in conflicts:
            write_atomic(shelter / name.split(' ')[0], written[name.split(' ')[0]])
        raise DocumentError(
            f'{len(conflicts)} file{"s" if len(conflicts) > 1 else ""} edited by hand since '
            f'the last import that the document changes too: {", ".join(conflicts)}', folder,
            hint=f'merge the document\'s version from {display_path(shelter)}/ by hand (or '
                 'make the edit in Word), then import again; --force overwrites the edits')
    report = change_report(doc, state)
    report.files = plan
    texts = document_texts(doc)
    new_state = {
        'version': 1, 'source': doc.source.name, 'source_sha256': doc.source_sha256,
        'imported': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
        'pandoc': doc.pandoc_version,
        'files': {name: sha256(written[name]) if name in written else recorded[name]
                  for name, action in plan if action != 'removed'},
        # What this import wrote of each chapter and the notes: the base the next one
        # merges a file edited by hand against (`merge_lines`).
        'bases': {name: written[name].decode('utf-8') for name in sorted(written)
                  if name.endswith('.yaml') and name != 'publication.yaml'},
        'publication': owned_values(publication), 'footnotes': doc.footnotes,
        'images': sorted(image.name for image in doc.images), 'texts': texts,
        'revisions': revisions.chain_revisions(
            state.get('revisions') or {}, {new: old for old, new in report.changed},
            set(texts)),
    }
    new_state['files'] = dict(sorted(new_state['files'].items()))
    state_bytes = (json.dumps(new_state, indent=1, ensure_ascii=False) + '\n').encode()
    swap_in(folder, plan, files, state_bytes, languages, doc)
    return report


def owned_values(data):
    def text(value):
        return value.get('text') if isinstance(value, dict) else value
    return {key: text(data.get(key)) for key in OWNED_KEYS}


def merge_publication(folder, doc, slug, languages, state, force):
    """The data of publication.yaml: the document's (`publication_data`) for a new
    publication; on a re-import the file as it is, with each key the document owns taken
    from the document where it changed since the last import. A key both changed stops
    the import (returned as a conflict). `word_styles` and `box_labels` gain what the
    document newly uses."""
    fresh = publication_data(doc, slug, languages)
    path = folder / 'publication.yaml'
    if force or not path.exists() or not state:
        return fresh, []
    try:
        current = load_plain(path.read_text(encoding='utf-8')) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise DocumentError(f'publication.yaml cannot be read ({type(error).__name__})', path,
                            hint='fix it (build.py check names the line), then import '
                                 'again') from None
    if not isinstance(current, dict):
        raise DocumentError('publication.yaml is not a mapping', path, hint='fix it first')
    last, new, now = state.get('publication') or {}, owned_values(fresh), owned_values(current)
    merged, clashes = dict(current), []
    for key in OWNED_KEYS:
        if new.get(key) == last.get(key) or new.get(key) == now.get(key):
            continue                        # the document did not change it, or agrees
        if now.get(key) != last.get(key):
            clashes.append(key)
        elif fresh.get(key) is None:
            merged.pop(key, None)
        else:
            merged[key] = fresh[key]
    for key in ('box_labels', 'word_styles'):
        if fresh.get(key):
            merged[key] = {**fresh[key], **(current.get(key) or {})}
    conflicts = [f'publication.yaml (you and the document both changed '
                 f'{", ".join(clashes)})'] if clashes else []
    return merged, conflicts


def plan_writes(folder, files, recorded, force, bases=None):
    """What to do with each file: [(name, action)], and the files in conflict. A file the
    last import wrote and a person edited since is kept if the document did not change it;
    if it did, the two changes are merged line by line against what the last import wrote
    (`bases`; `files` then holds the merge), and the file is a conflict only where they
    touch the same lines. One the document no longer has is removed unless edited. Files
    the import never wrote (style.css, CSV files, templates) are never touched."""
    plan, conflicts = [], []
    bases = bases or {}
    for name, data in files.items():
        path = folder / name
        current = sha256(path.read_bytes()) if path.exists() else None
        new, last = sha256(data), recorded.get(name)
        if current is None:
            plan.append((name, 'created'))
        elif current == new:
            plan.append((name, 'unchanged'))
        elif name == 'publication.yaml' or force or current == last:
            plan.append((name, 'updated'))          # publication.yaml: merged already
        elif last is not None and new == last:
            plan.append((name, 'kept (edited by hand)'))
        elif (merged := merge_file(bases.get(name), last, path.read_bytes(), data)) is not None:
            files[name] = merged
            plan.append((name, MERGED))
        else:
            conflicts.append(name)
    for name, last in recorded.items():
        path = folder / name
        if name in files or not path.exists():
            continue
        if force or sha256(path.read_bytes()) == last:
            plan.append((name, 'removed'))
        else:
            plan.append((name, 'kept (edited by hand; no longer in the document)'))
    return plan, conflicts


def merge_file(base, base_sha256, mine, theirs):
    """A file edited by hand (`mine`) and by the document (`theirs`) since the last import
    wrote `base`, merged, as bytes; None where both changed the same lines, where the base
    is not known (a state from before bases were kept), or where the merge is no YAML."""
    if base is None or sha256(base.encode('utf-8')) != base_sha256:
        return None
    try:
        lines = merge_lines(base.splitlines(keepends=True),
                            mine.decode('utf-8').splitlines(keepends=True),
                            theirs.decode('utf-8').splitlines(keepends=True))
    except UnicodeDecodeError:
        return None
    if lines is None:
        return None
    text = ''.join(lines)
    try:
        load_plain(text)
    except yaml.YAMLError:
        return None
    return text.encode('utf-8')


def merge_lines(base, mine, theirs):
    """A three-way merge of lists of lines (diff3's): where only one side changed a stretch
    of the base, its change; where both made the same change, it once; None if both
    changed the same stretch differently (two insertions at one place included)."""
    def matched(other):
        matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
        return {block.a + offset: block.b + offset
                for block in matcher.get_matching_blocks() for offset in range(block.size)}
    in_mine, in_theirs = matched(mine), matched(theirs)
    # The base lines both sides kept, in order: the stretches between them are merged.
    stable = [line for line in range(len(base)) if line in in_mine and line in in_theirs]
    merged, at_base, at_mine, at_theirs = [], 0, 0, 0
    for line in [*stable, None]:
        end_base, end_mine, end_theirs = ((len(base), len(mine), len(theirs)) if line is None
                                          else (line, in_mine[line], in_theirs[line]))
        old = base[at_base:end_base]
        ours, others = mine[at_mine:end_mine], theirs[at_theirs:end_theirs]
        if ours == old or ours == others:
            merged += others
        elif others == old:
            merged += ours
        else:
            return None
        if line is not None:
            merged.append(base[line])
            at_base, at_mine, at_theirs = line + 1, end_mine + 1, end_theirs + 1
    return merged


def swap_in(folder, plan, files, state_bytes, languages, doc):
    """Assemble the new folder beside the old, check it loads, and swap it in.

    A picture without alt text is a load error, and the issue is the author's to fix in
    Word or here afterwards: the check loads a copy where such pictures have a stand-in,
    and the folder swapped in has none, so the build names each one."""
    parent = folder.parent
    parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f'.{folder.name}.import-', dir=parent))
    try:
        staged = work / folder.name
        if folder.exists():
            shutil.copytree(folder, staged, symlinks=True,
                            ignore=shutil.ignore_patterns(CONFLICTS))
        else:
            staged.mkdir()
        for name, action in plan:
            if action in ('created', 'updated', MERGED):
                write_atomic(staged / name, files[name])
            elif action == 'removed':
                (staged / name).unlink()
        write_atomic(revisions.state_path(staged), state_bytes)
        check_loads(staged, folder, languages, doc)
        previous = work / 'previous'
        if folder.exists():
            folder.rename(previous)         # same file system: two renames, no copy
        try:
            staged.rename(folder)
        except OSError:
            if previous.exists():
                previous.rename(folder)
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_loads(staged, folder, languages, doc):
    """Load the staged folder as the build will; an error names the file in `folder`."""
    missing_alt = [image.name for image in doc.images if not image.alt]
    patched = {}
    try:
        for chapter in doc.chapters:
            path = staged / chapter.file_name
            text = path.read_text(encoding='utf-8')
            if missing_alt and any(name in text for name in missing_alt):
                patched[path] = text
                for name in missing_alt:
                    text = re.sub(rf'^( *)src: {re.escape(name)}$', r'\g<0>\n\1alt: "?"',
                                  text, flags=re.MULTILINE)
                path.write_text(text, encoding='utf-8')
        load_publication(staged, languages)
    except ContentError as error:
        if error.path:
            error.path = folder / Path(error.path).relative_to(staged)
        raise DocumentError(f'the imported publication does not load: {error.message}',
                            error.path, error.line,
                            hint=error.hint or 'nothing was changed; report it with the '
                                               'document') from None
    finally:
        for path, text in patched.items():
            path.write_text(text, encoding='utf-8')


# -- what changed ---------------------------------------------------------------------------

def document_texts(doc):
    """Every text of the document that becomes a message, in reading order: chapter titles,
    paragraphs, headings, list items, cells, captions, quotes, footnotes."""
    texts = []

    def visit(value, key=None):
        if isinstance(value, dict):
            if set(value) <= {'text', 'colspan', 'rowspan'} and isinstance(value.get('text'),
                                                                           str):
                texts.append(value['text'])
                return
            for k, v in value.items():
                if k not in NAME_KEYS and k not in ('colspan', 'rowspan', 'start'):
                    visit(v, k)
        elif isinstance(value, list):
            for item in value:
                visit(item, key)
        elif isinstance(value, str):
            texts.append(value)

    for chapter in doc.chapters:
        texts.append(chapter.title)
        visit(chapter.blocks)
    visit(list(doc.footnotes.values()))
    return texts


def change_report(doc, state):
    """Paragraphs added, changed and removed since the last import, and pictures added.

    The old and new texts are lined up in document order (difflib), so a paragraph that
    moved with others is unchanged; within a replaced stretch each new text is paired with
    the most alike old one. What is left is matched across the whole document, stricter,
    for a paragraph that both moved and changed."""
    report = ImportReport(first=not state)
    if not state:
        return report
    old, new = list(state.get('texts') or []), document_texts(doc)
    old_set, new_set = set(old), set(new)
    added = [t for t in dict.fromkeys(new) if t not in old_set]
    removed = [t for t in dict.fromkeys(old) if t not in new_set]
    pairs = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == 'replace':
            pairs += pair_up([t for t in old[i1:i2] if t in removed],
                             [t for t in new[j1:j2] if t in added], SAME_PARAGRAPH)
            removed = [t for t in removed if t not in {p[0] for p in pairs}]
            added = [t for t in added if t not in {p[1] for p in pairs}]
    moved = pair_up(removed, added, MOVED_PARAGRAPH)
    pairs += moved
    report.changed = pairs
    report.removed = [t for t in removed if t not in {p[0] for p in moved}]
    report.added = [t for t in added if t not in {p[1] for p in moved}]
    known = set(state.get('images') or ())
    report.images_added = [image.name for image in doc.images if image.name not in known]
    return report


def pair_up(old, new, cutoff):
    """Greedy pairs (old, new), most alike first, at least `cutoff` alike."""
    scored = sorted(((difflib.SequenceMatcher(None, a, b, autojunk=False).ratio(), i, j)
                     for i, a in enumerate(old) for j, b in enumerate(new)), reverse=True)
    used_old, used_new, pairs = set(), set(), []
    for ratio, i, j in scored:
        if ratio < cutoff:
            break
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((old[i], new[j]))
    return sorted(pairs, key=lambda pair: new.index(pair[1]))
