"""Debian's Chromium driven by Playwright for the browser tests, `make screenshots` and the PDF checks.

No browser is downloaded: `/usr/bin/chromium` (apt-get install chromium) is used as it is, with no
system Japanese font visible to it (a fontconfig of its own that lists only Latin fonts), so a page
shows Japanese only if it carries its own face.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from workplan.build.pdf import ARGS as PDF_ARGS
from workplan.build.pdf import CHROMIUM_ENV

CHROMIUM = os.environ.get(CHROMIUM_ENV, "/usr/bin/chromium")
# The flags the PDF printing uses (one list for both), less those of printing itself; Playwright adds
# --headless on its own.
ARGS = [a for a in PDF_ARGS if a not in ("--headless", "--no-pdf-header-footer")] + ["--disable-default-apps"]
WIDTHS = (390, 768, 1280)
LATIN_FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation"]


def latin_only_fontconfig(folder: Path) -> Path:
    """A fontconfig file that shows Chromium only Latin fonts (no CJK face of the system)."""
    dirs = "".join(f"<dir>{d}</dir>" for d in LATIN_FONT_DIRS if Path(d).is_dir())
    cache = folder / "fontconfig-cache"
    cache.mkdir(parents=True, exist_ok=True)
    path = folder / "fonts.conf"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>{dirs}'
        # the system's aliases (sans-serif → DejaVu Sans, …) without its font folders
        '<include ignore_missing="yes">/etc/fonts/conf.d</include>'
        f"<cachedir>{cache}</cachedir></fontconfig>\n"
    )
    return path


def launch(playwright, folder: Path | None = None):
    """One headless Chromium without Japanese system fonts."""
    folder = folder or Path(tempfile.mkdtemp(prefix="workplan-chromium-"))
    env = {**os.environ, "FONTCONFIG_FILE": str(latin_only_fontconfig(folder))}
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, env=env, headless=True)
