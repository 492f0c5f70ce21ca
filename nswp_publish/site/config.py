"""The web library's settings, `site.yaml`: where it lives on the web, and who publishes it.

The base URL is set in this one file because every absolute address the site writes (canonical
links, hreflang alternates, the sitemap, Open Graph and schema.org) is made from it: a search
engine reads them literally, so a relative or mistyped base would tie the language versions
to nowhere. It is checked before anything is built.
"""
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..content.yamlfile import line_of, read_yaml
from ..errors import SiteError

EXAMPLE = 'base_url: https://www.nswp.org/library/'


@dataclass(frozen=True)
class SiteConfig:
    """What `site.yaml` says: the base URL (ending in "/"), the publisher's name and URL."""

    path: Path
    base_url: str
    publisher_name: str | None = None
    publisher_url: str | None = None

    def url(self, relative=''):
        """The absolute URL of a file of the site, from its path in output/site/."""
        return self.base_url + relative


def read_site_config(path):
    """`site.yaml` checked, or a one-line `SiteError` naming the file and line."""
    path = Path(path)
    if not path.is_file():
        raise SiteError('the web library\'s settings are missing', path,
                        hint=f'create it with the address the site is uploaded to: {EXAMPLE}')
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise SiteError('expected settings such as base_url: ...', path, line_of(data, 1),
                        hint=EXAMPLE)
    unknown = sorted(set(data) - {'base_url', 'publisher'})
    if unknown:
        raise SiteError(f'unknown setting "{unknown[0]}"', path, data.line_of(unknown[0]),
                        hint='expected base_url and publisher')
    if 'base_url' not in data:
        raise SiteError('no base_url: the site\'s address is needed for its canonical links, '
                        'alternates and sitemap', path, 1, hint=f'add a line {EXAMPLE}')
    base_url = _absolute_url(data['base_url'], 'base_url', path, data.line_of('base_url'))
    if not base_url.endswith('/'):
        base_url += '/'     # a folder: the pages are addressed below it
    publisher = data.get('publisher')
    if publisher is None:
        return SiteConfig(path, base_url)
    line = data.line_of('publisher')
    if not isinstance(publisher, dict) or set(publisher) != {'name', 'url'} or not (
            isinstance(publisher['name'], str) and publisher['name'].strip()):
        raise SiteError('publisher needs a name and a url', path, line_of(publisher, line),
                        hint='e.g. publisher: {name: Global Network of Sex Work Projects '
                             '(NSWP), url: https://www.nswp.org/}')
    url = _absolute_url(publisher['url'], 'publisher url', path, publisher.line_of('url'))
    return SiteConfig(path, base_url, publisher['name'].strip(), url)


def _absolute_url(value, name, path, line):
    """An absolute http(s) URL without query or fragment, or a `SiteError` at its line."""
    text = value.strip() if isinstance(value, str) else ''
    parts = urlsplit(text)
    if (parts.scheme not in ('http', 'https') or not parts.hostname or parts.query
            or parts.fragment or any(character.isspace() for character in text)):
        raise SiteError(f'{name} "{value}" is not an absolute http or https address', path,
                        line, hint='write it in full, e.g. https://www.nswp.org/library/')
    return text
