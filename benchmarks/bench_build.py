"""Build-speed benchmark: our builds against WeasyPrint's own time, measured in one run.

Run by hand (not part of the test suite), from the project root:

    .venv/bin/python benchmarks/bench_build.py [--check]

It measures the floor (WeasyPrint alone laying out and writing the same HTML, one
process, one FontConfiguration), our cold build of the full matrix, a no-op build,
a cold `--lang zh --edition summary --format pdf` beside WeasyPrint alone on that
document in a new process, and peak memory, then prints the ratios against the
targets. Each measure is run `--repeat` times, interleaved, and the fastest run
counts: on a shared machine the slow runs measure the neighbours. `--check` exits
1 when a target is missed.

`--images` measures only what a PNG photo costs each PDF (no targets): a 3000 x 2000
photo on one page, written in `--repeat` documents with WeasyPrint's plain cache
dictionary (each document decodes and deflates it again) and with our
`image_streams.ImageCache` (the first document does, the others reuse its stream).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
PEAK_KB = {}     # command name -> the largest resident size of any of its processes


def timed(command, name=None):
    """Wall-clock seconds of a command; its process tree's peak memory goes to PEAK_KB."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f'{" ".join(map(str, command))} failed ({process.returncode})')
    if name:
        PEAK_KB[name] = max(PEAK_KB.get(name, 0), usage.ru_maxrss)
    return seconds


def write_print_pages(folder):
    """Write the print HTML of every PDF in the matrix (every publication, each language and
    edition it declares), as our build renders it."""
    from nswp_publish.content.load import load_publications
    from nswp_publish.build.pipeline import Builder, check_glyphs
    from nswp_publish.project import Project
    project = Project(ROOT, Path(tempfile.mkdtemp()))
    builder = Builder(project, log_warnings=False)
    for publication in load_publications(project):
        for language in publication.languages:
            documents, interface, _ = builder.translate(publication, language, ('print',))
            for edition in publication.editions:
                html = builder.render_html(publication, language, edition, 'print',
                                           documents['print'], interface)
                check_glyphs(documents['print'], html, project.languages[language], edition)
                name = f'{publication.slug}-{language}-{edition}.html'
                (Path(folder) / name).write_text(html, 'utf-8')


def write_with_weasyprint(paths):
    """WeasyPrint alone: lay out and write each HTML file (PDF/UA, tagged, as our build
    asks), with one FontConfiguration; returns the seconds it took, imports excluded."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    pages = [Path(path).read_text('utf-8') for path in paths]
    base = (ROOT / 'templates' / 'assets').as_uri() + '/'
    font_config = FontConfiguration()
    start = time.perf_counter()
    for html in pages:
        weasyprint.HTML(string=html, base_url=base).write_pdf(
            font_config=font_config, pdf_tags=True, pdf_variant='pdf/ua-1')
    return time.perf_counter() - start


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


def child_mode(options):
    """What the benchmark runs in its own child processes, so that its memory and imports
    count in no measure."""
    if options.photos:
        for name, seconds in photo_pdfs(options.photos, options.repeat).items():
            print(name, ' '.join(f'{s:.2f}' for s in seconds))
    elif options.pages:
        write_print_pages(options.pages)
    else:
        seconds = write_with_weasyprint(sorted(Path(options.floor).glob('*.html'))
                                        if options.floor else [options.weasyprint_only])
        if options.floor:
            print(f'{seconds:.4f}')


def measure(scratch, repeat):
    """({measure: [seconds of each run]}, number of PDFs), every build writing in `scratch`."""
    build = [PYTHON, 'build.py', '--output', scratch / 'output']
    zh_summary = [*build, '--force', '--pub', 'strategic-review-2010-15', '--lang', 'zh',
                  '--edition', 'summary', '--format', 'pdf']
    pages = scratch / 'pages'
    pages.mkdir()
    subprocess.run([PYTHON, __file__, '--pages', pages], check=True)
    runs = {'floor': [], 'cold': [], 'noop': [], 'zh floor': [], 'zh': []}
    # Interleaved, so that a slow spell of a shared machine hits every measure alike.
    for _ in range(repeat):
        # The floor is timed inside its process: imports and reading the HTML excluded.
        runs['floor'].append(float(subprocess.run(
            [PYTHON, __file__, '--floor', pages], check=True, capture_output=True,
            text=True).stdout))
        runs['cold'].append(timed([*build, '--force'], 'full matrix'))
        runs['noop'].extend(timed(build) for _ in range(3))
        runs['zh floor'].append(timed([PYTHON, __file__, '--weasyprint-only',
                                       pages / 'strategic-review-2010-15-zh-summary.html']))
        runs['zh'].append(timed(zh_summary, 'zh summary'))
    return runs, len(list(pages.glob('*.html')))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='exit 1 when a target is missed')
    parser.add_argument('--repeat', type=int, default=3,
                        help='runs of each measure; the fastest counts (default 3)')
    parser.add_argument('--images', action='store_true',
                        help="only what a PNG photo costs each PDF, with and without our "
                             "image cache")
    for child_option in ('--pages', '--floor', '--weasyprint-only', '--photos'):
        parser.add_argument(child_option, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.pages or options.floor or options.weasyprint_only or options.photos:
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
        runs, documents = measure(Path(scratch), options.repeat)
    best = {name: min(seconds) for name, seconds in runs.items()}

    rows = [
        ('WeasyPrint floor (one process)', f'{documents} PDFs', best['floor'], None),
        ('cold build, full matrix', f'{2 * documents} files', best['cold'],
         1.1 * best['floor'] / cores),
        ('no-op build', f'{2 * documents} files', best['noop'], 0.3),
        ('WeasyPrint alone, new process, zh summary', '1 PDF', best['zh floor'], None),
        ('cold --lang zh --edition summary --format pdf', '1 PDF', best['zh'], 1.5),
    ]
    print(f'machine: {cores} cores, {os.uname().machine}, Python {sys.version.split()[0]}; '
          f'fastest of {options.repeat} runs')
    print(f'{"measure":48} {"what":10} {"seconds":>8} {"target":>8}  ratio')
    missed = False
    for name, what, seconds, target in rows:
        ratio = f'{seconds / target:.2f}' if target else ''
        missed |= bool(target and seconds > target)
        target_text = f'{target:8.2f}' if target else '        '
        print(f'{name:48} {what:10} {seconds:8.2f} {target_text}  {ratio}')
    print(f'cold build / (floor / cores) = {best["cold"] / (best["floor"] / cores):.2f} '
          '(target <= 1.10)')
    print(f'cold zh summary / WeasyPrint alone on it = {best["zh"] / best["zh floor"]:.2f}')
    print('all runs (s): ' + '; '.join(f'{name} ' + ' '.join(f'{s:.2f}' for s in seconds)
                                       for name, seconds in runs.items()))
    for name, kilobytes in PEAK_KB.items():
        print(f'peak memory, {name} build: {kilobytes / 1024:.0f} MB (largest of its processes)')
    return 1 if options.check and missed else 0


if __name__ == '__main__':
    sys.exit(main())
