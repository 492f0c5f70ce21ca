"""Build-speed benchmark: our builds against WeasyPrint's own time, measured in one run.

Run by hand (not part of the test suite), from the project root:

    .venv/bin/python benchmarks/bench_build.py [--check]

It measures the floor (WeasyPrint alone laying out and writing the same HTML, one
process, one FontConfiguration), our cold build of the full matrix, a no-op build,
a cold `--lang zh --edition summary --format pdf`, and peak memory, then prints
the ratios against the targets. `--check` exits 1 when a target is missed.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nswp_publish.choices import EDITIONS, LANGUAGES  # noqa: E402
from nswp_publish.pipeline import Builder, Project, check_glyphs  # noqa: E402

PYTHON = sys.executable


def timed(command):
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def floor_seconds():
    """WeasyPrint alone: render + write each print HTML of the matrix, sequentially."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    project = Project(ROOT, Path(tempfile.mkdtemp()))
    builder = Builder(project, log_warnings=False)
    publication = project.publications()[0]
    pages = []
    for language in LANGUAGES:
        documents, interface, _ = builder.translate(publication, language, ('print',))
        for edition in EDITIONS:
            html = builder.render_html(publication, language, edition, 'print',
                                       documents['print'], interface)
            check_glyphs(documents['print'], html, language, edition)
            pages.append(html)
    fonts = FontConfiguration()
    base = (ROOT / 'templates' / 'assets').as_uri() + '/'
    start = time.perf_counter()
    for html in pages:
        weasyprint.HTML(string=html, base_url=base).write_pdf(font_config=fonts, pdf_tags=True,
                                                             pdf_variant='pdf/ua-1')
    return time.perf_counter() - start, len(pages)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='exit 1 when a target is missed')
    options = parser.parse_args()
    cores = os.cpu_count() or 1
    output = tempfile.mkdtemp(prefix='nswp-bench-')
    build = [PYTHON, 'build.py', '--output', output]

    floor, documents = floor_seconds()
    cold = timed([*build, '--force'])
    noop = min(timed(build) for _ in range(5))
    zh = timed([*build, '--force', '--lang', 'zh', '--edition', 'summary', '--format', 'pdf'])
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    rows = [
        ('WeasyPrint floor', f'{documents} PDFs', floor, None),
        ('cold build, full matrix', '20 files', cold, 1.1 * floor / cores),
        ('no-op build', '20 files', noop, 0.3),
        ('cold --lang zh --edition summary --format pdf', '1 PDF', zh, 1.5),
    ]
    print(f'machine: {cores} cores, {os.uname().machine}, Python {sys.version.split()[0]}')
    print(f'{"measure":48} {"what":10} {"seconds":>8} {"target":>8}  ratio')
    missed = False
    for name, what, seconds, target in rows:
        ratio = f'{seconds / target:.2f}' if target else ''
        missed |= bool(target and seconds > target)
        target_text = f'{target:8.2f}' if target else '        '
        print(f'{name:48} {what:10} {seconds:8.2f} {target_text}  {ratio}')
    print(f'cold build / (floor / cores) = {cold / (floor / cores):.2f} (target <= 1.10)')
    print(f'peak memory of one build process: {peak_mb:.0f} MB')
    return 1 if options.check and missed else 0


if __name__ == '__main__':
    sys.exit(main())
