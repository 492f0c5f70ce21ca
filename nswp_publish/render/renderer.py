"""Rendering: a translated publication + Jinja templates -> one HTML document.

The same templates serve both media: 'print' (the HTML WeasyPrint lays out,
footnotes inline) and 'web' (a standalone page, styles inlined, notes at the
end). Interface text in templates comes from the shared `messages` catalog,
escaped here because Jinja's i18n extension would otherwise trust it as HTML.
"""
import hashlib
import re
import traceback
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import jinja2
from babel.lists import format_list
from markupsafe import Markup, escape

from ..content import margin_figures
from ..content.model import iter_blocks
from ..errors import TemplateError
from ..output import CACHE_DIR
from ..i18n.typography import Typesetter, isolate_ltr
from . import charts, media
from .headings import close_heading_gaps

#: Stands for the page number in a translated page reference until CSS supplies it.
PAGE_MARK = '\ue000'


def _escaped(function, typesetters=None, shown_in_source=None, key=None, isolate=None):
    """Wrap a gettext function so a translation is data, never markup, set by its language's
    typography: `typesetters` maps whether the message is shown in the source language
    (`shown_in_source(context, msgid)`, `key(args)` giving those) to the one to apply."""
    def wrapper(*args):
        text = function(*args)
        if typesetters:
            typesetter = typesetters[shown_in_source(*key(args))]
            if typesetter.active:
                text = typesetter.text(text)
        return str(isolate(text) if isolate else escape(text))
    return wrapper


def in_edition(node, edition):
    """Jinja test: a chapter or block without `editions` is in every edition."""
    return not node['editions'] or edition in node['editions']


@jinja2.pass_context
def linked_list(context, ids):
    """Cross-references as a list in the language's own form ("1, 4 and 10"): each the
    number of its target, linked to it, in number order."""
    targets = context['pub']['targets']
    numbers = sorted((targets[target]['number'], target) for target in ids)
    tokens = [f'\x00{index}\x00' for index in range(len(numbers))]
    text = str(escape(format_list(tokens, locale=context['lang'])))
    for token, (number, target) in zip(tokens, numbers):
        text = text.replace(token, f'<a href="#{escape(target)}">{int(number)}</a>')
    return Markup(text)


def page_reference_css(label):
    """A translated "(p. %(page)s)" as a CSS `content` value with the page of a link's
    target in place of the placeholder: what a printed cross-reference ends with."""
    # A right-to-left language's label isolates its Latin words in <bdi>: not in CSS.
    label = re.sub(r'</?bdi[^>]*>', '', str(label))
    before, _, after = str(Markup(label).unescape()).partition(PAGE_MARK)

    def css_string(text):
        return '"' + text.replace('\\', '\\\\').replace('"', '\\"').replace('\n', ' ') + '"'
    return Markup(f' {css_string(" " + before)} target-counter(attr(href), page) '
                  f'{css_string(after)}')


def find_blocks(tree, kind):
    """Every block of one type anywhere in a content tree, in reading order."""
    return [block for block in iter_blocks(tree) if block['type'] == kind]


class _FigureLister(HTMLParser):
    """Reads the captioned figures and tables (`<figure id=... class="figure|table ...">`
    with a `<figcaption>`) out of rendered HTML, for a list of figures and tables.

    The caption is copied without its message anchors and footnotes, which belong to the
    figure itself.
    """

    SKIPPED = {'footnote', 'footnote-call', 'footnote-ref'}

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.found = []
        self._figures = []         # open <figure>s: (kind, anchor), or None if not listed
        self._caption = None       # parts of the caption being read
        self._open = []            # inside the caption: 'keep', 'unwrap' or 'skip' per element

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get('class') or '').split())
        if self._caption is not None:
            if 'skip' in self._open or self.SKIPPED & classes:
                self._open.append('skip')
            elif tag == 'span' and 'msg' in classes:
                self._open.append('unwrap')
            else:
                self._open.append('keep')
                kept = ''.join(f' {name}="{escape(value)}"' for name, value in attrs.items()
                               if name != 'id' and value is not None)
                self._caption.append(f'<{tag}{kept}>')
        elif tag == 'figure':
            kind = 'table' if 'table' in classes else 'figure' if 'figure' in classes else None
            self._figures.append((kind, attrs['id']) if kind and attrs.get('id') else None)
        elif tag == 'figcaption' and self._figures and self._figures[-1]:
            self._caption, self._open = [], []

    def handle_endtag(self, tag):
        if self._caption is None:
            if tag == 'figure' and self._figures:
                self._figures.pop()
        elif not self._open:
            kind, anchor = self._figures[-1]
            self.found.append({'kind': kind, 'anchor': anchor,
                               'caption': Markup(''.join(self._caption).strip())})
            self._figures[-1] = None       # one entry per figure
            self._caption = None
        elif self._open.pop() == 'keep':
            self._caption.append(f'</{tag}>')

    def handle_data(self, data):
        if self._caption is not None and 'skip' not in self._open:
            self._caption.append(str(escape(data)))

    def handle_entityref(self, name):
        if self._caption is not None and 'skip' not in self._open:
            self._caption.append(f'&{name};')

    def handle_charref(self, name):
        self.handle_entityref(f'#{name}')


def listed_figures(html):
    """[{'kind': 'figure'|'table', 'anchor', 'caption'}] of the rendered chapters, in order."""
    lister = _FigureLister()
    lister.feed(str(html))
    lister.close()
    return lister.found


def visible_text(html):
    """The text a reader sees of an HTML document (styles and scripts aside), unescaped."""
    html = re.sub(r'<(style|script)\b.*?</\1>', ' ', html, flags=re.S)
    return unescape(re.sub(r'<[^>]+>', ' ', html))


#: The environment's settings that shape a template's compiled code.
_COMPILING = dict(autoescape=True, extensions=['jinja2.ext.i18n', 'jinja2.ext.do'],
                  trim_blocks=True, lstrip_blocks=True)


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept on disk between builds: every build process would otherwise
    compile each template it uses again (some 60 ms of each one's first file).

    Jinja checks each entry against its template's source; it does not know which Jinja
    compiled it nor with which settings, so the folder is named for both. A cache that
    cannot be read or written is no error: the templates are compiled as before.
    """

    def __init__(self):
        stamp = hashlib.sha1(f'{jinja2.__version__} {sorted(_COMPILING.items())}'.encode(),
                             usedforsecurity=False).hexdigest()[:16]
        folder = CACHE_DIR / f'templates-{stamp}'
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass
        super().__init__(str(folder))

    def load_bytecode(self, bucket):
        try:
            super().load_bytecode(bucket)
        except OSError:
            pass

    def dump_bytecode(self, bucket):
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


class Renderer:
    """One Jinja environment for every document a process renders."""

    def __init__(self, template_dirs, languages):
        """`template_dirs`: searched in order, a publication's own folder before the shared one.
        `languages`: the project's `Languages`, whose fonts and line breaking templates use.

        The last (shared) folder is also reachable as "base/NAME", so a publication's
        `summary.html` can `{% extends "base/summary.html" %}` and override its blocks.
        """
        self.template_dirs = [Path(folder) for folder in template_dirs]
        self.languages = languages
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader([
                jinja2.FileSystemLoader([str(folder) for folder in self.template_dirs]),
                jinja2.PrefixLoader({'base': jinja2.FileSystemLoader(str(self.template_dirs[-1]))}),
            ]),
            undefined=jinja2.StrictUndefined,
            bytecode_cache=_TemplateCache(),
            **_COMPILING,
        )
        self.env.policies['ext.i18n.trimmed'] = True
        # A publication's own SVG figures name a language's fonts and wrap labels its way.
        self.env.filters['wrap_label'] = lambda text, width, code: charts.wrap_label(
            text, width, languages[code])
        self.env.filters['close_heading_gaps'] = close_heading_gaps
        self.env.globals['fonts_for'] = lambda code: languages[code].fonts
        self.env.globals['linked_list'] = linked_list
        self.env.globals['find_blocks'] = find_blocks
        self.env.globals['listed_figures'] = listed_figures
        self.env.globals['page_reference_css'] = page_reference_css
        self.env.globals['PAGE_MARK'] = PAGE_MARK
        # Images and charts (partials/image.html, chart.html): files and SVG per language.
        self.env.globals['image_source'] = media.image_source
        self.env.globals['draw_chart'] = media.draw_chart
        self.env.globals['has_margin_figures'] = margin_figures.has_margin_figures
        self.env.tests['in_edition'] = in_edition

    def has_template(self, name):
        """Whether `name` is in one of this renderer's template folders."""
        return any((folder / name).is_file() for folder in self.template_dirs)

    def render(self, template_name, interface, **context):
        """Render a template with one language's interface translations installed (and its
        typography: `context['language']`, a `Language`, when given)."""
        return self._run(template_name, interface, context,
                         lambda template: template.render(**context))

    def wording(self, template_name, interface, **context):
        """{name: plain text} of the top-level `{% set %}` of a template, in one language:
        words a program needs (the EPUB's navigation headings, its accessibility summary)
        kept where translators' messages are, in the templates."""
        module = self._run(template_name, interface, context,
                           lambda template: template.make_module(context))
        return {name: Markup(value).striptags() for name, value in vars(module).items()
                if not name.startswith('_') and isinstance(value, str)}

    def _run(self, template_name, interface, context, run):
        typesetters = isolate = None
        if context.get('language') is not None:
            isolate = isolate_ltr if context['language'].rtl else None
            source = self.languages.source
            typesetters = {False: Typesetter(context['language'], source),
                           True: Typesetter(source, source)}

        def install(function, key):
            return _escaped(function, typesetters, interface.shown_in_source, key, isolate)
        self.env.install_gettext_callables(
            install(interface.gettext, lambda args: (None, args[0])),
            install(interface.ngettext, lambda args: (None, args[0])),
            pgettext=install(interface.pgettext, lambda args: args[:2]),
            npgettext=install(interface.npgettext, lambda args: args[:2]), newstyle=True)
        try:
            template = self.env.get_template(template_name)
            return run(template)
        except jinja2.TemplateSyntaxError as error:
            raise TemplateError(f'template syntax error: {error.message}',
                                error.filename or error.name, error.lineno,
                                hint='fix the template') from None
        except jinja2.TemplateNotFound as error:
            raise TemplateError(f'template "{error.name}" not found', self.template_dirs[0],
                                hint='check the name in {% extends %} or {% include %}') from None
        except (jinja2.UndefinedError, TypeError, ValueError, KeyError) as error:
            path, line = self._template_frame(error)
            if path is None:
                raise
            raise TemplateError(f'template error: {error}', path, line,
                                hint='check the names this line uses') from None

    def _template_frame(self, error):
        """The innermost template line of a rendering error (Jinja rewrites tracebacks so)."""
        found = (None, None)
        for frame in traceback.extract_tb(error.__traceback__):
            path = Path(frame.filename)
            if any(folder in path.parents for folder in self.template_dirs):
                found = (path, frame.lineno)
        return found
