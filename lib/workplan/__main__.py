"""Command line: `python -m workplan build|render|html|baseline|validate|datasets|search|cite`.

Exit codes (for schedulers): 0 done; 1 some report failed (the others were built); 2 invalid data,
parameters or options (nothing built); 3 another build is running; 4 reports/ cannot be written
(previous reports intact); 130 interrupted (previous files intact).
"""

from __future__ import annotations

import signal

# `python -m workplan`: a signal during the imports below is noted, and acted on by run().
_early: list[int] = []
if __name__ == "__main__":
    for _sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(_sig, lambda signum, frame: _early.append(signum))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1, got {text!r}")
    return value


def _as_of(text: str) -> str:
    """An ISO date, or 'today' (the UTC date)."""
    from .errors import ParameterError
    from .params import check, today

    if text == "today":
        return today()
    try:
        return check(as_of=text)["as_of"]
    except ParameterError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not allowed; allowed: {exc.allowed}, or 'today'"
        ) from None


def _shard(text: str) -> tuple[int, int]:
    """I/N with 1 ≤ I ≤ N."""
    parts = text.split("/")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        index, count = int(parts[0]), int(parts[1])
        if 1 <= index <= count:
            return index, count
    raise argparse.ArgumentTypeError(f"expected I/N with 1 ≤ I ≤ N, such as 2/3; got {text!r}")


def parser() -> argparse.ArgumentParser:
    from .build.execute import DEFAULT_TIMEOUT
    from .paths import DEFAULT_DATA_DIR, NOTEBOOK_DIR, REPORTS_DIR

    default_data = Path(os.environ.get("WORKPLAN_DATA_DIR") or DEFAULT_DATA_DIR)
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
    b.add_argument(
        "--as-of",
        type=_as_of,
        metavar="DATE",
        help="build every report for this date (YYYY-MM-DD, or 'today'); default: today (UTC), or $WORKPLAN_AS_OF",
    )
    b.add_argument("--out", type=Path, default=REPORTS_DIR, help="output folder (default: reports/)")
    b.add_argument("--data", type=Path, default=default_data, help="data folder (default: data/)")
    b.add_argument(
        "--notebooks", type=Path, default=NOTEBOOK_DIR, help="notebook folder (default: notebooks/)"
    )
    parts = b.add_mutually_exclusive_group()
    parts.add_argument(
        "--shard",
        type=_shard,
        metavar="I/N",
        help="build part I of N of the matrix (for N machines); no index, see --merge",
    )
    parts.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        metavar="DIR",
        help="combine the output folders of the N shards into --out and write the index",
    )
    b.add_argument(
        "--pdf",
        action="store_true",
        help="also write a PDF beside each report (printed by Chromium: apt-get install chromium)",
    )
    b.add_argument(
        "--no-warm-up",
        action="store_true",
        help="start each kernel only when its report is due (for comparison: slower)",
    )

    r = sub.add_parser("render", help="render one report with any valid parameters")
    r.add_argument("notebook", help="a report notebook: notebooks/country.ipynb, or its name: country")
    r.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="a parameter of the notebook (repeat for several); the others keep their defaults, "
        "except as_of: today (UTC), or $WORKPLAN_AS_OF, as for build",
    )
    r.add_argument("-o", "--output", type=Path, required=True, help="FILE.html (or FILE.ipynb, or FILE.pdf)")
    r.add_argument("--data", type=Path, default=default_data, help="data folder (default: data/)")
    r.add_argument("--timeout", type=_positive_int, default=DEFAULT_TIMEOUT, help="seconds allowed per cell")

    h = sub.add_parser("html", help="convert a notebook executed by papermill to HTML, as the build does")
    h.add_argument("executed", type=Path, help="the executed notebook (papermill's output)")
    h.add_argument("-o", "--output", type=Path, required=True, help="FILE.html")
    h.add_argument(
        "--notebook", help="the report notebook it was executed from, if papermill did not record it"
    )
    h.add_argument(
        "--standalone",
        action="store_true",
        help="no navigation links unless the site's address is known (for a file that travels alone)",
    )

    bl = sub.add_parser(
        "baseline",
        help="re-execute the notebooks in notebooks/ in place (the nbval baseline) and refresh "
        "tests/expected/ from a build of every report",
    )
    bl.add_argument("notebooks", nargs="*", help="notebook files (default: all)")
    bl.add_argument("--jobs", "-j", type=_positive_int, default=os.cpu_count() or 1)

    for name, text in (
        ("validate", "check every data file against data/datapackage.json"),
        ("datasets", "list the datasets with their row counts"),
    ):
        v = sub.add_parser(name, help=text)
        v.add_argument(
            "--data", type=Path, default=default_data, help="data folder to check (default: data/)"
        )
    se = sub.add_parser(
        "search", help="rows about or mentioning a term, in Japanese or English, with the words matched"
    )
    se.add_argument("term", help="a word or name, e.g. AJCCBC, OpenRAN or オープンRAN")
    se.add_argument("--lang", choices=("en", "ja"), default="en", help="language of the rows' labels")
    ci = sub.add_parser("cite", help="cite one row: text, BibTeX and CSL-JSON, linked to its source line")
    ci.add_argument("dataset", help="a dataset, e.g. ajccbc_support")
    ci.add_argument("key", help="the row's key (parts joined with '/'), e.g. next or KHM/2026")
    ci.add_argument("--lang", choices=("en", "ja"), default="en", help="language of the citation")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "build":
        from .build import BuildOptions, main_build
        from .params import build_as_of

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
            as_of=args.as_of or build_as_of(),
            shard=args.shard,
            merge=args.merge,
        )
        code = main_build(options)
        if args.pdf and code == 0 and not args.check:
            from .build.pdf import pdf_build

            code = pdf_build(args.out, quiet=args.quiet)
        return code
    if args.command == "render":
        from .build.render import render

        pairs = [(name, value) for name, value in args.parameter]
        return render(args.notebook, pairs, args.output, data_dir=args.data, timeout=args.timeout)
    if args.command == "html":
        from .build.render import html

        return html(args.executed, args.output, notebook=args.notebook, standalone=args.standalone)
    if args.command == "baseline":
        from .baseline import refresh_baseline

        return refresh_baseline(args.notebooks, jobs=args.jobs)
    if args.command == "search":
        from .errors import DataValidationError
        from .search import format_hits, search

        try:
            found = search(args.term, lang=args.lang)
        except DataValidationError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if len(found):
            print(format_hits(found))
        print(f"{len(found)} row(s) found for {args.term!r}", file=sys.stderr)
        return 0
    if args.command == "cite":
        from .cite import cite
        from .errors import DataValidationError, ParameterError, UnknownDatasetError

        try:
            print(cite(args.dataset, args.key, lang=args.lang).render())
        except (DataValidationError, ParameterError, UnknownDatasetError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0
    if args.command in ("validate", "datasets"):
        from .data import Catalog
        from .errors import DataValidationError
        from .paths import DEFAULT_DATA_DIR

        if not (args.data / "datapackage.json").is_file():
            print(f"error: {args.data} is not a data folder: it has no datapackage.json", file=sys.stderr)
            return 2
        default = Path(os.environ.get("WORKPLAN_DATA_DIR") or DEFAULT_DATA_DIR)
        same = args.data.resolve() == default.resolve()
        # validate checks everything, whatever a build in this environment validated before
        catalog = Catalog(args.data, check_all=args.command == "validate")
        try:
            catalog.load_all()
        except DataValidationError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if args.command == "datasets":
            print(catalog.datasets().to_string(index=False))
        else:
            where = "" if same else f" in {args.data}"
            print(f"ok: {len(catalog.names())} datasets valid{where}")
        return 0
    return 2


class _Interrupts:
    """SIGINT and SIGTERM from the command's first line to the process's end: exit 130.

    Until the command takes them over (the build installs its own handler), the first signal raises
    KeyboardInterrupt; once the command has returned, a signal is only noted. The build and render
    then end the process at once (`os._exit`, streams flushed) with the signals held, so none can
    arrive during the interpreter's shutdown, when Python has given them their default action back
    and the process would die by the signal instead of exiting 130.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.received: list[str] = []
        self.raising = True
        for sig in self.SIGNALS:
            signal.signal(sig, self.handler)

    def handler(self, signum: int, frame: object) -> None:
        self.received.append(signal.Signals(signum).name)
        if self.raising:
            self.raising = False
            raise KeyboardInterrupt

    def exit(self, code: int) -> None:
        """End the process with `code`, or 130 if a signal came at any point."""
        self.raising = False
        signal.pthread_sigmask(signal.SIG_BLOCK, set(self.SIGNALS))
        pending = signal.sigpending() & set(self.SIGNALS)
        if (self.received or pending) and code != 130:
            name = (self.received or [signal.Signals(min(pending)).name])[0]
            print(
                f"interrupted by {name} as the command ended; every file it wrote is complete",
                file=sys.stderr,
            )
            code = 130
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        os._exit(code)


# Commands that end the process themselves (see _Interrupts.exit); the others exit as usual.
_EXIT_AT_ONCE = ("build", "render")


def run(argv: list[str] | None = None) -> int:
    """main(), quiet when its reader goes away (`… | head`); 130 when interrupted."""
    interrupts = _Interrupts()
    interrupts.received += [signal.Signals(sig).name for sig in _early]
    args = sys.argv[1:] if argv is None else argv
    try:
        if interrupts.received:
            raise KeyboardInterrupt
        code = main(argv)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        code = 1
    except KeyboardInterrupt:
        print(f"interrupted by {(interrupts.received or ['SIGINT'])[0]}", file=sys.stderr)
        code = 130
    if any(a in _EXIT_AT_ONCE for a in args[:1]):
        interrupts.exit(code)
    interrupts.raising = False
    return 130 if interrupts.received else code


if __name__ == "__main__":
    sys.exit(run())
