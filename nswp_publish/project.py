"""Where a project's folders are, what languages it declares, and what a build is asked to make.

Standard library only: the first run's set-up and the command line's planning use it
before anything heavy is imported.
"""
import functools
from dataclasses import dataclass
from pathlib import Path

from .choices import FORMATS
from .languages import read_languages

#: The checkout this tool runs from: its own project.
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Project:
    """Where a project's folders are; tests point one at a temporary copy."""

    root: Path
    output_root: Path | None = None

    @property
    def content_dir(self):
        return self.root / 'content'

    @property
    def locales_dir(self):
        return self.root / 'locales'

    @property
    def templates_dir(self):
        return self.root / 'templates'

    @property
    def site_file(self):
        """The web library's settings (`python3 build.py site`): its address, its publisher."""
        return self.root / 'site.yaml'

    @property
    def output_dir(self):
        return self.output_root or self.root / 'output'

    @functools.cached_property
    def languages(self):
        """The `Languages` the project declares (`locales/languages.toml`)."""
        return read_languages(self.locales_dir)

    def publication_folders(self):
        """Folders under `content/` that hold a publication, sorted by slug."""
        return sorted(path.parent for path in self.content_dir.glob('*/publication.yaml'))

    def output_path(self, publication, language, edition, fmt):
        name = f'{publication.output_name}-{edition}-{language}.{fmt}'
        return self.output_dir / language / name


@dataclass(frozen=True)
class BuildRequest:
    """What to build: the command line's choices."""

    languages: tuple | None = None  # language codes; None: every language each publication has
    editions: tuple | None = None   # the publications' own edition names; None: all
    formats: tuple = FORMATS
    pdf_variant: str = 'accessible'
    strict: bool = False
    publications: tuple = ()
    draft: bool = False         # mark every page as a draft (release --draft-below)

    def languages_of(self, shipped):
        """The codes of the languages asked for among those a publication ships in
        (`shipped`), in the order asked (the publication's own when all are asked for)."""
        wanted = shipped if self.languages is None else self.languages
        return [code for code in wanted if code in shipped]
