#!/usr/bin/env python3
"""Build NSWP publications (PDF and HTML in every declared language). See README.md.

A thin entry point: it makes sure the project's environment exists (creating
`.venv` on first run), then hands over to `nswp_publish.cli.main.main`.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nswp_publish.cli.bootstrap import ensure_environment  # noqa: E402

ensure_environment(sys.argv[1:])

from nswp_publish.cli.main import main  # noqa: E402

sys.exit(main())
