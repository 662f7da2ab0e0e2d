"""The report matrix: every report the build makes (notebook × parameters).

A notebook's `parameters` cell is the one declaration of its parameters, the cell papermill sees:
the matrix reads names and default values from it, varies `lang` over both languages, `as_of` over
the build's date and `country` over the ASEAN members, and keeps every other default (a pillar
notebook's `pillar`). tests/test_notebook_parameters.py checks the reading against
`papermill.inspect_notebook`. Kept free of pandas and papermill so that planning stays fast: the
notebook is read as JSON and its parameters cell with `ast`, the country list straight from
data/countries.csv.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .countries import country_rows
from .errors import ParameterError
from .params import DEFAULT_AS_OF, LANGS, check_mapping
from .paths import DEFAULT_DATA_DIR, NOTEBOOK_DIR


@dataclass(frozen=True)
class NotebookSpec:
    """A report notebook: its file and how the index names it. Its parameters are in the notebook."""

    file: str
    title: dict[str, str]
    description: dict[str, str]

    @property
    def parameters(self) -> tuple[str, ...]:
        """The names the notebook's `parameters` cell declares (in the project's notebooks/)."""
        return tuple(notebook_parameters(NOTEBOOK_DIR / self.file))


# Report notebooks, in the order of the index. A declared notebook missing from the notebook folder
# makes no report; a notebook in the folder that is not declared here is not a report
# (tests/test_notebook_parameters.py checks every one is).
NOTEBOOKS: dict[str, NotebookSpec] = {
    "overview": NotebookSpec(
        "overview.ipynb",
        {"en": "The plan at a glance", "ja": "ワークプランの全体像"},
        {
            "en": "Pillars, initiatives and actions; one timeline 2009–2031; headline figures; members × programmes.",
            "ja": "柱・取組・活動の構成、2009〜2031年の年表、主要な数値、加盟国×プログラム。",
        },
    ),
    "pillar1": NotebookSpec(
        "pillar1_ai.ipynb",
        {"en": "Pillar 1: AI and digital policy", "ja": "柱1：AI及びデジタル政策"},
        {
            "en": "The 16-point AI statement, the Hiroshima AI Process and its Friends Group.",
            "ja": "AIに関する16項目の共同声明、広島AIプロセスとフレンズグループ。",
        },
    ),
    "pillar2": NotebookSpec(
        "pillar2_cyber.ipynb",
        {"en": "Pillar 2: Cybersecurity", "ja": "柱2：サイバーセキュリティ"},
        {
            "en": "AJCCBC support phases, the next programme, the 2026 collaborative activities.",
            "ja": "AJCCBC支援の各期間、次期支援、2026年の協力活動。",
        },
    ),
    "pillar3": NotebookSpec(
        "pillar3_infra.ipynb",
        {"en": "Pillar 3: Digital infrastructure and DX", "ja": "柱3：デジタルインフラ及びDX"},
        {
            "en": "ASEAN IVO projects and forums, APT joint research, Open RAN.",
            "ja": "ASEAN IVOのプロジェクトとフォーラム、APT国際共同研究、オープンRAN。",
        },
    ),
    "pillar4": NotebookSpec(
        "pillar4_cooperation.ipynb",
        {"en": "Pillar 4: Cooperation and coordination", "ja": "柱4：協力及び協調"},
        {
            "en": "The Japan-ASEAN ICT Fund and its recent projects; the meeting channels.",
            "ja": "日ASEAN ICT基金と直近の実績、会合・対話の枠組み。",
        },
    ),
    "tracker": NotebookSpec(
        "tracker.ipynb",
        {"en": "Tracker: the plan against what happened", "ja": "進捗トラッカー：プランと実施状況"},
        {
            "en": "Every dated item and its status on the as-of date: what is overdue, what comes next, recorded outcomes.",
            "ja": "日付のある全事項の基準日時点の状況：期限経過、今後の予定、記録された実施状況。",
        },
    ),
    "country": NotebookSpec(
        "country.ipynb",
        {"en": "Country lens", "ja": "国別の視点"},
        {
            "en": "What in the plan involves one ASEAN member state.",
            "ja": "ASEAN加盟国ごとに、本プランで関わる取組。",
        },
    ),
}

# Which notebook holds which pillar (the pillar notebooks check their `pillar` parameter against it).
PILLAR_NOTEBOOKS = {1: "pillar1", 2: "pillar2", 3: "pillar3", 4: "pillar4"}


# --- the parameters cell -------------------------------------------------------------------------

_PARAMETERS_CACHE: dict[tuple[str, int, int], dict[str, Any]] = {}


def notebook_parameters(path: Path) -> dict[str, Any]:
    """Names and default values of the notebook's `parameters` cell, in their order.

    Reads the cell as papermill does (the first code cell tagged `parameters`); each line must assign
    a literal (`lang = "en"`), which is what papermill can override.
    """
    stat = path.stat()
    cache_key = (str(path), stat.st_mtime_ns, stat.st_size)
    if cache_key not in _PARAMETERS_CACHE:
        _PARAMETERS_CACHE[cache_key] = _read_parameters(path)
    return dict(_PARAMETERS_CACHE[cache_key])


def _read_parameters(path: Path) -> dict[str, Any]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    source = tagged_source(nb, "parameters")
    if source is None:
        raise ParameterError("parameters", path.name, "a notebook with a code cell tagged 'parameters'")
    return cell_parameters(source, path.name)


def tagged_source(nb: dict[str, Any], tag: str) -> str | None:
    """The source of the first code cell tagged `tag` (papermill's rule), or None."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and tag in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            return source if isinstance(source, str) else "".join(source)
    return None


def cell_parameters(source: str, where: str) -> dict[str, Any]:
    """`name = literal` assignments of a parameters cell (comments allowed), in their order."""
    params: dict[str, Any] = {}
    for node in ast.parse(source).body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if isinstance(node, ast.AnnAssign):
            target = node.target
        if not isinstance(target, ast.Name) or getattr(node, "value", None) is None:
            raise ParameterError(
                "parameters", where, 'a parameters cell of simple assignments such as lang = "en"'
            )
        try:
            params[target.id] = ast.literal_eval(node.value)
        except ValueError:
            raise ParameterError(target.id, ast.unparse(node.value), "a literal default value") from None
    return params


# --- reports ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSpec:
    """One report: a notebook run with one set of parameters."""

    report_id: str
    notebook: str  # key of NOTEBOOKS
    params: dict[str, Any] = field(hash=False)
    title: dict[str, str] = field(hash=False)
    description: dict[str, str] = field(hash=False)
    group: str = "plan"  # "plan" or "country", for the index
    notebook_dir: Path = NOTEBOOK_DIR

    @property
    def lang(self) -> str:
        return self.params["lang"]

    @property
    def key(self) -> str:
        return f"{self.lang}/{self.report_id}"

    @property
    def notebook_path(self) -> Path:
        return self.notebook_dir / NOTEBOOKS[self.notebook].file

    @property
    def outputs(self) -> tuple[str, str]:
        return (f"{self.key}.ipynb", f"{self.key}.html")

    def params_json(self) -> str:
        return json.dumps(self.params, sort_keys=True, ensure_ascii=False)


def report_spec(
    notebook: str,
    params: dict[str, Any],
    data_dir: Path = DEFAULT_DATA_DIR,
    notebook_dir: Path = NOTEBOOK_DIR,
    countries: list[dict[str, str]] | None = None,
) -> ReportSpec:
    """The report of `notebook` with `params` (its other parameters at their defaults), checked."""
    nb = NOTEBOOKS[notebook]
    declared = notebook_parameters(notebook_dir / nb.file)
    values = check_mapping({**declared, **params}, tuple(declared))
    if "country" not in values:
        return ReportSpec(notebook, notebook, values, nb.title, nb.description, notebook_dir=notebook_dir)
    rows = countries if countries is not None else country_rows(data_dir)
    row = next(r for r in rows if r["iso3"] == values["country"])
    title = {"en": f"{nb.title['en']}: {row['name_en']}", "ja": f"{nb.title['ja']}：{row['name_ja']}"}
    description = {
        "en": f"What in the plan involves {row['name_en']}.",
        "ja": f"本プランで{row['name_ja']}が関わる取組。",
    }
    report_id = f"{notebook}-{values['country'].lower()}"
    return ReportSpec(report_id, notebook, values, title, description, "country", notebook_dir)


def present_notebooks(notebook_dir: Path = NOTEBOOK_DIR) -> list[str]:
    """Keys of the declared notebooks found in `notebook_dir`, in the declared order."""
    return [key for key, nb in NOTEBOOKS.items() if (notebook_dir / nb.file).is_file()]


def report_matrix(
    data_dir: Path = DEFAULT_DATA_DIR, as_of: str = DEFAULT_AS_OF, notebook_dir: Path = NOTEBOOK_DIR
) -> list[ReportSpec]:
    """Every report of a full build, in a stable order; each parameter set checked against its notebook."""
    keys = present_notebooks(notebook_dir)
    declared = {key: notebook_parameters(notebook_dir / NOTEBOOKS[key].file) for key in keys}
    countries = country_rows(data_dir) if any("country" in d for d in declared.values()) else []
    specs: list[ReportSpec] = []
    for lang in LANGS:
        for group in ("plan", "country"):
            for key in keys:
                if ("country" in declared[key]) != (group == "country"):
                    continue
                params: dict[str, Any] = {"lang": lang}  # every report is built in both languages
                if "as_of" in declared[key]:
                    params["as_of"] = as_of
                members = [row["iso3"] for row in countries] if group == "country" else [None]
                for iso3 in members:
                    if iso3 is not None:
                        params["country"] = iso3
                    specs.append(report_spec(key, dict(params), data_dir, notebook_dir, countries))
    return specs


def select(specs: list[ReportSpec], pattern: str | None) -> list[ReportSpec]:
    """Reports whose key (e.g. 'en/pillar2', 'ja/country-khm') matches a glob or contains the text."""
    if not pattern:
        return specs
    patterns = [p.strip() for p in pattern.split(",") if p.strip()]
    return [
        s
        for s in specs
        if any(
            fnmatch.fnmatch(s.key, p) or (p in s.key and not any(ch in p for ch in "*?[")) for p in patterns
        )
    ]


def notebook_key(path: str | os.PathLike[str]) -> str:
    """The NOTEBOOKS key of a notebook file (by its name), or ParameterError naming the known ones."""
    name = Path(path).name
    if not name.endswith(".ipynb"):
        name += ".ipynb"
    for key, nb in NOTEBOOKS.items():
        if nb.file == name or f"{key}.ipynb" == name:
            return key
    known = ", ".join(nb.file for nb in NOTEBOOKS.values())
    raise ParameterError("notebook", str(path), f"a report notebook: {known}")
