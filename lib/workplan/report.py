"""The calls a report notebook makes. Each method returns something Jupyter displays.

    from workplan.report import PillarReport
    r = PillarReport(pillar=2, lang=lang, as_of=as_of)   # checks the parameters first
    r.title()
    r.ajccbc_gantt()

All wording comes from workplan.i18n; all drawing from workplan.charts; all numbers from
workplan.analysis or the datasets. A notebook holds no logic of its own.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import analysis, charts, load, tracker
from .countries import members_on
from .display import Section, Table, Text, escape_md
from .i18n import LABELS, format_date, t
from .matrix import NOTEBOOKS
from .params import check_mapping
from .tracker import period


class Report:
    """What every report shares: parameters, language, the as-of date, titles and sources."""

    notebook = "overview"

    def __init__(self, **params: Any):
        self.params = check_mapping(params, NOTEBOOKS[self.notebook].parameters)
        self.lang: str = self.params["lang"]
        self.as_of: str = self.params["as_of"]
        self.day = pd.Timestamp(self.as_of)

    # -- helpers ------------------------------------------------------------------------------
    def t(self, key: str, **values: Any) -> str:
        return t(key, self.lang, **values)

    def col(self, name: str) -> str:
        """The column name in the report's language: 'title' → 'title_en'."""
        return f"{name}_{self.lang}"

    def date(self, value: Any, precision: str) -> str:
        return format_date(value, precision, self.lang)

    def pillar_names(self) -> dict[int, str]:
        pillars = load("pillars")
        return {int(p): n for p, n in zip(pillars["pillar_id"], pillars[self.col("name")], strict=True)}

    def table(self, frame: pd.DataFrame, caption: str, source: str | None = None) -> Table:
        return Table(frame.reset_index(drop=True), caption, source or self.t("source_line"))

    def status_label(self, status: str) -> str:
        return self.t(f"status.{status}")

    def _member_tiles(self, value: dict[str, float], caption: dict[str, str]) -> pd.DataFrame:
        """Every country of the tile map: members on `as_of` get their value and caption, others none."""
        countries = load("countries")
        codes = countries["iso3"].astype(str)
        return pd.DataFrame(
            {
                "iso3": codes,
                "label": countries[self.col("name")].astype(str),
                "row": countries["tile_row"].astype(int),
                "col": countries["tile_col"].astype(int),
                "value": [float(value[c]) if c in value else float("nan") for c in codes],
                "caption": [caption[c] if c in value else self.t("not_member_short") for c in codes],
            }
        )

    # -- shared sections ----------------------------------------------------------------------
    def title(self) -> Section:
        parts: list[object] = [
            Text(f"# {self._title_text()}\n\n{self._description()}"),
            Text(f"*{self.t('as_of_line', as_of=self.date(self.day, 'day'))}*"),
        ]
        return Section(parts)

    def _title_text(self) -> str:
        return NOTEBOOKS[self.notebook].title[self.lang]

    def _description(self) -> str:
        return NOTEBOOKS[self.notebook].description[self.lang]

    def commitments(self, pillar: int) -> Section:
        """What the pillar commits to in 2026: each initiative and its actions."""
        initiatives = load("initiatives")
        initiatives = initiatives[initiatives["pillar_id"] == pillar]
        actions = load("actions")
        lines = [f"## {self.t('commitments_heading')}"]
        for ini in initiatives.itertuples():
            lines.append(f"**{ini.initiative_id} {escape_md(getattr(ini, self.col('heading')))}**\n")
            for a in actions[actions["initiative_id"] == ini.initiative_id].itertuples():
                label = getattr(a, self.col("label"))
                text = escape_md(getattr(a, self.col("text")))
                prefix = f"*{escape_md(label)}*: " if isinstance(label, str) else ""
                kind = self.t(f"kind.{a.kind}")
                line = f"- {prefix}{text} ({kind})"
                example = getattr(a, self.col("examples"))
                if isinstance(example, str):
                    line += f"  \n  {self.t('example')}: {escape_md(example)}"
                lines.append(line)
            lines.append("")
        return Section([Text("\n".join(lines))])

    def key_figures(self, pillar: int | None = None) -> Table:
        """Every stand-alone number of the plan (of one pillar), with the words it comes from."""
        figures = load("key_figures")
        if pillar is not None:
            figures = figures[figures["pillar_id"] == pillar]
        frame = pd.DataFrame(
            {
                self.t("figure"): figures[self.col("label")],
                self.t("value"): [f"{v:,.0f}" for v in figures["value"]],
                self.t("unit"): [self.t(f"unit.{u}") for u in figures["unit"]],
                self.t("as_of"): [
                    self.date(d, p) if not pd.isna(d) else "—"
                    for d, p in zip(figures["as_of"], figures["as_of_precision"], strict=True)
                ],
                self.t("value_status"): [self.t(f"value_status.{s}") for s in figures["value_status"]],
                self.t("source_quote"): figures["source_quote"],
            }
        )
        return self.table(frame, self.t("key_figures_caption"))

    def pillar_timeline(self, pillar: int | None, start_year: int = 2009, end_year: int = 2031) -> Section:
        """The dated items (of one pillar or all), drawn on lanes, then listed."""
        items = tracker.status(self.as_of)
        items = items[items["kind"] != "action"]  # actions are dated by the plan's title only, not drawn
        events = items.rename(
            columns={"plan_status": "status", "status": "status_on_as_of", "item_id": "event_id"}
        )
        events["status_on_as_of"] = events["status_on_as_of"].astype(str)
        if pillar is not None:
            events = events[events["pillar_id"] == pillar]
        events = events[events["pillar_id"].notna()]
        lanes = {p: n for p, n in self.pillar_names().items() if pillar is None or p == pillar}
        ends = [
            period(e, p)[1] if not pd.isna(e) else pd.NaT
            for e, p in zip(events["end_date"], events["end_precision"], strict=True)
        ]
        markers = {"held": "held", "completed": "held", "in_progress": "ongoing"}
        marker_status = [
            markers.get(s, p if p in charts.STATUS_STYLE and p != "held" else "planned")
            for s, p in zip(events["status_on_as_of"], events["status"], strict=True)
        ]
        plot = pd.DataFrame(
            {
                "lane": events["pillar_id"].astype(int).to_list(),
                "start": events["date"].to_list(),
                "end": ends,
                "status": marker_status,
            }
        )
        data = pd.DataFrame(
            {
                "date": [
                    self.date(d, p) for d, p in zip(events["date"], events["date_precision"], strict=True)
                ],
                "pillar": events["pillar_id"].to_list(),
                "status": events["status_on_as_of"].to_list(),
                "event": events["event_id"].to_list(),
            }
        )
        chart = charts.event_timeline(
            plot,
            lanes,
            lang=self.lang,
            data=data,
            title=self.t("timeline_title", start=start_year, end=end_year),
            xlabel=self.t("year"),
            ylabel=None,
            start_year=start_year,
            end_year=end_year,
            as_of=self.day,
            note=self.t("timeline_note"),
        )
        listing = pd.DataFrame(
            {
                self.t("date"): data["date"],
                self.t("end"): [
                    self.date(e, p) if not pd.isna(e) else ""
                    for e, p in zip(events["end_date"], events["end_precision"], strict=True)
                ],
                self.t("pillar"): events["pillar_id"].to_list(),
                self.t("event"): events[self.col("title")].to_list(),
                self.t("status_in_plan"): [self.status_label(s) for s in events["status"]],
                self.t("status_on_date", as_of=self.as_of): [
                    self.status_label(s) for s in events["status_on_as_of"]
                ],
            }
        )
        return Section([chart, self.table(listing, self.t("timeline_table_caption"))])

    def sources(self) -> Text:
        return Text(f"## {self.t('about_heading')}\n\n{self.t('about_text')}")


class _CountryLens:
    """Shared by the overview (all members) and the country report (one member)."""

    lang: str
    as_of: str
    day: pd.Timestamp

    def role_label(self, role: str) -> str:
        return t(f"role.{role}", self.lang)

    def engagement_counts(self) -> pd.DataFrame:
        matrix = analysis.engagement_matrix(self.as_of)
        return matrix

    def engagement_tiles(self, highlight: str | None = None) -> charts.Chart:
        matrix = self.engagement_counts()
        totals = matrix.sum(axis=1)
        tiles = self._member_tiles(
            {c: float(n) for c, n in totals.items()}, {c: str(int(n)) for c, n in totals.items()}
        )
        data = totals.rename("engagements").reset_index().astype({"iso3": "string"})
        return charts.tile_map(
            tiles,
            lang=self.lang,
            title=t("engagement_map_title", self.lang),
            data=data,
            legend_title=t("engagement_map_legend", self.lang, as_of=format_date(self.day, "day", self.lang)),
            highlight=highlight,
        )

    def engagement_heatmap(self, highlight: str | None = None) -> charts.Chart:
        matrix = self.engagement_counts()
        names = load("countries").set_index("iso3")[f"name_{self.lang}"]
        shown = matrix.copy()
        shown.index = [str(names[c]) for c in matrix.index]
        shown.columns = [self.role_label(r) for r in matrix.columns]
        highlight_rows = [str(names[highlight])] if highlight else []
        return charts.heatmap(
            shown,
            lang=self.lang,
            title=t("engagement_heatmap_title", self.lang),
            xlabel=t("programme", self.lang),
            ylabel=t("member", self.lang),
            data=matrix.reset_index(),
            highlight_rows=highlight_rows,
            note=t("engagement_heatmap_note", self.lang),
        )

    def membership_note(self) -> Text | None:
        """Where the plan's own country counts and the membership on `as_of` differ, say so."""
        members_now = len(members_on(self.as_of))
        ivo = analysis.figure("ivo_member_countries")
        notes = []
        if int(ivo["value"]) != members_now:
            notes.append(
                t(
                    "ivo_countries_differ",
                    self.lang,
                    stated=int(ivo["value"]),
                    now=members_now,
                    as_of=format_date(self.day, "day", self.lang),
                )
            )
        if not notes:
            return None
        return Text("> " + "\n>\n> ".join(notes))


class OverviewReport(Report, _CountryLens):
    """The whole plan: structure, counts, one timeline, headline figures, members × programmes."""

    notebook = "overview"

    def basis(self) -> Section:
        docs = load("basis_documents").sort_values("order")
        goal = load("statements").set_index("statement_id").loc["overview_goal"]
        lines = [f"## {self.t('basis_heading')}", ""]
        lines += [f"- {escape_md(d)}" for d in docs[self.col("title")]]
        lines += ["", f"**{escape_md(goal[self.col('text')])}**"]
        return Section([Text("\n".join(lines))])

    def structure_chart(self) -> charts.Chart:
        s = analysis.structure()
        table = pd.DataFrame(
            {
                "pillar_id": s["pillar_id"].astype(int),
                "pillar_label": [
                    f"{p}. {n}" for p, n in zip(s["pillar_id"], s[f"name_{self.lang}_pillar"], strict=True)
                ],
                "initiative_label": [
                    f"{i} {n}" for i, n in zip(s["initiative_id"], s[self.col("name")], strict=True)
                ],
                "actions": s["actions"].astype(int),
            }
        )
        data = s[["pillar_id", "initiative_id", "actions"]]
        return charts.structure_chart(
            table, lang=self.lang, title=self.t("structure_title"), xlabel=self.t("actions_count"), data=data
        )

    def counts(self) -> Section:
        per_pillar = analysis.counts_by_pillar()
        names = self.pillar_names()
        frame = pd.DataFrame(
            {
                self.t("pillar"): [f"{p}. {names[int(p)]}" for p in per_pillar["pillar_id"]],
                self.t("initiatives"): per_pillar["initiatives"],
                self.t("actions"): per_pillar["actions"],
            }
        )
        kinds = analysis.counts_by_kind()
        pivot = kinds.pivot_table(
            index="kind", columns="pillar_id", values="actions", aggfunc="sum", fill_value=0, observed=True
        )
        pivot = pivot.loc[pivot.sum(axis=1).sort_values(ascending=False, kind="stable").index]
        labels = [self.t(f"kind.{k}") for k in pivot.index]
        series = {names[int(p)]: pivot[p].to_list() for p in pivot.columns}
        colours = {names[int(p)]: charts.pillar_colour(p) for p in pivot.columns}
        chart = charts.stacked_hbar(
            labels,
            series,
            colours,
            lang=self.lang,
            title=self.t("kinds_title"),
            xlabel=self.t("actions_count"),
            ylabel=None,
            data=pivot.reset_index().astype({"kind": "string"}),
        )
        return Section([self.table(frame, self.t("counts_caption")), chart])

    def timeline(self) -> Section:
        return self.pillar_timeline(None)

    def members(self) -> Section:
        """Members × programmes, and the same totals on a tile map."""
        parts: list[object] = [
            Text(f"## {self.t('members_heading')}"),
            self.engagement_heatmap(),
            self.engagement_tiles(),
        ]
        note = self.membership_note()
        if note is not None:
            parts.append(note)
        return Section(parts)


class PillarReport(Report):
    """Shared by the four pillar notebooks."""

    pillar = 0

    def __init__(self, **params: Any):
        super().__init__(**params)
        if self.params["pillar"] != self.pillar:
            from .errors import ParameterError
            from .matrix import PILLAR_NOTEBOOKS

            other = NOTEBOOKS[PILLAR_NOTEBOOKS[self.params["pillar"]]].file
            raise ParameterError(
                "pillar",
                self.params["pillar"],
                f"{self.pillar} in this notebook (pillar {self.params['pillar']} is {other})",
            )

    def commitments(self) -> Section:  # type: ignore[override]
        return super().commitments(self.pillar)

    def timeline(self) -> Section:
        return self.pillar_timeline(self.pillar, *self.timeline_years)

    timeline_years = (2009, 2031)

    def key_figures(self) -> Table:  # type: ignore[override]
        return super().key_figures(self.pillar)


class AIReport(PillarReport):
    notebook = "pillar1"
    pillar = 1
    timeline_years = (2023, 2027)

    def ai_statement(self) -> Section:
        cats = analysis.ai_principles_by_category()
        principles = load("ai_principles")
        chart = charts.hbar(
            list(cats[self.col("category")]),
            list(cats["points"]),
            [charts.pillar_colour(1)] * len(cats),
            lang=self.lang,
            title=self.t("ai_statement_title", n=len(principles)),
            xlabel=self.t("points_count"),
            ylabel=None,
            data=cats[["category_id", "points", "numbers"]],
        )
        frame = pd.DataFrame(
            {
                self.t("number"): principles["number"],
                self.t("category"): principles[self.col("category")],
                self.t("text"): principles[self.col("text")],
            }
        )
        return Section([chart, self.table(frame, self.t("ai_statement_caption", n=len(principles)))])

    def hiroshima_framework(self) -> Section:
        hap = load("hiroshima_process")
        components = hap[hap["element_type"] == "framework_component"].sort_values("number")
        principles = hap[hap["element_type"] == "guiding_principle"].sort_values(["group_order", "number"])
        frame_c = pd.DataFrame(
            {
                self.t("number"): components["number"],
                self.t("component"): components[self.col("text")],
            }
        )
        groups = (
            principles.groupby(["group_order", self.col("group")], observed=True).size().reset_index(name="n")
        )
        chart = charts.hbar(
            list(groups[self.col("group")]),
            list(groups["n"]),
            [charts.pillar_colour(1)] * len(groups),
            lang=self.lang,
            title=self.t("hap_principles_title"),
            xlabel=self.t("items_count"),
            ylabel=None,
            data=groups.rename(columns={self.col("group"): "group"}),
        )
        frame_p = pd.DataFrame(
            {
                self.t("group"): principles[self.col("group")],
                self.t("principle"): principles[self.col("text")],
            }
        )
        return Section(
            [
                self.table(frame_c, self.t("hap_components_caption", n=len(components))),
                chart,
                self.table(frame_p, self.t("hap_principles_caption")),
            ]
        )

    def friends_group(self) -> Section:
        fg = analysis.friends_group(self.as_of)
        in_group = {str(c): bool(g) for c, g in zip(fg["iso3"], fg["in_group"], strict=True)}
        tiles = self._member_tiles(
            {c: 1.0 if g else 0.0 for c, g in in_group.items()},
            {c: self.t("in_group_short" if g else "not_in_group_short") for c, g in in_group.items()},
        )
        recorded = fg["recorded_as_of"].iloc[0]
        total = analysis.figure("friends_group_participants")
        asean = analysis.figure("friends_group_asean_participants")
        chart = charts.tile_map(
            tiles,
            lang=self.lang,
            title=self.t("friends_map_title"),
            data=fg[["iso3", "in_group"]].astype({"iso3": "string"}),
            legend_title=self.t("friends_map_legend", recorded=self.date(recorded, "day")),
        )
        outside = fg[~fg["in_group"]]
        text = self.t(
            "friends_text",
            total=int(total["value"]),
            asean=int(asean["value"]),
            recorded=self.date(recorded, "day"),
            members=len(fg),
            as_of=self.date(self.day, "day"),
            outside=", ".join(outside[self.col("name")]) or self.t("none"),
        )
        parts: list[object] = [Text(text), chart]
        mismatch = self._count_note(int(asean["value"]), len(fg), recorded)
        if mismatch:
            parts.append(Text(mismatch))
        return Section(parts)

    def _count_note(self, stated_in: int, members_now: int, recorded: pd.Timestamp) -> str | None:
        members_then = len(members_on(recorded))
        if members_then != members_now:
            return "> " + self.t(
                "member_count_differs",
                then=members_then,
                now=members_now,
                recorded=self.date(recorded, "day"),
                as_of=self.date(self.day, "day"),
            )
        return None


class CyberReport(PillarReport):
    notebook = "pillar2"
    pillar = 2

    def ajccbc_gantt(self) -> Section:
        phases = analysis.ajccbc_phases()
        gaps = analysis.ajccbc_gaps()
        rows = pd.DataFrame(
            {
                "label": phases[self.col("label")],
                "start": phases["start_date"],
                "end": phases["covered_until"],
                "colour": [charts.pillar_colour(2)] * len(phases),
                "provisional": phases["status"] == "provisional",
                "bar_text": [
                    f"{self.date(s, sp)} – {self.date(e, ep)}"
                    for s, sp, e, ep in zip(
                        phases["start_date"],
                        phases["start_precision"],
                        phases["end_date"],
                        phases["end_precision"],
                        strict=True,
                    )
                ],
            }
        )
        gap_marks = [(g.first_day, g.next_start, self.t("gap_label", months=g.months)) for g in gaps]
        data = phases[
            ["phase_id", "start_date", "start_precision", "end_date", "end_precision", "status"]
        ].copy()
        chart = charts.gantt(
            rows,
            lang=self.lang,
            title=self.t("ajccbc_gantt_title"),
            xlabel=self.t("year"),
            ylabel=None,
            data=data,
            gaps=gap_marks,
            as_of=self.day,
            note=self.t(
                "ajccbc_gantt_note",
                start=self.date(phases["start_date"].iloc[0], phases["start_precision"].iloc[0]),
            ),
            source=self.t("source_line_derived", what=self.t("gap_word")),
        )
        ends = phases.set_index("phase_id")
        lines = []
        for g in gaps:
            lines.append(
                self.t(
                    "gap_text",
                    end=self.date(ends.loc[g.after, "end_date"], ends.loc[g.after, "end_precision"]),
                    months=g.months,
                    first=self.date(g.first_day, "month"),
                    last=self.date(g.next_start - pd.DateOffset(months=1), "month"),
                    next=self.date(g.next_start, "month"),
                )
            )
        frame = pd.DataFrame(
            {
                self.t("period"): phases[self.col("label")],
                self.t("funder"): [
                    f if isinstance(f, str) else self.t("not_stated") for f in phases[self.col("funder")]
                ],
                self.t("start"): [
                    self.date(d, p)
                    for d, p in zip(phases["start_date"], phases["start_precision"], strict=True)
                ],
                self.t("end"): [
                    self.date(d, p) for d, p in zip(phases["end_date"], phases["end_precision"], strict=True)
                ],
                self.t("status"): [self.t(f"status.{s}") for s in phases["status"]],
                self.t("source_quote"): phases["source_quote"],
            }
        )
        return Section([chart, Text("\n\n".join(lines)), self.table(frame, self.t("ajccbc_phases_caption"))])

    def next_programme(self) -> Section:
        comps = load("ajccbc_components").sort_values("number")
        targets = load("ajccbc_target_groups").sort_values("target_order")
        nxt = load("ajccbc_support").set_index("phase_id").loc["next"]
        counts = comps.groupby("continuity", observed=True).size()
        chart = charts.hbar(
            [self.t(f"continuity.{c}") for c in counts.index],
            list(counts.values),
            [charts.pillar_colour(2), charts.HIGHLIGHT][: len(counts)],
            lang=self.lang,
            title=self.t("components_title"),
            xlabel=self.t("components_count"),
            ylabel=None,
            data=counts.rename("components").reset_index().astype({"continuity": "string"}),
        )
        frame = pd.DataFrame(
            {
                self.t("number"): comps["number"],
                self.t("component"): comps[self.col("text")],
                self.t("continuity"): [self.t(f"continuity.{c}") for c in comps["continuity"]],
            }
        )
        intro = self.t(
            "next_programme_text",
            name=escape_md(nxt["name_en"]),
            start=self.date(nxt["start_date"], nxt["start_precision"]),
            end=self.date(nxt["end_date"], nxt["end_precision"]),
            years=int(nxt["duration_years"]),
            targets=self.t("list_sep").join(escape_md(x) for x in targets[self.col("text")]),
        )
        return Section([Text(intro), chart, self.table(frame, self.t("components_caption"))])

    def collaborative_activities(self) -> Table:
        acts = load("cyber_activities_2026")
        frame = pd.DataFrame(
            {
                self.t("number"): acts["activity_id"],
                self.t("activity"): acts[self.col("activity")],
                self.t("summary"): acts[self.col("summary")],
            }
        )
        return self.table(frame, self.t("activities_caption", n=len(acts)))

    def policy_meeting_history(self) -> Section:
        events = load("events").set_index("event_id")
        first = events.loc["cyber_policy_meeting_series_start"]
        latest = events.loc["cyber_policy_meeting_18"]
        ordinal = int(load("ordinals").set_index("event_id").loc["cyber_policy_meeting_18", "ordinal"])
        years = latest["date"].year - first["date"].year + 1
        channel = load("meeting_channels").set_index("channel_id")
        policy = channel[channel.index.str.contains("cyber")].iloc[0]
        plot = pd.DataFrame(
            {
                "label": [self.t("meeting_first"), self.t("meeting_nth", n=ordinal)],
                "date": [first["date"], latest["date"]],
                "ordinal": [1, ordinal],
            }
        )
        chart = charts.milestones(
            plot,
            lang=self.lang,
            title=self.t("meeting_history_title"),
            xlabel=self.t("year"),
            ylabel=self.t("meeting_ordinal"),
            data=plot.assign(date=plot["date"].dt.strftime("%Y-%m")),
            note=self.t("meeting_history_note"),
            colour=charts.pillar_colour(2),
        )
        text = self.t(
            "meeting_text",
            first=self.date(first["date"], first["date_precision"]),
            latest=self.date(latest["date"], latest["date_precision"]),
            n=ordinal,
            years=years,
            place=escape_md(latest[self.col("place")]),
            organisers=escape_md(policy[self.col("organisers")]),
        )
        return Section([Text(text), chart])


class InfraReport(PillarReport):
    notebook = "pillar3"
    pillar = 3
    timeline_years = (2015, 2027)

    def ivo_projects(self) -> Section:
        projects = load("ivo_projects").sort_values("fiscal_year")
        check = analysis.ivo_projects_total_check()
        series = {self.t("projects_label"): list(projects["projects"])}
        colours = {self.t("projects_label"): charts.pillar_colour(3)}
        if projects["phase2_projects"].notna().any():
            series[self.t("phase2_label")] = list(projects["phase2_projects"].fillna(0))
            colours[self.t("phase2_label")] = charts.HIGHLIGHT
        chart = charts.columns(
            [str(y) for y in projects["fiscal_year"]],
            series,
            colours,
            lang=self.lang,
            title=self.t("ivo_projects_title"),
            xlabel=self.t("fiscal_year"),
            ylabel=self.t("projects_count"),
            data=projects[["fiscal_year", "projects", "phase2_projects"]],
            note=self.t(
                "ivo_projects_note",
                counted=check["counted"],
                stated=check["stated"],
                verdict=self.t("agrees" if check["agrees"] else "disagrees"),
            ),
        )
        phase2 = analysis.figure("ivo_phase2_projects_total")
        with_phase2 = projects[projects["phase2_projects"].notna()]
        text = self.t(
            "ivo_projects_text",
            phase2_years=", ".join(str(y) for y in with_phase2["fiscal_year"]),
            phase2_note=self.t("list_sep").join(with_phase2[self.col("phase2_note")].dropna().unique()),
            counted=check["counted"],
            stated=check["stated"],
            first=int(projects["fiscal_year"].min()),
            last=int(projects["fiscal_year"].max()),
            phase2=int(phase2["value"]),
            verdict=self.t("agrees" if check["agrees"] else "disagrees"),
        )
        return Section([Text(text), chart])

    def forums(self) -> Section:
        forums = load("ivo_forums").sort_values("year")
        hosts = analysis.forum_hosts(self.as_of)
        hosted = dict(zip(hosts["iso3"], hosts["forums_hosted"] + hosts["forums_upcoming"], strict=True))
        tiles = self._member_tiles(hosted, {c: self._years_caption(hosts, c) for c in hosted})
        chart_map = charts.tile_map(
            tiles,
            lang=self.lang,
            title=self.t("forum_map_title", first=int(forums["year"].min()), last=int(forums["year"].max())),
            data=hosts[["iso3", "forums_hosted", "forums_upcoming"]].astype({"iso3": "string"}),
            legend_title=self.t("forum_map_legend"),
        )
        frame = pd.DataFrame(
            {
                self.t("year"): forums["year"],
                self.t("month"): forums["month"],
                self.t("place"): [
                    escape_md(c) if f == "in_person" else self.t("online")
                    for c, f in zip(forums[self.col("city")], forums["format"], strict=True)
                ],
                self.t("country"): [self._country_name(c) for c in forums["country_iso3"]],
                self.t("status"): [self.t(f"status.{s}") for s in forums["status"]],
            }
        )
        never = hosts[(hosts["forums_hosted"] == 0) & (hosts["forums_upcoming"] == 0)]
        text = self.t(
            "forums_text",
            n=len(forums),
            online=int((forums["format"] == "online").sum()),
            never=", ".join(never[self.col("name")]) or self.t("none"),
            as_of=self.date(self.day, "day"),
        )
        return Section([Text(text), chart_map, self.table(frame, self.t("forums_caption"))])

    def _country_name(self, iso3: Any) -> str:
        if iso3 is None or pd.isna(iso3):
            return "—"
        countries = load("countries").set_index("iso3")
        return str(countries.loc[iso3, self.col("name")])

    def _years_caption(self, hosts: pd.DataFrame, iso3: str) -> str:
        row = hosts.set_index("iso3").loc[iso3]
        years = [y for y in (row["years_hosted"], row["years_upcoming"]) if y]
        return ", ".join(years) if years else "—"

    def institutions(self) -> Section:
        growth = analysis.ivo_institution_growth()
        countries_fig = analysis.figure("ivo_member_countries")
        plot = pd.DataFrame(
            {
                "label": [
                    self.date(d, p) for d, p in zip(growth["as_of"], growth["as_of_precision"], strict=True)
                ],
                "date": growth["as_of"],
                "ordinal": growth["value"].astype(int),
            }
        )
        chart = charts.milestones(
            plot,
            lang=self.lang,
            title=self.t("institutions_title"),
            xlabel=self.t("year"),
            ylabel=self.t("institutions_count"),
            data=plot.assign(date=plot["date"].dt.strftime("%Y-%m")),
            note=self.t("institutions_note"),
            colour=charts.pillar_colour(3),
        )
        members_then = len(members_on(countries_fig["as_of"]))
        text = self.t(
            "institutions_text",
            first=int(plot["ordinal"].iloc[0]),
            last=int(plot["ordinal"].iloc[-1]),
            countries=int(countries_fig["value"]),
            members_then=members_then,
            as_of=self.date(countries_fig["as_of"], countries_fig["as_of_precision"]),
        )
        parts: list[object] = [Text(text), chart]
        members_now = len(members_on(self.as_of))
        if members_now != int(countries_fig["value"]):
            parts.append(
                Text(
                    "> "
                    + self.t(
                        "ivo_countries_differ",
                        stated=int(countries_fig["value"]),
                        now=members_now,
                        as_of=self.date(self.day, "day"),
                    )
                )
            )
        return Section(parts)

    def apt(self) -> Section:
        research = load("apt_joint_research")
        trainings = load("apt_trainings")
        frame = pd.DataFrame(
            {
                self.t("year"): research["year"],
                self.t("partner"): [self._country_name(c) for c in research["partner_iso3"]],
                self.t("title"): research[self.col("title")],
                self.t("status"): [self.t(f"status.{s}") for s in research["status"]],
            }
        )
        train = pd.DataFrame(
            {
                self.t("item"): [self.t(f"apt_item.{k}") for k in trainings["item_type"]],
                self.t("text"): trainings[self.col("text")],
                self.t("place"): trainings[self.col("place")].fillna("—"),
            }
        )
        return Section(
            [
                self.table(
                    frame,
                    self.t(
                        "apt_research_caption",
                        year=self.t("list_sep").join(str(y) for y in research["year"].unique()),
                    ),
                ),
                self.table(train, self.t("apt_training_caption")),
            ]
        )

    def open_ran(self) -> Section:
        statements = load("statements").set_index("statement_id")
        actions = load("actions").set_index("action_id")
        fund = load("ict_fund_projects")
        symposium = fund[fund["title_en"].str.contains("Open RAN", regex=False)]
        lines = [
            f"> {escape_md(statements.loc['open_ran_priority', self.col('text')])}",
            "",
            f"- {escape_md(actions.loc['3.1-1', self.col('text')])}",
        ]
        for p in symposium.itertuples():
            lines.append(
                f"- {self.t('open_ran_fund', year=p.approved_year, title=escape_md(getattr(p, self.col('title'))))}"
            )
        return Section([Text("\n".join(lines))])


class CooperationReport(PillarReport):
    notebook = "pillar4"
    pillar = 4

    def ict_fund(self) -> Section:
        avg = analysis.ict_fund_average()
        text = self.t(
            "fund_text", first=avg.first_year, total=avg.cumulative_usd / 1e6, man=avg.cumulative_usd / 1e4
        )
        derived = self.t(
            "fund_average_text",
            average=avg.average_usd,
            first=avg.first_year,
            last=avg.last_year,
            years=avg.years,
            total=avg.cumulative_usd,
            plan_year=analysis.PLAN_PUBLISHED.year,
        )
        return Section([Text(text), Text("> " + derived)])

    def fund_projects(self) -> Section:
        projects = load("ict_fund_projects").sort_values(["approved_year", "project_id"])
        by = analysis.fund_projects_by_year_and_proposer()
        proposers = sorted(by["proposer_iso3"].astype(str).unique())
        years = sorted(by["approved_year"].unique())
        names = {c: self._proposer_name(c) for c in proposers}
        palette = [charts.pillar_colour(4), charts.HIGHLIGHT, charts.NEUTRAL, "#56B4E9"]
        series = {
            names[c]: [
                int(by[(by["approved_year"] == y) & (by["proposer_iso3"] == c)]["projects"].sum())
                for y in years
            ]
            for c in proposers
        }
        colours = {names[c]: palette[i % len(palette)] for i, c in enumerate(proposers)}
        chart = charts.columns(
            [str(y) for y in years],
            series,
            colours,
            lang=self.lang,
            title=self.t("fund_projects_title"),
            xlabel=self.t("approved_year"),
            ylabel=self.t("projects_count"),
            data=by.astype({"proposer_iso3": "string"}),
            height=3.2,
        )
        frame = pd.DataFrame(
            {
                self.t("approved_year"): projects["approved_year"],
                self.t("proposer"): [self._proposer_name(c) for c in projects["proposer_iso3"]],
                self.t("title"): projects[self.col("title")],
                self.t("summary"): projects[self.col("summary")],
            }
        )
        return Section([chart, self.table(frame, self.t("fund_projects_caption"))])

    def _proposer_name(self, iso3: str) -> str:
        countries = load("countries").set_index("iso3")
        if iso3 in countries.index:
            return str(countries.loc[iso3, self.col("name")])
        return self.t(f"country.{iso3}")

    def meeting_channels(self) -> Table:
        channels = load("meeting_channels")
        frame = pd.DataFrame(
            {
                self.t("channel"): channels[self.col("name")],
                self.t("pillar"): channels["pillar_id"],
                self.t("japan_role"): [self.t(f"japan_role.{r}") for r in channels["japan_role"]],
                self.t("frequency"): channels[self.col("frequency")].fillna("—"),
                self.t("organisers"): channels[self.col("organisers")].fillna("—"),
            }
        )
        return self.table(frame, self.t("channels_caption"))


class CountryReport(Report, _CountryLens):
    """What in the plan involves one ASEAN member state."""

    notebook = "country"

    def __init__(self, **params: Any):
        super().__init__(**params)
        self.iso3: str = self.params["country"]
        self.country = load("countries").set_index("iso3").loc[self.iso3]
        self.name: str = str(self.country[self.col("name")])
        self.rows = analysis.engagement()
        self.rows = self.rows[self.rows["iso3"] == self.iso3].reset_index(drop=True)

    def _title_text(self) -> str:
        return t("country_title", self.lang, name=self.name)

    def _description(self) -> str:
        joined = self.country["asean_joined"]
        member = joined <= self.day
        key = "country_member" if member else "country_not_member"
        return t(
            key,
            self.lang,
            name=self.name,
            joined=format_date(joined, "day", self.lang),
            as_of=format_date(self.day, "day", self.lang),
        )

    def summary(self) -> Section:
        if self.rows.empty:
            section = [Text("**" + t("country_nowhere", self.lang, name=self.name) + "**")]
        else:
            roles = self.rows.groupby("role", observed=True).size()
            parts = [f"{self.role_label(r)} ({n})" for r, n in roles.items()]
            text = t(
                "country_summary",
                self.lang,
                name=self.name,
                n=len(self.rows),
                roles=t("list_sep", self.lang).join(parts),
            )
            section = [Text(text)]
        note = self.membership_note()
        if note is not None:
            section.append(note)
        return Section(section)

    def engagements(self) -> Table | Text:
        if self.rows.empty:
            return Text(t("country_nowhere_table", self.lang, name=self.name))
        frame = pd.DataFrame(
            {
                t("year", self.lang): self.rows["year"],
                t("role", self.lang): [self.role_label(r) for r in self.rows["role"]],
                t("text", self.lang): self.rows[self.col("text")],
                t("status", self.lang): [
                    self.status_label(s) if isinstance(s, str) and f"status.{s}" in LABELS else "—"
                    for s in self.rows["status"]
                ],
                t("dataset", self.lang): self.rows["dataset"],
                t("source_quote", self.lang): self.rows["source_quote"],
            }
        )
        return self.table(frame, t("country_table_caption", self.lang, name=self.name))

    def engagement_timeline(self) -> charts.Chart | Text:
        if self.rows.empty:
            return Text(t("country_nowhere_chart", self.lang))
        rows = self.rows.dropna(subset=["year"])
        counts = rows.groupby(["year", "role"], observed=True).size().unstack("role", fill_value=0)
        years = list(range(int(counts.index.min()), int(counts.index.max()) + 1))
        counts = counts.reindex(years, fill_value=0)
        palette = charts.ROLE_COLOURS
        series = {self.role_label(r): counts[r].to_list() for r in counts.columns}
        colours = {self.role_label(r): palette[r] for r in counts.columns}
        return charts.columns(
            [str(y) for y in years],
            series,
            colours,
            lang=self.lang,
            title=t("country_timeline_title", self.lang, name=self.name),
            xlabel=t("year", self.lang),
            ylabel=t("engagements", self.lang),
            data=counts.reset_index().rename(columns=str),
            height=3.2,
            note=t("country_timeline_note", self.lang, recorded=self._friends_group_date()),
        )

    def _friends_group_date(self) -> str:
        memberships = load("memberships")
        return format_date(memberships["as_of"].max(), str(memberships["as_of_precision"].iloc[0]), self.lang)

    def comparison(self) -> charts.Chart:
        matrix = self.engagement_counts()
        totals = matrix.sum(axis=1).sort_values(ascending=False, kind="stable")
        names = load("countries").set_index("iso3")[self.col("name")]
        colours = [charts.HIGHLIGHT if c == self.iso3 else charts.NEUTRAL for c in totals.index]
        return charts.hbar(
            [str(names[c]) for c in totals.index],
            list(totals.values),
            colours,
            lang=self.lang,
            title=t("country_comparison_title", self.lang),
            xlabel=t("engagements", self.lang),
            ylabel=None,
            data=totals.rename("engagements").reset_index().astype({"iso3": "string"}),
            note=t("country_comparison_note", self.lang, name=self.name),
        )

    def position(self) -> charts.Chart:
        """The member among the others on the tile map (the members × programmes grid is in the overview)."""
        return self.engagement_tiles(highlight=self.iso3)
