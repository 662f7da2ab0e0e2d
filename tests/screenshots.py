"""`make screenshots`: every built report (reports/, or --out) at 390, 768 and 1280 px, whole pages,
into a folder (default screenshots/, not in git), taken by Debian's Chromium with no Japanese system
font (the reports carry their own face), as tests/browser.py opens them.

    make screenshots                       # after make reports
    .venv/bin/python tests/screenshots.py --reports reports --out screenshots
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import WIDTHS, launch  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, default=Path("reports"))
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    args = parser.parse_args()
    pages = sorted(args.reports.glob("*/*.html")) + sorted(args.reports.glob("index.html"))
    if not pages:
        print(f"error: no report in {args.reports}/ (run make reports first)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            for html in pages:
                page.goto(html.resolve().as_uri(), wait_until="load")
                page.wait_for_function("[...document.images].every(i => i.complete)")
                name = html.relative_to(args.reports).with_suffix("").as_posix().replace("/", "-")
                page.screenshot(path=str(args.out / f"{name}-{width}.png"), full_page=True)
            page.close()
        browser.close()
    print(f"wrote {len(pages) * len(WIDTHS)} screenshots to {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
