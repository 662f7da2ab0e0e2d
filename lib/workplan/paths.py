"""Where things live. Kept import-free so the light paths (build planning, CLI) stay fast."""

from __future__ import annotations

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
