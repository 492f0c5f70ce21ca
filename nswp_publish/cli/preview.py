"""Live preview for translators: serve the HTML editions, rebuild on every edit, reload the page.

`build.py serve` serves `output/` on 127.0.0.1 only; `serve --site` serves the web library,
`output/site/`, as the web team will upload it (search works there: Pagefind needs http). A watcher thread polls the
content, catalogs and templates; after a rebuild every open page is told over
Server-Sent Events and reloads itself, or shows the error of a broken edit
(which the terminal prints too) while the server keeps running.
"""
import errno
import html
import http.server
import json
import threading
import time
from functools import partial
from pathlib import Path

from ..build.pipeline import Builder
from ..errors import PublishError, UsageError
from ..project import BuildRequest
from ..site.builder import build_site
from ..site.publish import SITE
from ..wording import TOOL_LANGUAGE, counted

#: Injected into every served page (never into the files on disk).
RELOAD_SCRIPT = '''
<div id="nswp-preview-error" role="alert" style="display:none;position:fixed;inset:auto 0 0 0;
  max-height:40vh;overflow:auto;margin:0;padding:1rem;background:#3d1f4b;color:#fff;
  font:14px/1.4 monospace;white-space:pre-wrap;z-index:9999"></div>
<script>
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


class Preview:
    """Builds the HTML editions, watches the sources and serves the result."""

    def __init__(self, project, languages, host='127.0.0.1', port=8000, interval=0.4, log=print,
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
        self.builder = Builder(project)
        self.interval = interval
        self.log = log
        self.generation = 0
        self.error = None
        self.changed = threading.Condition()
        self.stopping = threading.Event()

    @property
    def url(self):
        host, port = self.server.server_address[:2]
        return f'http://{host}:{port}/'

    def sources(self):
        """{path: mtime} of everything a rebuild depends on."""
        found = {}
        for folder, pattern in ((self.project.content_dir, '**/*'),
                                (self.project.locales_dir, '**/*.po'),
                                (self.project.templates_dir, '**/*')):
            for path in folder.glob(pattern):
                if path.is_file():
                    found[path] = path.stat().st_mtime_ns
        if self.site and self.project.site_file.is_file():
            found[self.project.site_file] = self.project.site_file.stat().st_mtime_ns
        return found

    def rebuild(self):
        """Rebuild the HTML; remember the first error, or clear it, and wake the pages."""
        try:
            if self.site:
                report = build_site(self.project)
                results = [*report.built, *report.rebuilt]
                error = None
            else:
                results = self.builder.build(self.request)
                failed = [result.error for result in results if result.status == 'failed']
                error = failed[0] if failed else None
        except PublishError as exception:
            error, results = str(exception), []
        with self.changed:
            self.error = error
            self.generation += 1
            self.changed.notify_all()
        if error:
            self.log(f'error: {error}')
        else:
            self.log(f'rebuilt {counted(len(results), "part" if self.site else "page")}')

    def watch(self):
        seen = self.sources()
        while not self.stopping.wait(self.interval):
            current = self.sources()
            if current != seen:
                seen = current
                self.rebuild()

    def start(self):
        """Build once, then watch and serve in background threads (for tests and `serve`)."""
        self.rebuild()
        threading.Thread(target=self.watch, daemon=True).start()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        with self.changed:
            self.changed.notify_all()

    def state(self):
        return {'generation': self.generation, 'error': self.error}


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

    def send_index(self):
        links = ''.join(
            f'<li><a href="/{path.relative_to(self.preview.project.output_dir).as_posix()}">'
            f'{html.escape(path.name)}</a></li>'
            for path in sorted(self.preview.project.output_dir.glob('*/*.html')))
        page = (f'<!DOCTYPE html><html lang="{TOOL_LANGUAGE}"><title>Preview</title>'
                f'<ul>{links}</ul></html>')
        self.send_bytes(page.encode('utf-8'), 'text/html; charset=utf-8')

    def send_bytes(self, data, content_type):
        self.send_response(200)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        self.send_header('Cache-Control', 'no-store')
        self.end_headers()
        self.wfile.write(data)

    def send_events(self):
        self.send_response(200)
        self.send_header('Content-Type', 'text/event-stream')
        self.send_header('Cache-Control', 'no-store')
        self.end_headers()
        preview = self.preview
        try:
            while not preview.stopping.is_set():
                state = preview.state()
                self.wfile.write(f'data: {json.dumps(state)}\n\n'.encode())
                self.wfile.flush()
                with preview.changed:
                    preview.changed.wait_for(
                        lambda: preview.generation != state['generation']
                        or preview.stopping.is_set(), timeout=15)
        except (BrokenPipeError, ConnectionResetError):
            pass


def _other_port(port):
    return port + 1 if port < 65535 else 8000


def serve(project, languages, port, log=print, site=False):
    """Run the preview until interrupted (the `serve` command)."""
    preview = Preview(project, languages, port=port, log=log, site=site).start()
    log(f'Serving {preview.url} (Ctrl-C to stop); watching content/, locales/ and templates/')
    try:
        while True:
            time.sleep(3600)
    finally:
        preview.stop()
