"""Where things live. Kept import-free so the light paths (build planning, CLI) stay fast."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
LIB_DIR = Path(__file__).resolve().parent

# The project's GitHub repository, "owner/name", once it has one: the one place it is written.
# The published site (https://owner.github.io/name/), absolute links in reports and the Binder link
# on the index derive from it; README.md's Binder badge must name the same (a test checks).
REPOSITORY = ""
SITE_URL_ENV = "WORKPLAN_SITE_URL"


def site_url() -> str | None:
    """Where the reports are published: $WORKPLAN_SITE_URL, else GitHub Pages of REPOSITORY."""
    url = os.environ.get(SITE_URL_ENV, "").strip()
    if url:
        return url.rstrip("/") + "/"
    if REPOSITORY:
        owner, name = REPOSITORY.split("/", 1)
        return f"https://{owner.lower()}.github.io/{name}/"
    return None


# The Japanese face of charts and pages: IPAexGothic, the font file matplotlib-fontja ships, found
# without importing that package (its import sets matplotlib's global font family).
_FONTJA = importlib.util.find_spec("matplotlib_fontja")
assert _FONTJA is not None and _FONTJA.submodule_search_locations, "matplotlib-fontja is not installed"
FONT_PATH = str(Path(_FONTJA.submodule_search_locations[0]) / "fonts" / "ipaexg.ttf")


# Where results that take long to make and are the same for the same inputs are kept between runs
# (the Japanese font subsets): $WORKPLAN_CACHE_DIR, else the user's cache folder.
CACHE_DIR_ENV = "WORKPLAN_CACHE_DIR"


def cache_dir() -> Path:
    explicit = os.environ.get(CACHE_DIR_ENV, "").strip()
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "workplan"
