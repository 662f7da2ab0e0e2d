"""Command line: `python -m workplan build|baseline|validate|datasets|search`.

Exit codes (for schedulers): 0 done; 1 some report failed (the others were built);
2 invalid data or parameters (nothing built); 3 another build is running; 4 reports/ cannot be
written (previous reports intact); 130 interrupted (previous files intact).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1, got {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    from .build import DEFAULT_TIMEOUT
    from .paths import DEFAULT_DATA_DIR, NOTEBOOK_DIR, REPORTS_DIR

    p = argparse.ArgumentParser(prog="python -m workplan", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the reports that are out of date")
    b.add_argument("--force", action="store_true", help="rebuild every report, changed or not")
    b.add_argument(
        "--only", metavar="PATTERN", help="build a subset: keys like en/pillar2, globs like '*/country-*'"
    )
    b.add_argument(
        "--jobs", "-j", type=_positive_int, default=os.cpu_count() or 1, help="kernels side by side"
    )
    b.add_argument("--quiet", "-q", action="store_true", help="print only errors and the summary")
    b.add_argument(
        "--check", action="store_true", help="validate data and parameters, list what would be built"
    )
    b.add_argument("--timeout", type=_positive_int, default=DEFAULT_TIMEOUT, help="seconds allowed per cell")
    b.add_argument("--out", type=Path, default=REPORTS_DIR, help="output folder (default: reports/)")
    b.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("WORKPLAN_DATA_DIR") or DEFAULT_DATA_DIR),
        help="data folder (default: data/)",
    )
    b.add_argument(
        "--notebooks", type=Path, default=NOTEBOOK_DIR, help="notebook folder (default: notebooks/)"
    )
    b.add_argument(
        "--no-warm-up",
        action="store_true",
        help="start each kernel only when its report is due (for comparison: slower)",
    )

    bl = sub.add_parser(
        "baseline", help="re-execute the notebooks in notebooks/ in place (the nbval baseline)"
    )
    bl.add_argument("notebooks", nargs="*", help="notebook files (default: all declared)")
    bl.add_argument("--jobs", "-j", type=_positive_int, default=os.cpu_count() or 1)

    sub.add_parser("validate", help="check every data file against data/datapackage.json")
    sub.add_parser("datasets", help="list the datasets with their row counts")
    se = sub.add_parser("search", help="rows of any dataset that mention a term, in Japanese or English")
    se.add_argument("term", help="a word or name, e.g. 'Open RAN' or オープンRAN")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "build":
        from .build import BuildOptions, main_build

        options = BuildOptions(
            out_dir=args.out,
            data_dir=args.data,
            notebook_dir=args.notebooks,
            jobs=args.jobs,
            force=args.force,
            only=args.only,
            quiet=args.quiet,
            check=args.check,
            timeout=args.timeout,
            warm_up=not args.no_warm_up,
        )
        return main_build(options)
    if args.command == "baseline":
        from .baseline import refresh_baseline

        return refresh_baseline(args.notebooks, jobs=args.jobs)
    if args.command == "search":
        from .data import default_catalog
        from .errors import DataValidationError

        try:
            found = default_catalog().search(args.term)
        except DataValidationError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for row in found.itertuples(index=False):
            print(
                f"{row.dataset} {row.key} ({row.source_lines if isinstance(row.source_lines, str) else '-'}): {row.source_quote}"
            )
        print(f"{len(found)} row(s) mention {args.term!r}", file=sys.stderr)
        return 0
    if args.command in ("validate", "datasets"):
        from .data import default_catalog
        from .errors import DataValidationError

        catalog = default_catalog()
        try:
            catalog.load_all()
        except DataValidationError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if args.command == "datasets":
            print(catalog.datasets().to_string(index=False))
        else:
            print(f"ok: {len(catalog.names())} datasets valid")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
