"""Live preview for translators: serve the editions, rebuild on every edit, reload the page.

`build.py serve` serves `output/` on 127.0.0.1 only: each edition's web page, and its
PDF in a page of its own (`/__pdf/<lang>/<file>.pdf`); `serve --site` serves the web
library, `output/site/`, as the web team will upload it (search works there: Pagefind
needs http). A watcher thread polls the content, catalogs and templates. After a save it
rebuilds what the changed file feeds (a catalog: its language's pages only), and every
open page is told over Server-Sent Events and reloads itself, or shows the error of a
broken edit (which the terminal prints too) while the server keeps running. Then the
PDFs being viewed are rebuilt: this process renders their HTML, a `LayoutWorker` that
stays warm lays them out, and their pages reload. A broken edit keeps the last good PDF
on screen, under its error.
"""
import dataclasses
import errno
import html
import http.server
import json
import os
import threading
import time
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ..build.parallel import LayoutWorker
from ..build.pipeline import Builder, outputs_of
from ..errors import PublishError, UsageError
from ..project import BuildRequest
from ..site.builder import build_site
from ..site.publish import SITE
from ..wording import TOOL_LANGUAGE, counted

#: Where a served page shows the last save's error (fixed at the bottom, over the page).
ERROR_BOX = '''
<div id="nswp-preview-error" role="alert" style="display:none;position:fixed;inset:auto 0 0 0;
  max-height:40vh;overflow:auto;margin:0;padding:1rem;background:#3d1f4b;color:#fff;
  font:14px/1.4 monospace;white-space:pre-wrap;z-index:9999"></div>
'''
#: Injected into every served page (never into the files on disk).
RELOAD_SCRIPT = ERROR_BOX + '''<script>
(function () {
  var box = document.getElementById('nswp-preview-error');
  function show(message) { box.textContent = message || ''; box.style.display = message ? 'block' : 'none'; }
  show(%(error)s);
  var generation = %(generation)d;
  var events = new EventSource('/__events');
  events.onmessage = function (event) {
    var state = JSON.parse(event.data);
    if (state.error) { show(state.error); }
    else if (state.generation !== generation) { location.reload(); }
  };
})();
</script>
'''


#: The page that shows one PDF (chromium's viewer in a frame), reloaded with each new PDF.
PDF_PAGE = '''<!DOCTYPE html>
<html lang="%(lang)s"><head><meta charset="utf-8"><title>PDF preview: %(name)s</title>
<style>html, body, main { height: 100%%; margin: 0; } iframe { border: 0; width: 100%%; height: 100%%; }
#nswp-pdf-status { position: fixed; inset: 0 0 auto auto; margin: 0; padding: .25rem .5rem;
  background: #fff; color: #3d1f4b; font: 14px/1.4 sans-serif; }</style></head>
<body><main><iframe id="nswp-pdf" title="%(name)s" src="%(src)s"></iframe></main>
<p id="nswp-pdf-status" role="status">%(status)s</p>
%(script)s</body></html>
'''
PDF_SCRIPT = ERROR_BOX + '''<script>
(function () {
  var box = document.getElementById('nswp-preview-error');
  var frame = document.getElementById('nswp-pdf');
  var status = document.getElementById('nswp-pdf-status');
  var shown = %(generation)d;
  var events = new EventSource('/__events?pdf=' + encodeURIComponent(%(path)s));
  events.onmessage = function (event) {
    var state = JSON.parse(event.data), pdf = state.pdf || {};
    var message = state.error || pdf.error || '';
    box.textContent = message; box.style.display = message ? 'block' : 'none';
    status.textContent = pdf.building ? 'Rebuilding the PDF...' : '';
    if (pdf.generation && pdf.generation !== shown) {
      shown = pdf.generation;
      frame.src = %(url)s + '?generation=' + shown;
    }
  };
})();
</script>
'''


class Preview:
    """Builds the web pages, watches the sources, serves the pages and the PDFs viewed.

    `interval`: seconds between two looks at the sources (a save is seen within it)."""

    def __init__(self, project, languages, host='127.0.0.1', port=8000, interval=0.1, log=print,
                 site=False):
        # The port first: a port in use is said at once, before a minute of building.
        handler = partial(_Handler, self)
        try:
            self.server = http.server.ThreadingHTTPServer((host, port), handler)
        except (OSError, OverflowError) as error:
            reason = {errno.EADDRINUSE: 'the port is in use (by another program, or another '
                                        'serve)',
                      errno.EACCES: 'this user may not open that port'}.get(
                getattr(error, 'errno', None), getattr(error, 'strerror', None) or str(error))
            raise UsageError(f'cannot serve on {host}:{port}: {reason}',
                             hint=f'choose another port, e.g. --port {_other_port(port)}') \
                from None
        self.server.daemon_threads = True
        self.project = project
        self.site = site
        self.folder = project.output_dir / SITE if site else project.output_dir
        self.request = BuildRequest(languages=tuple(languages), formats=('html',))
        self.pdf_request = dataclasses.replace(self.request, formats=('pdf',))
        self.builder = Builder(project)
        self.building = threading.Lock()    # the builder, shared by the web and PDF rebuilds
        self.interval = interval
        self.log = log
        self.generation = 0
        self.error = None
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        self.layout = None          # the LayoutWorker, made by `start` before any thread
        self.pdfs = {}              # PDF path (in output/) -> PdfState
        self.viewers = {}           # PDF path -> how many of its pages are open
        self.wanted = set()         # PDF paths to rebuild

    @property
    def url(self):
        host, port = self.server.server_address[:2]
        return f'http://{host}:{port}/'

    def sources(self):
        """{path: mtime} of everything a rebuild depends on. Asked ten times a second, so
        with `os.walk` and `os.stat` (a fiftieth of what `Path.glob` took)."""
        found = {}
        for folder, suffix in ((self.project.content_dir, ''), (self.project.locales_dir, '.po'),
                               (self.project.templates_dir, '')):
            for parent, _, files in os.walk(folder):
                for name in files:
                    if name.endswith(suffix):
                        path = os.path.join(parent, name)
                        try:
                            found[Path(path)] = os.stat(path).st_mtime_ns
                        except FileNotFoundError:   # removed meanwhile (an editor's temporary)
                            pass
        if self.site and self.project.site_file.is_file():
            found[self.project.site_file] = self.project.site_file.stat().st_mtime_ns
        return found

    def changed_languages(self, paths):
        """The languages whose outputs the changed files feed, or None for all of them: a
        catalog feeds its own language only; content, templates and anything else, all."""
        languages = set()
        for path in paths:
            try:
                code, folder, name = path.relative_to(self.project.locales_dir).parts
            except ValueError:
                return None
            if folder != 'LC_MESSAGES' or not name.endswith('.po') or \
                    code not in self.project.languages:
                return None
            languages.add(code)
        return languages

    def rebuild(self, changed=None):
        """Rebuild the web pages the changed files feed (all of them without `changed`);
        remember the first error, or clear it, and wake the pages; then the PDFs viewed."""
        languages = self.changed_languages(changed) if changed else None
        try:
            if self.site:
                report = build_site(self.project)
                results = [*report.built, *report.rebuilt]
                error = None
            else:
                with self.building:
                    if languages is None or not self.builder.publications:
                        results = self.builder.build(self.request)
                    else:
                        self.builder.forget_translations(languages)
                        request = dataclasses.replace(self.request, languages=tuple(
                            code for code in self.request.languages if code in languages))
                        results = [self.builder.build_one(publication, *output, request)
                                   for publication in self.builder.publications
                                   for output in outputs_of(publication, request)]
                failed = [result.error for result in results if result.status == 'failed']
                error = failed[0] if failed else None
        except PublishError as exception:
            error, results = str(exception), []
        with self.changed:
            self.error = error
            self.generation += 1
            for path, state in self.pdfs.items():
                if languages is None or state.language in languages:
                    state.stale = True
                    if self.viewers.get(path) or not state.generation:
                        self.wanted.add(path)
            self.changed.notify_all()
        if error:
            self.log(f'error: {error}')
        else:
            self.log(f'rebuilt {counted(len(results), "part" if self.site else "page")}')

    def view_pdf(self, path):
        """The state of the PDF `path` (in output/), asked to be built if it is not
        current; None if no edition served has that PDF."""
        with self.changed:
            state = self.pdfs.get(path)
        if state is None:
            edition = self.pdf_edition(path)    # outside the lock: a rebuild may hold it
            if edition is None:
                return None
        with self.changed:
            state = self.pdfs.setdefault(path, state or PdfState(*edition))
            if (state.stale or not state.generation) and not state.building:
                self.wanted.add(path)
                self.changed.notify_all()
            return state

    def pdf_edition(self, path):
        """(slug, language, edition) of the PDF `path`, among the editions served."""
        with self.building:
            publications = self.builder.publications
        for publication in publications:
            for language, edition, _ in outputs_of(publication, self.pdf_request):
                if self.project.output_path(publication, language, edition, 'pdf') == path:
                    return publication.slug, language, edition
        return None

    def build_pdfs(self):
        """The PDF thread: rebuild each PDF asked for, newest sources first, until stopped."""
        while True:
            with self.changed:
                self.changed.wait_for(lambda: self.wanted or self.stopping.is_set())
                if self.stopping.is_set():
                    return
                path = self.wanted.pop()
                state = self.pdfs[path]
                state.building, state.stale = True, False
                self.changed.notify_all()
            error = self.build_pdf(path, state)
            if error is None:
                self.log(f'rebuilt {path.name}')
            elif error != self.error:       # the web pages' error is said already
                self.log(f'error: {error}')
            with self.changed:
                state.building = False
                state.error = error
                if error is None:
                    state.generation += 1
                self.changed.notify_all()

    def build_pdf(self, path, state):
        """Render the PDF's HTML here, lay it out in the warm worker: None, or the error."""
        try:
            with self.building:
                publication = self.builder.publication(state.slug)
                page, _ = self.builder.render_output(publication, state.language, state.edition,
                                                     'pdf', self.pdf_request)
        except PublishError as error:
            return str(error)
        return self.layout.write(path, page, self.pdf_request.pdf_variant, publication.folder)

    def watch(self):
        seen = self.sources()
        while not self.stopping.wait(self.interval):
            current = self.sources()
            if current != seen:
                changed = {path for path in current.keys() | seen.keys()
                           if current.get(path) != seen.get(path)}
                seen = current
                self.rebuild(changed)

    def start(self):
        """Build once, then watch, serve and rebuild PDFs in background threads (for tests
        and `serve`)."""
        if not self.site:                           # the web library shows no PDF
            self.layout = LayoutWorker(self.project)    # forked before any thread starts
        self.rebuild()
        for target in (self.watch, self.server.serve_forever, self.build_pdfs):
            threading.Thread(target=target, daemon=True).start()
        return self

    def stop(self):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        with self.changed:
            self.changed.notify_all()
        if self.layout:
            self.layout.close()

    def state(self, pdf=None):
        """What the pages are told: the web pages' generation and error; with `pdf`, that
        PDF's generation (0 until built), its error and whether it is being rebuilt."""
        state = {'generation': self.generation, 'error': self.error}
        if pdf is not None:
            state['pdf'] = {'generation': pdf.generation, 'error': pdf.error,
                            'building': pdf.building or pdf.stale}
        return state


@dataclasses.dataclass
class PdfState:
    """One PDF the preview shows: which edition, how many times it was rebuilt here."""

    slug: str
    language: str
    edition: str
    generation: int = 0         # 0: not built by this preview yet
    error: str | None = None    # the last rebuild's error; the PDF on disk is the last good
    building: bool = False
    stale: bool = False         # its sources changed since it was last built


class _Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, preview, *args, **kwargs):
        self.preview = preview
        super().__init__(*args, directory=str(preview.folder), **kwargs)

    def log_message(self, format, *args):     # the terminal shows builds, not requests
        pass

    def do_GET(self):
        path = self.path.split('?', 1)[0]
        if path == '/__events':
            return self.send_events()
        if path.endswith('/') and self.preview.site:
            return self.send_page(path + 'index.html')
        if path == '/':
            return self.send_index()
        if path.startswith('/__pdf/') and not self.preview.site:
            return self.send_pdf_page(unquote(path[len('/__pdf/'):]))
        if path.endswith('.html'):
            return self.send_page(path)
        return super().do_GET()

    def send_page(self, path):
        file = Path(self.translate_path(path))
        if not file.is_file():
            return self.send_error(404, 'not built (yet)')
        state = self.preview.state()
        script = RELOAD_SCRIPT % {'error': json.dumps(state['error']),
                                  'generation': state['generation']}
        page = file.read_text('utf-8').replace('</body>', script + '</body>', 1)
        self.send_bytes(page.encode('utf-8'), 'text/html; charset=utf-8')

    def pdf_file(self, relative):
        """The PDF in output/ that `relative` names, or None if it names none."""
        output = self.preview.project.output_dir.resolve()
        path = (output / relative).resolve()
        if path.suffix != '.pdf' or output not in path.parents:
            return None
        return self.preview.project.output_dir / path.relative_to(output)

    def send_pdf_page(self, relative):
        path = self.pdf_file(relative)
        pdf = self.preview.view_pdf(path) if path else None
        if pdf is None:
            return self.send_error(404, 'no edition served has this PDF')
        relative = path.relative_to(self.preview.project.output_dir).as_posix()
        url = '/' + quote(relative)
        with self.preview.changed:
            state = self.preview.state(pdf)
        script = PDF_SCRIPT % {'generation': state['pdf']['generation'],
                               'path': json.dumps(relative), 'url': json.dumps(url)}
        page = PDF_PAGE % {
            'lang': TOOL_LANGUAGE, 'name': html.escape(path.name), 'script': script,
            'src': html.escape(f'{url}?generation={state["pdf"]["generation"]}')
            if path.is_file() else 'about:blank',
            'status': 'Rebuilding the PDF...' if state['pdf']['building'] else ''}
        self.send_bytes(page.encode('utf-8'), 'text/html; charset=utf-8')

    def send_index(self):
        output = self.preview.project.output_dir
        rows = []
        for path in sorted(output.glob('*/*.html')):
            relative = path.relative_to(output).as_posix()
            pdf = quote(relative[:-len('.html')] + '.pdf')
            rows.append(f'<li><a href="/{quote(relative)}">{html.escape(path.name)}</a> '
                        f'(<a href="/__pdf/{pdf}">PDF</a>)</li>')
        page = (f'<!DOCTYPE html><html lang="{TOOL_LANGUAGE}"><title>Preview</title>'
                f'<main><h1>Preview</h1><ul>{"".join(rows)}</ul></main></html>')
        self.send_bytes(page.encode('utf-8'), 'text/html; charset=utf-8')

    def send_bytes(self, data, content_type):
        self.send_response(200)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        self.send_header('Cache-Control', 'no-store')
        self.end_headers()
        self.wfile.write(data)

    def send_events(self):
        """Server-Sent Events: the state, again at each change. `?pdf=<lang>/<file>.pdf`:
        the page shows that PDF, which is rebuilt after each change while it is open."""
        preview = self.preview
        wanted = parse_qs(urlsplit(self.path).query).get('pdf')
        path = self.pdf_file(wanted[0]) if wanted and not preview.site else None
        pdf = preview.view_pdf(path) if path else None
        self.send_response(200)
        self.send_header('Content-Type', 'text/event-stream')
        self.send_header('Cache-Control', 'no-store')
        self.end_headers()
        if pdf is not None:
            with preview.changed:
                preview.viewers[path] = preview.viewers.get(path, 0) + 1
        try:
            while not preview.stopping.is_set():
                with preview.changed:
                    state = preview.state(pdf)
                self.wfile.write(f'data: {json.dumps(state)}\n\n'.encode())
                self.wfile.flush()
                with preview.changed:
                    preview.changed.wait_for(
                        lambda: preview.state(pdf) != state or preview.stopping.is_set(),
                        timeout=15)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            if pdf is not None:
                with preview.changed:
                    preview.viewers[path] -= 1


def _other_port(port):
    return port + 1 if port < 65535 else 8000


def serve(project, languages, port, log=print, site=False):
    """Run the preview until interrupted (the `serve` command)."""
    preview = Preview(project, languages, port=port, log=log, site=site).start()
    shown = 'the web library' if site else 'each edition\'s web page and PDF'
    log(f'Serving {preview.url} (Ctrl-C to stop): {shown}; '
        'watching content/, locales/ and templates/')
    try:
        while True:
            time.sleep(3600)
    finally:
        preview.stop()
