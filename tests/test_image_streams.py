"""Each PNG's pixels are decoded for the PDFs once per build, not once per language or worker
(image_streams), and the PDFs are the bytes WeasyPrint writes without the memo."""
import os
import shutil
import textwrap

import pytest
from PIL import Image as PILImage, ImageFile
from pypdf import PdfReader

from nswp_publish.pdf import image_streams
from nswp_publish.content import images
from nswp_publish.pdf import structure as pdf_structure
from nswp_publish.build.incremental import plan
from nswp_publish.build.parallel import build_jobs
from nswp_publish.build.pipeline import Builder
from nswp_publish.project import BuildRequest, Project
from nswp_publish.i18n.workflow import update_all

from conftest import ROOT

SLUG = 'photos'
PHOTO = (640, 480)          # RGB: one Flate stream
GLASS = (320, 240)          # RGBA: a colour stream and a soft mask
REQUEST = BuildRequest(languages=('en', 'fr'), formats=('pdf',))


def noisy(size, mode):
    """A picture that deflates like a photo (noise), not like a flat test card."""
    bands = [PILImage.effect_noise(size, 40 + 10 * index) for index in range(len(mode))]
    return PILImage.merge(mode, bands)


def make_project(root):
    shutil.copytree(ROOT / 'templates', root / 'templates')
    shutil.copytree(ROOT / 'locales', root / 'locales',
                    ignore=shutil.ignore_patterns('strategic-review*', '*.pot'))
    folder = root / 'content' / SLUG
    folder.mkdir(parents=True)
    (folder / 'publication.yaml').write_text(textwrap.dedent(f'''\
        slug: {SLUG}
        title: Photos
        short_title: Photos
        date: 2026-12
        editions: {{brief: {{label: Brief}}}}
        languages: [en, fr]
        chapters: [one.yaml]
        '''))
    (folder / 'one.yaml').write_text(textwrap.dedent('''\
        chapter: one
        title: One
        blocks:
          - p: "Members met."
          - image: {src: photo.png, alt: "A meeting"}
          - image: {src: glass.png, alt: "A window", width: half}
        '''))
    noisy(PHOTO, 'RGB').save(folder / 'photo.png')
    noisy(GLASS, 'RGBA').save(folder / 'glass.png')
    project = Project(root)
    update_all(project)
    return project


@pytest.fixture
def decodes(tmp_path, monkeypatch):
    """Count each PNG decode (Pillow reading pixels), by process: a file, since the PDF
    workers are forked from this process with the patch in place."""
    log = tmp_path / 'decodes.log'
    load = ImageFile.ImageFile.load

    def counting_load(self):
        if self.tile and self.format == 'PNG':
            with open(log, 'a') as file:
                file.write(f'{os.getpid()} {self.size[0]}x{self.size[1]}\n')
        return load(self)
    monkeypatch.setattr(ImageFile.ImageFile, 'load', counting_load)

    def count():
        here = str(os.getpid())
        lines = [line.split() for line in log.read_text().splitlines()] if log.exists() else []
        log.unlink(missing_ok=True)
        found = {}
        for pid, size in lines:
            where = 'here' if pid == here else 'workers'
            found[where, size] = found.get((where, size), 0) + 1
        return found
    return count


def build_in_pool(project):
    images.clear_cache()
    todo, current, _ = plan(project, REQUEST)
    assert len(todo) == 2 and not current
    results = build_jobs(project, REQUEST, todo, workers=2)
    assert [r.error for r in results.values() if r.status != 'written'] == []
    return {job.language: job.path.read_bytes() for job in todo}


def build_here(project):
    images.clear_cache()
    results = Builder(project, log_warnings=False).build(REQUEST)
    assert [r.error for r in results if r.status != 'written'] == []
    return {result.language: result.path.read_bytes() for result in results}


def without_memo(monkeypatch):
    """WeasyPrint's own way: what the adapter does when it does not know WeasyPrint."""
    monkeypatch.setattr(image_streams, '_weasyprint_parts', lambda: None)


def test_each_png_is_decoded_once_per_build_across_languages_and_workers(
        tmp_path, decodes, monkeypatch):
    project = make_project(tmp_path / 'project')
    decodes()                                   # `update` checked them: not the build's
    pool = build_in_pool(Project(project.root, tmp_path / 'pool'))
    # Our checks read each image once; the PDFs' streams are made once, in one worker.
    assert decodes() == {('here', '640x480'): 1, ('here', '320x240'): 1,
                         ('workers', '640x480'): 1, ('workers', '320x240'): 1}
    assert not list((tmp_path / 'pool').glob(image_streams.FOLDER_PREFIX + '*'))

    here = build_here(Project(project.root, tmp_path / 'here'))
    assert decodes() == {('here', '640x480'): 2, ('here', '320x240'): 2}   # check + stream

    # Without the memo every PDF decodes each PNG again: what the counts above save.
    without_memo(monkeypatch)
    plain = build_here(Project(project.root, tmp_path / 'plain'))
    assert decodes() == {('here', '640x480'): 3, ('here', '320x240'): 3}   # check + 2 PDFs
    plain_pool = build_in_pool(Project(project.root, tmp_path / 'plain-pool'))
    assert decodes()[('workers', '640x480')] == 2

    # The same bytes, whoever made the streams.
    for language in ('en', 'fr'):
        assert pool[language] == plain[language] == here[language] == plain_pool[language]
    pdf = tmp_path / 'pool' / 'fr' / f'nswp-{SLUG}-brief-fr.pdf'
    reader = PdfReader(pdf)
    pictures = {}
    for page in reader.pages:
        for xobject in page['/Resources'].get('/XObject', {}).values():
            xobject = xobject.get_object()
            if xobject['/Subtype'] == '/Image':
                pictures[int(xobject['/Width'])] = xobject
    assert pictures[640]['/Filter'] == '/FlateDecode' and '/SMask' not in pictures[640]
    assert pictures[320]['/SMask'].get_object()['/Width'] == 320
    assert pdf_structure.problems(pdf, 'fr') == []


def test_a_stream_the_memo_does_not_understand_is_left_to_weasyprint(tmp_path, decodes,
                                                                      monkeypatch):
    """A new attribute on WeasyPrint's stream objects: not reused, the PDF still right."""
    project = make_project(tmp_path / 'project')
    plain = build_here(Project(project.root, tmp_path / 'plain'))
    decodes()
    import pydyf
    original = pydyf.Stream.__init__

    def with_more(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.something_new = True
    monkeypatch.setattr(pydyf.Stream, '__init__', with_more)
    odd = build_here(Project(project.root, tmp_path / 'odd'))
    assert decodes()[('here', '640x480')] == 3      # nothing reused
    assert odd == plain


def test_shared_folder_is_removed_and_a_killed_builds_folder_swept(tmp_path):
    with image_streams.build_folder(tmp_path) as folder:
        assert folder.is_dir() and folder.parent == tmp_path
        with image_streams.build_folder(tmp_path) as other:     # a second, running build
            assert folder.is_dir() and other != folder          # not taken for an orphan
    assert list(tmp_path.iterdir()) == []
    orphan = tmp_path / (image_streams.FOLDER_PREFIX + 'killed')
    orphan.mkdir()
    (orphan / image_streams.OWNER_LOCK).touch()                 # its owner is gone
    (orphan / 'abc.stream').write_bytes(b'x')
    with image_streams.build_folder(tmp_path):
        assert not orphan.exists()


def test_a_damaged_or_foreign_stream_file_is_made_again(tmp_path):
    """Only pydyf's own parts are loaded from the shared folder; anything else is ignored."""
    import pickle
    memo = image_streams.StreamMemo(tmp_path)
    (tmp_path / 'bad.stream').write_bytes(b'not a pickle')
    (tmp_path / 'foreign.stream').write_bytes(pickle.dumps(os.system))
    assert memo.read('bad') is None and memo.read('foreign') is None and memo.read('no') is None
    import pydyf
    stream = pydyf.Stream([b'\x00\x01'], pydyf.Dictionary({'Width': 1, 'SMask': pydyf.Stream(
        [b'\x02'], {'Filter': '/FlateDecode'})}))
    memo.write('good', memo.rebuild(stream))
    copy = memo.read('good')
    assert copy.data == stream.data and copy.extra['SMask'].data == stream.extra['SMask'].data


def test_incremental_build_rebuilds_for_a_new_language_variant_of_an_image(
        tmp_path, capsys, monkeypatch):
    """`photo.fr.png` appearing beside `photo.png` is a change: the French PDF is rebuilt
    with it (the English one too: a publication's files are hashed together)."""
    from nswp_publish.cli import main as cli
    project = make_project(tmp_path / 'project')
    monkeypatch.setattr(cli, 'ROOT', project.root)
    build = ['--format', 'pdf', '--jobs', '2', '--output', str(tmp_path / 'out')]

    def statuses():
        assert cli.main(build) == 0
        rows = capsys.readouterr().out.splitlines()[1:]
        return {row.split()[1]: row.split()[0] for row in rows if row.strip()}

    def widths(language):
        reader = PdfReader(tmp_path / 'out' / language / f'nswp-{SLUG}-brief-{language}.pdf')
        return {int(xobject.get_object()['/Width']) for page in reader.pages
                for xobject in page['/Resources'].get('/XObject', {}).values()
                if xobject.get_object()['/Subtype'] == '/Image'}

    assert statuses() == {'en': 'written', 'fr': 'written'}
    assert statuses() == {'en': 'unchanged', 'fr': 'unchanged'}
    noisy((300, 200), 'RGB').save(project.content_dir / SLUG / 'photo.fr.png')
    assert statuses() == {'en': 'written', 'fr': 'written'}
    assert widths('fr') == {300, 320} and widths('en') == {640, 320}
    assert not list((tmp_path / 'out').glob(image_streams.FOLDER_PREFIX + '*'))


def test_a_png_weasyprint_converts_is_converted_once_per_build(tmp_path, decodes, monkeypatch):
    """A palette PNG and one with a transparent colour: WeasyPrint makes them RGB or RGBA when
    it opens them, in each worker; the build converts each once, the same way, and the PDFs
    are the bytes WeasyPrint writes by itself."""
    project = make_project(tmp_path / 'project')
    folder = project.content_dir / SLUG
    noisy(PHOTO, 'RGB').quantize(64).save(folder / 'photo.png')           # a palette
    keyed = noisy(GLASS, 'RGB')
    keyed.save(folder / 'glass.png', transparency=keyed.getpixel((0, 0)))  # a transparent colour
    with PILImage.open(folder / 'photo.png') as photo, PILImage.open(folder / 'glass.png') as glass:
        assert photo.mode == 'P' and 'transparency' in glass.info
    decodes()
    pool = build_in_pool(Project(project.root, tmp_path / 'pool'))
    # Here: our checks. In the workers: each converted once, and its stream made once.
    assert decodes() == {('here', '640x480'): 1, ('here', '320x240'): 1,
                         ('workers', '640x480'): 2, ('workers', '320x240'): 2}

    monkeypatch.setattr(image_streams.ConvertedSources, 'converted', lambda self, path: None)
    without_memo(monkeypatch)
    plain_pool = build_in_pool(Project(project.root, tmp_path / 'plain-pool'))
    found = decodes()
    assert found[('workers', '640x480')] >= 3        # conversions in each worker, streams
    assert pool == plain_pool
    reader = PdfReader(tmp_path / 'pool' / 'en' / f'nswp-{SLUG}-brief-en.pdf')
    modes = {int(xobject.get_object()['/Width']): '/SMask' in xobject.get_object()
             for page in reader.pages for xobject in page['/Resources']['/XObject'].values()
             if xobject.get_object()['/Subtype'] == '/Image'}
    assert modes == {640: False, 320: True}          # RGB; RGBA with its mask
