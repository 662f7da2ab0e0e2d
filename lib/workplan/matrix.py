"""The report matrix: every report the build makes, declared in one place (notebook × parameters).

Kept free of pandas so that a build with nothing to do stays fast: the country list is read
straight from data/countries.csv.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .countries import country_rows
from .params import DEFAULT_AS_OF, LANGS, PILLARS, check_mapping
from .paths import DEFAULT_DATA_DIR, NOTEBOOK_DIR


@dataclass(frozen=True)
class NotebookSpec:
    """A notebook and the parameters it declares in its `parameters` cell."""

    file: str
    parameters: tuple[str, ...]
    title: dict[str, str]
    description: dict[str, str]


NOTEBOOKS: dict[str, NotebookSpec] = {
    "overview": NotebookSpec(
        "overview.ipynb",
        ("lang", "as_of"),
        {"en": "The plan at a glance", "ja": "ワークプランの全体像"},
        {
            "en": "Pillars, initiatives and actions; one timeline 2009–2031; headline figures; members × programmes.",
            "ja": "柱・取組・活動の構成、2009〜2031年の年表、主要な数値、加盟国×プログラム。",
        },
    ),
    "pillar1": NotebookSpec(
        "pillar1_ai.ipynb",
        ("lang", "as_of", "pillar"),
        {"en": "Pillar 1: AI and digital policy", "ja": "柱1：AI及びデジタル政策"},
        {
            "en": "The 16-point AI statement, the Hiroshima AI Process and its Friends Group.",
            "ja": "AIに関する16項目の共同声明、広島AIプロセスとフレンズグループ。",
        },
    ),
    "pillar2": NotebookSpec(
        "pillar2_cyber.ipynb",
        ("lang", "as_of", "pillar"),
        {"en": "Pillar 2: Cybersecurity", "ja": "柱2：サイバーセキュリティ"},
        {
            "en": "AJCCBC support phases, the next programme, the 2026 collaborative activities.",
            "ja": "AJCCBC支援の各期間、次期支援、2026年の協力活動。",
        },
    ),
    "pillar3": NotebookSpec(
        "pillar3_infra.ipynb",
        ("lang", "as_of", "pillar"),
        {"en": "Pillar 3: Digital infrastructure and DX", "ja": "柱3：デジタルインフラ及びDX"},
        {
            "en": "ASEAN IVO projects and forums, APT joint research, Open RAN.",
            "ja": "ASEAN IVOのプロジェクトとフォーラム、APT国際共同研究、オープンRAN。",
        },
    ),
    "pillar4": NotebookSpec(
        "pillar4_cooperation.ipynb",
        ("lang", "as_of", "pillar"),
        {"en": "Pillar 4: Cooperation and coordination", "ja": "柱4：協力及び協調"},
        {
            "en": "The Japan–ASEAN ICT Fund and its recent projects; the meeting channels.",
            "ja": "日ASEAN ICT基金と直近の実績、会合・対話の枠組み。",
        },
    ),
    "tracker": NotebookSpec(
        "tracker.ipynb",
        ("lang", "as_of"),
        {"en": "Tracker: the plan against what happened", "ja": "進捗トラッカー：プランと実施状況"},
        {
            "en": "Every dated item and its status on the as-of date: what is overdue, what comes next, recorded outcomes.",
            "ja": "日付のある全事項の基準日時点の状況：期限経過、今後の予定、記録された実施状況。",
        },
    ),
    "country": NotebookSpec(
        "country.ipynb",
        ("lang", "as_of", "country"),
        {"en": "Country lens", "ja": "国別の視点"},
        {
            "en": "What in the plan involves one ASEAN member state.",
            "ja": "ASEAN加盟国ごとに、本プランで関わる取組。",
        },
    ),
}

PILLAR_NOTEBOOKS = {1: "pillar1", 2: "pillar2", 3: "pillar3", 4: "pillar4"}
assert set(PILLAR_NOTEBOOKS) == set(PILLARS)


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


def report_matrix(
    data_dir: Path = DEFAULT_DATA_DIR, as_of: str = DEFAULT_AS_OF, notebook_dir: Path = NOTEBOOK_DIR
) -> list[ReportSpec]:
    """Every report of a full build, in a stable order; each parameter set checked against its notebook."""
    specs: list[ReportSpec] = []
    for lang in LANGS:
        for key in ("overview", *PILLAR_NOTEBOOKS.values(), "tracker"):
            nb = NOTEBOOKS[key]
            params: dict[str, Any] = {"lang": lang, "as_of": as_of}
            pillar = next((p for p, k in PILLAR_NOTEBOOKS.items() if k == key), None)
            if pillar is not None:
                params["pillar"] = pillar
            specs.append(ReportSpec(key, key, params, nb.title, nb.description, notebook_dir=notebook_dir))
        nb = NOTEBOOKS["country"]
        for row in country_rows(data_dir):
            iso3 = row["iso3"]
            params = {"lang": lang, "as_of": as_of, "country": iso3}
            title = {
                "en": f"{nb.title['en']}: {row['name_en']}",
                "ja": f"{nb.title['ja']}：{row['name_ja']}",
            }
            description = {
                "en": f"What in the plan involves {row['name_en']}.",
                "ja": f"本プランで{row['name_ja']}が関わる取組。",
            }
            specs.append(
                ReportSpec(
                    f"country-{iso3.lower()}", "country", params, title, description, "country", notebook_dir
                )
            )
    for spec in specs:
        check_mapping(spec.params, NOTEBOOKS[spec.notebook].parameters)
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
