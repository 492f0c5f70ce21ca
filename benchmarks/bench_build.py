"""Build-speed benchmark: our builds against the work they must do, measured in one run.

Run by hand (not part of the test suite), from the project root:

    .venv/bin/python benchmarks/bench_build.py [--check] [--repeat N]

The floor is the work itself, each part measured warm in one process (imports, content
loading, fonts and templates done first): WeasyPrint laying out and writing every PDF
of the matrix, the structure repair of each of those PDFs, and rendering every HTML
document (the print HTML of each PDF and each web page: translation, templates, the
glyph check). Against it: our cold build of the full matrix (target: 1.10 x floor /
cores), a no-op build (< 0.3 s), the repair alone (< 5% of WeasyPrint's time on the
same PDFs, each PDF's the median of three repairs), and the translator's loop in the
live preview: from a catalog saved to the web page rebuilt (< 0.5 s) and to the new PDF
of the Chinese summary written (<= 1.2 x WeasyPrint alone on that document, in a new
process); also a cold `--lang zh --edition summary --format pdf` beside WeasyPrint
alone, peak memory per process (< 500 MB), and, to read the ratio by, how much a warm
layout slows when another process lays out on the other core (the floor runs alone).
Each measure runs `--repeat` times, interleaved; the median counts (the fastest is shown
too: on a shared machine the slow runs measure the neighbours). `--check` exits 1 when a target is missed.

`--images` measures only what a PNG photo costs each PDF (no targets): a 3000 x 2000
photo on one page, written in `--repeat` documents with WeasyPrint's plain cache
dictionary (each document decodes and deflates it again) and with our
`image_streams.ImageCache` (the first document does, the others reuse its stream).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
PEAK_KB = {}     # command name -> the largest resident size of any of its processes
CPU = {}         # command name -> [CPU seconds (user + system) of its process tree, per run]


def timed(command, name=None, env=None):
    """Wall-clock seconds of a command; its process tree's peak memory goes to PEAK_KB."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f'{" ".join(map(str, command))} failed ({process.returncode})')
    if name:
        PEAK_KB[name] = max(PEAK_KB.get(name, 0), usage.ru_maxrss)
        CPU.setdefault(name, []).append(usage.ru_utime + usage.ru_stime)
    return seconds


def render_matrix(builder, publications, keep=None):
    """Seconds rendering every HTML document of the matrix as our build does (translate
    each language once per medium, render each edition, check a PDF's glyphs); `keep`
    collects the print HTML by file name."""
    from nswp_publish.build.pipeline import check_glyphs
    start = time.perf_counter()
    for publication in publications:
        for language in publication.languages:
            for medium in ('print', 'web'):
                documents, interface, _ = builder.translate(publication, language, (medium,))
                for edition in publication.editions:
                    html = builder.render_html(publication, language, edition, medium,
                                               documents[medium], interface)
                    if medium == 'print':
                        check_glyphs(documents[medium], html,
                                     builder.project.languages[language], edition)
                        if keep is not None:
                            keep[f'{publication.slug}-{language}-{edition}'] = html
    return time.perf_counter() - start


def call_seconds(function, *arguments, **options):
    """(Wall seconds, CPU seconds, result) of one call."""
    start, cpu = time.perf_counter(), time.process_time()
    result = function(*arguments, **options)
    return time.perf_counter() - start, time.process_time() - cpu, result


def measure_floor():
    """The floor's three parts, each warm, in this one process: {part: seconds, ...}."""
    from nswp_publish.build.parallel import collect_garbage_less_often
    from nswp_publish.build.pipeline import Builder
    from nswp_publish.content.load import load_publications
    from nswp_publish.content.markup import NOTE_ID_PREFIX
    from nswp_publish.pdf.structure_repair import repair
    from nswp_publish.pdf.writer import PdfWriter
    from nswp_publish.project import Project
    project = Project(ROOT, Path(tempfile.mkdtemp()))
    builder = Builder(project, log_warnings=False)
    publications = load_publications(project)
    pages = {}
    render_matrix(builder, publications, pages)         # warm: templates, locale data
    # Each catalog read once in the measured pass too, as a build's process does.
    builder.forget_translations(project.languages.codes)
    collect_garbage_less_often()                        # as the build's processes do
    render_cpu = time.process_time()
    render = render_matrix(builder, publications)
    render_cpu = time.process_time() - render_cpu
    writer = PdfWriter.for_project(project)
    by_language = {}
    for name, html in sorted(pages.items(), key=lambda item: len(item[1])):
        by_language.setdefault(name.split('-')[-2], html)
    for html in by_language.values():                   # warm: each language's fonts
        repair(writer.lay_out(html), NOTE_ID_PREFIX)
    weasyprint, repairing = {}, {}
    cpu = render_cpu
    for name, html in sorted(pages.items()):
        seconds, cpu_seconds, pdf = call_seconds(writer.lay_out, html, identifier=name)
        weasyprint[name] = seconds
        # A repair takes tens of milliseconds, where one collection of the layout's
        # garbage falling inside it would count double: the median of three says its cost.
        repairs = sorted(call_seconds(repair, pdf, NOTE_ID_PREFIX)[:2] for _ in range(3))
        repairing[name] = repairs[1][0]
        cpu += cpu_seconds + repairs[1][1]
    return {'weasyprint': sum(weasyprint.values()), 'repair': sum(repairing.values()),
            'render': render, 'documents': len(pages), 'cpu': cpu,
            'html': sum(len(publication.editions) * len(publication.languages)
                        for publication in publications),
            'repair per PDF': {name: repairing[name] / weasyprint[name] for name in pages}}


def write_print_page(folder, slug, language, edition):
    """The print HTML of one PDF, as our build renders it, into `folder`."""
    from nswp_publish.build.pipeline import Builder
    from nswp_publish.content.load import load_publications
    from nswp_publish.project import Project
    project = Project(ROOT, Path(tempfile.mkdtemp()))
    builder = Builder(project, log_warnings=False)
    publication = load_publications(project, [slug])[0]
    documents, interface, _ = builder.translate(publication, language, ('print',))
    html = builder.render_html(publication, language, edition, 'print', documents['print'],
                               interface)
    (Path(folder) / f'{slug}-{language}-{edition}.html').write_text(html, 'utf-8')


def layout_seconds(path, layouts=3):
    """Seconds of each warm layout of one HTML file (after a first one, not counted), in
    this process: run alone and two at once, they say how much a second busy core slows
    the first on this machine (shared caches and memory, a virtual machine's neighbours)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    base = (ROOT / 'templates' / 'assets').as_uri() + '/'
    html, font_config = Path(path).read_text('utf-8'), FontConfiguration()
    seconds = []
    for _ in range(layouts + 1):
        start = time.perf_counter()
        weasyprint.HTML(string=html, base_url=base).write_pdf(
            font_config=font_config, pdf_tags=True, pdf_variant='pdf/ua-1')
        seconds.append(time.perf_counter() - start)
    return seconds[1:]


def write_with_weasyprint(path):
    """WeasyPrint alone: lay out and write one HTML file (PDF/UA, tagged, as our build
    asks), in this new process."""
    import weasyprint
    base = (ROOT / 'templates' / 'assets').as_uri() + '/'
    weasyprint.HTML(string=Path(path).read_text('utf-8'), base_url=base).write_pdf(
        pdf_tags=True, pdf_variant='pdf/ua-1')


def preview_loop(scratch, saves):
    """The translator's loop: a preview of the Chinese editions on a copy of the project,
    the summary's PDF viewed; each save of its catalog changes one translation. Returns
    [(seconds to the web pages rebuilt, seconds to the new PDF written)] per save."""
    import threading
    import urllib.request
    from nswp_publish.cli.preview import Preview
    from nswp_publish.i18n.catalog import catalog_bytes, po_path, read_catalog
    from nswp_publish.output import write_atomic
    from nswp_publish.project import Project
    root = Path(scratch) / 'project'
    for folder in ('templates', 'content', 'locales'):
        shutil.copytree(ROOT / folder, root / folder)
    project = Project(root)
    preview = Preview(project, [ZH_SUMMARY[1]], port=0, log=lambda line: None)
    preview.start()
    relative = f'{ZH_SUMMARY[1]}/nswp-{ZH_SUMMARY[0]}-{ZH_SUMMARY[2]}-{ZH_SUMMARY[1]}.pdf'
    stream = urllib.request.urlopen(f'{preview.url}__events?pdf={relative}')
    threading.Thread(target=lambda: [None for _ in stream], daemon=True).start()
    path = project.output_dir / relative

    def wait(condition):
        while not condition():
            time.sleep(0.005)
    wait(lambda: path in preview.pdfs and preview.pdfs[path].generation)
    catalog_path = po_path(project.locales_dir, ZH_SUMMARY[1], ZH_SUMMARY[0])
    catalog = read_catalog(catalog_path, ZH_SUMMARY[1], ZH_SUMMARY[0])
    message = next(message for message in catalog if message.id and message.string
                   and not message.fuzzy and len(message.string) > 40)
    original = message.string
    times = []
    for save in range(saves):
        time.sleep(0.5)                 # a translator's pause: the watcher is idle again
        web, pdf = preview.generation, preview.pdfs[path].generation
        message.string = original + '。' * (save + 1)
        data = catalog_bytes(catalog)
        start = time.perf_counter()
        write_atomic(catalog_path, data)
        wait(lambda: preview.generation != web)
        web_seconds = time.perf_counter() - start
        wait(lambda: preview.pdfs[path].generation != pdf or preview.pdfs[path].error)
        times.append((web_seconds, time.perf_counter() - start))
        if preview.error or preview.pdfs[path].error:
            raise SystemExit(f'the preview failed: {preview.error or preview.pdfs[path].error}')
    preview.stop()
    return times


def photo_pdfs(folder, documents):
    """Seconds of each document with a PNG photo, with WeasyPrint's plain cache dictionary
    and with ours; the PDFs must be the same bytes."""
    import weasyprint
    from PIL import Image, ImageFilter
    from weasyprint.text.fonts import FontConfiguration
    from nswp_publish.pdf.image_streams import ImageCache
    size = (3000, 2000)
    smooth = Image.effect_noise(size, 60).filter(ImageFilter.GaussianBlur(6))
    grain = [Image.effect_noise(size, 25) for _ in range(3)]
    photo = Image.merge('RGB', [Image.blend(smooth, band, 0.3) for band in grain])
    photo.save(Path(folder) / 'photo.png')
    html = ('<html lang="en"><title>Photo</title><p>A photo.</p>'
            '<img src="photo.png" alt="A photo" style="width: 15cm">')
    font_config = FontConfiguration()
    times, outputs = {}, {}
    for name, cache in (('plain', {}), ('ours', ImageCache())):
        times[name] = []
        for _ in range(documents):
            start = time.perf_counter()
            outputs.setdefault(name, set()).add(weasyprint.HTML(
                string=html, base_url=Path(folder).as_uri() + '/').write_pdf(
                font_config=font_config, cache=cache, pdf_tags=True, pdf_variant='pdf/ua-1'))
            times[name].append(time.perf_counter() - start)
    if len(outputs['plain'] | outputs['ours']) != 1:
        raise SystemExit('the image cache changed the PDF')
    return times


#: The document of the translator's loop and of the single-PDF build.
ZH_SUMMARY = ('strategic-review-2010-15', 'zh', 'summary')


def child_mode(options):
    """What the benchmark runs in its own child processes, so that its memory and imports
    count in no measure."""
    if options.photos:
        for name, seconds in photo_pdfs(options.photos, options.repeat).items():
            print(name, ' '.join(f'{s:.2f}' for s in seconds))
    elif options.page:
        write_print_page(options.page, *ZH_SUMMARY)
    elif options.layout_speed:
        print(json.dumps(layout_seconds(options.layout_speed)))
    elif options.floor:
        print(json.dumps(measure_floor()))
    elif options.preview:
        print(json.dumps(preview_loop(options.preview, options.repeat)))
    else:
        write_with_weasyprint(options.weasyprint_only)


def child(*arguments):
    """The JSON a child mode of this script prints; its process tree's peak memory goes
    to PEAK_KB."""
    name = arguments[0].strip('-')
    process = subprocess.Popen([PYTHON, __file__, *map(str, arguments)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f'{name} failed ({process.returncode})')
    PEAK_KB[name] = max(PEAK_KB.get(name, 0), usage.ru_maxrss)
    return json.loads(output)


def layouts_at_once(page, processes):
    """The warm layout seconds (`layout_seconds`) of each of `processes` processes laying out
    `page` at the same time."""
    running = [subprocess.Popen([PYTHON, __file__, '--layout-speed', page], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True) for _ in range(processes)]
    outputs = [process.communicate()[0] for process in running]
    if any(process.returncode for process in running):
        raise SystemExit('layout-speed failed')
    return [json.loads(output) for output in outputs]


def measure(scratch, repeat):
    """{measure: [value of each run]}, every build writing in `scratch`."""
    build = [PYTHON, 'build.py', '--output', scratch / 'output']
    slug, language, edition = ZH_SUMMARY
    zh_summary = [*build, '--force', '--pub', slug, '--lang', language, '--edition', edition,
                  '--format', 'pdf']
    pages = scratch / 'pages'
    pages.mkdir()
    subprocess.run([PYTHON, __file__, '--page', pages], check=True)
    page = pages / f'{slug}-{language}-{edition}.html'
    runs = {name: [] for name in ('weasyprint', 'repair', 'render', 'floor', 'cold', 'noop',
                                  'zh floor', 'zh', 'preview web', 'preview pdf',
                                  'layout alone', 'layout beside another')}
    # Interleaved, so that a slow spell of a shared machine hits every measure alike.
    for run in range(repeat):
        floor = child('--floor', 1)
        for part in ('weasyprint', 'repair', 'render'):
            runs[part].append(floor[part])
        runs['floor'].append(floor['weasyprint'] + floor['repair'] + floor['render'])
        CPU.setdefault('floor', []).append(floor['cpu'])
        runs['cold'].append(timed([*build, '--force'], 'full matrix'))
        runs['noop'].extend(timed(build) for _ in range(3))
        runs['zh floor'].append(timed([PYTHON, __file__, '--weasyprint-only', page], 'zh floor'))
        runs['zh'].append(timed(zh_summary, 'zh summary'))
        runs['layout alone'].extend(child('--layout-speed', page))
        for layouts in layouts_at_once(page, 2):
            runs['layout beside another'].extend(layouts)
        loop = scratch / f'preview-{run}'
        loop.mkdir()
        for web, pdf in child('--preview', loop, '--repeat', 3):
            runs['preview web'].append(web)
            runs['preview pdf'].append(pdf)
    floor['timeline'] = traced_build([*build, '--force'], scratch / 'timeline.jsonl')
    return runs, floor


def traced_build(command, timeline):
    """Where one more cold build's time goes, from its timeline (`parallel.trace`): when the
    workers were forked and ready, the files' CPU seconds, how far apart the workers ended
    and what came after the last file. Seconds from the command's start."""
    from nswp_publish.build.parallel import TRACE_VARIABLE
    started = time.time()
    timed(command, env={**os.environ, TRACE_VARIABLE: str(timeline)})
    ended = time.time()
    events = [json.loads(line) for line in timeline.read_text('utf-8').splitlines()]
    files = [event for event in events if event['event'] == 'file']
    ends = {}
    for event in files:
        ends[event['pid']] = max(ends.get(event['pid'], 0), event['started'] + event['seconds'])
    ready = [event for event in events if event['event'] == 'ready']
    return {'total': ended - started,
            'forked': next(e['at'] for e in events if e['event'] == 'forking') - started,
            'ready': [event['at'] - started for event in ready],
            'start cpu': [event['cpu'] for event in ready],
            'files cpu': sum(event['cpu_seconds'] for event in files),
            'ends apart': max(ends.values()) - min(ends.values()),
            'after': ended - max(ends.values())}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='exit 1 when a target is missed')
    parser.add_argument('--repeat', type=int, default=3,
                        help='runs of each measure; the median counts (default 3)')
    parser.add_argument('--images', action='store_true',
                        help="only what a PNG photo costs each PDF, with and without our "
                             "image cache")
    for child_option in ('--page', '--floor', '--weasyprint-only', '--photos', '--preview',
                         '--layout-speed'):
        parser.add_argument(child_option, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.page or options.floor or options.weasyprint_only or options.photos or \
            options.preview or options.layout_speed:
        return child_mode(options)
    if options.repeat < 1:
        parser.error('--repeat must be 1 or more')
    if options.images:
        with tempfile.TemporaryDirectory(prefix='nswp-bench-') as scratch:
            print(f'a 3000 x 2000 PNG photo, seconds per PDF, {options.repeat} documents '
                  'in one process:')
            sys.stdout.flush()
            subprocess.run([PYTHON, __file__, '--photos', scratch, '--repeat',
                            str(options.repeat)], check=True)
        return 0
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix='nswp-bench-') as scratch:
        runs, floor = measure(Path(scratch), options.repeat)
    median = {name: statistics.median(values) for name, values in runs.items()}
    fastest = {name: min(values) for name, values in runs.items()}
    pdfs, html = floor['documents'], floor['html']
    per_core = median['floor'] / cores
    print(f'machine: {cores} cores, {os.uname().machine}, Python {sys.version.split()[0]}, '
          f'load average {os.getloadavg()[0]:.1f}; median of {options.repeat} runs '
          f'(the preview: of {len(runs["preview web"])} saves), fastest beside it')
    print(f'{"measure":50} {"what":12} {"median":>7} {"fastest":>7} {"target":>7}  ratio')
    missed = []

    def row(name, what, key, target=None, against=None, limit=None):
        """One measure; `against` (seconds) and `limit` (a ratio) make its target."""
        if against is not None:
            target = limit * against
        ratio = f'{median[key] / target:.2f}' if target else ''
        if target and median[key] > target:
            missed.append(name)
        target_text = f'{target:7.2f}' if target else ''
        print(f'{name:50} {what:12} {median[key]:7.2f} {fastest[key]:7.2f} {target_text:>7}  '
              f'{ratio}')

    row('floor: WeasyPrint, layout and write', f'{pdfs} PDFs', 'weasyprint')
    row('floor: structure repair', f'{pdfs} PDFs', 'repair')
    row('floor: rendering the HTML documents', f'{pdfs + html} HTML', 'render')
    row('floor, one process', 'all', 'floor')
    row('cold build, full matrix', f'{pdfs + html} files', 'cold', against=per_core, limit=1.1)
    row('no-op build', f'{pdfs + html} files', 'noop', target=0.3)
    row('WeasyPrint alone, new process: zh summary', '1 PDF', 'zh floor')
    row('cold --lang zh --edition summary --format pdf', '1 PDF', 'zh')
    row('preview: catalog saved -> web pages rebuilt', 'zh', 'preview web', target=0.5)
    row('preview: catalog saved -> zh summary PDF written', '1 PDF', 'preview pdf',
        against=median['zh floor'], limit=1.2)
    repair_share = median['repair'] / median['weasyprint']
    worst = max(floor['repair per PDF'].items(), key=lambda item: item[1])
    print(f'cold build / (floor / cores) = {median["cold"] / per_core:.2f} (target <= 1.10)')
    print(f'repair / WeasyPrint = {repair_share:.3f} (target < 0.05; the highest of one PDF, '
          f'last run: {worst[1]:.3f}, {worst[0]})')
    if repair_share >= 0.05:
        missed.append('repair')
    print(f'this machine: a layout beside another on the other core takes '
          f'{median["layout beside another"] / median["layout alone"]:.2f}x one alone (the '
          f'floor runs alone; a build keeps every core busy)')
    print(f'preview PDF / WeasyPrint alone = {median["preview pdf"] / median["zh floor"]:.2f} '
          f'(target <= 1.2); cold zh summary build / WeasyPrint alone = '
          f'{median["zh"] / median["zh floor"]:.2f}')
    # A loaded machine may not give a build's processes a core each: what they did, in CPU
    # seconds, says how much of the build is work beyond the floor's.
    cpu = {name: statistics.median(values) for name, values in CPU.items()}
    print(f'CPU seconds (median): floor {cpu["floor"]:.2f}, cold build {cpu["full matrix"]:.2f} '
          f'(ratio {cpu["full matrix"] / cpu["floor"]:.2f}, every process counted); zh summary '
          f'build {cpu["zh summary"]:.2f}, WeasyPrint alone on it {cpu["zh floor"]:.2f}')
    line = floor['timeline']
    print(f'one more cold build, traced ({line["total"]:.2f} s): workers forked at '
          f'{line["forked"]:.2f} s, ready at {min(line["ready"]):.2f} to {max(line["ready"]):.2f} '
          f's (their start: {max(line["start cpu"]):.2f} CPU s each); its files took '
          f'{line["files cpu"]:.2f} CPU s (the floor: {cpu["floor"]:.2f}); the workers ended '
          f'{line["ends apart"]:.2f} s apart, the build {line["after"]:.2f} s after the last file')
    print('all runs (s): ' + '; '.join(f'{name} ' + ' '.join(f'{s:.2f}' for s in values)
                                       for name, values in runs.items()))
    for name, kilobytes in PEAK_KB.items():
        print(f'peak memory, {name}: {kilobytes / 1024:.0f} MB (largest of its processes; '
              f'target < 500)')
        if kilobytes / 1024 >= 500 and name != 'floor':
            missed.append(f'memory of {name}')
    if missed:
        print('missed: ' + ', '.join(missed))
    return 1 if options.check and missed else 0


if __name__ == '__main__':
    sys.exit(main())
