"""Every label and sentence the reports show, in Japanese and English, in one place.

`t(key, lang, **values)` returns the text for `key` in `lang`, formatted with `values`.
`relabel(frame, lang)` gives a frame the headers and vocabulary values a reader of `lang` sees.
A missing key or language is an error, so no report silently falls back to the other language.

Sentences may use Markdown emphasis (`**`, `*`); `workplan.show.text` escapes the values put into
them, and a literal `$` in a sentence is shown as a dollar sign, never read as mathematics.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

LABELS: dict[str, dict[str, str]] = {
    # --- general ----------------------------------------------------------------------------------
    "source_line": {
        "en": "Source: MIC, Japan-ASEAN Digital Work Plan 2026 (January 2026); workplan data package.",
        "ja": "出典：総務省「日ASEANデジタルワークプラン2026」（2026年1月）、workplanデータパッケージより作成。",
    },
    "source_line_derived": {
        "en": "Source: MIC, Japan-ASEAN Digital Work Plan 2026 (January 2026); {what} derived by workplan.",
        "ja": "出典：総務省「日ASEANデジタルワークプラン2026」（2026年1月）。{what}はworkplanによる算出。",
    },
    "source_line_outcomes": {
        "en": "Sources: MIC, Japan-ASEAN Digital Work Plan 2026 (January 2026); recorded outcomes: the sources listed with them.",
        "ja": "出典：総務省「日ASEANデジタルワークプラン2026」（2026年1月）。実施状況は各記録に示した出典による。",
    },
    "as_of_line": {
        "en": "Status as of {as_of}. The plan was published in January 2026; anything after that date is as the plan foresaw it unless an outcome is recorded.",
        "ja": "{as_of}時点の状況。本プランは2026年1月公表のため、それ以降の事項は、実施状況の記録がない限りプラン公表時の見込みです。",
    },
    "source_quote": {"en": "Source wording", "ja": "原文"},
    "all_reports": {"en": "← All reports", "ja": "← すべてのレポート"},
    "other_language": {"en": "日本語", "ja": "English"},
    "site.nav": {"en": "Reports", "ja": "レポート"},
    "count": {"en": "Number", "ja": "件数"},
    "year": {"en": "Year", "ja": "年"},
    "fiscal_year": {"en": "Fiscal year", "ja": "年度"},
    "date": {"en": "Date", "ja": "日付"},
    "pillar": {"en": "Pillar", "ja": "柱"},
    "pillar_id": {"en": "Pillar", "ja": "柱"},
    "initiatives": {"en": "Initiatives", "ja": "取組"},
    "action": {"en": "Action", "ja": "活動"},
    "actions": {"en": "Actions", "ja": "活動"},
    "kind": {"en": "Kind", "ja": "種類"},
    "status": {"en": "Status", "ja": "状況"},
    "country": {"en": "Country", "ja": "国"},
    "member": {"en": "Member state", "ja": "加盟国"},
    "yes": {"en": "yes", "ja": "はい"},
    "no": {"en": "no", "ja": "いいえ"},
    "none": {"en": "none", "ja": "なし"},
    "value": {"en": "Value", "ja": "値"},
    "unit": {"en": "Unit", "ja": "単位"},
    "label": {"en": "Figure", "ja": "項目"},
    "as_of": {"en": "As of", "ja": "時点"},
    "title": {"en": "Title", "ja": "名称"},
    "name": {"en": "Name", "ja": "名称"},
    "summary": {"en": "Summary", "ja": "概要"},
    "text": {"en": "Text", "ja": "内容"},
    "category": {"en": "Category", "ja": "分類"},
    "number": {"en": "No.", "ja": "番号"},
    "group": {"en": "Group", "ja": "分類"},
    "place": {"en": "Place", "ja": "場所"},
    "city": {"en": "Place", "ja": "場所"},
    "period": {"en": "Period", "ja": "期間"},
    "start_date": {"en": "Start", "ja": "開始"},
    "end_date": {"en": "End", "ja": "終了"},
    "funder": {"en": "Funder", "ja": "支援主体"},
    "not_stated": {"en": "not stated", "ja": "記載なし"},
    "dataset": {"en": "Dataset", "ja": "データセット"},
    "key": {"en": "Key", "ja": "キー"},
    "role": {"en": "Role", "ja": "役割"},
    "engagements": {"en": "Engagements", "ja": "関与の件数"},
    "programme": {"en": "Programme", "ja": "プログラム"},
    "month": {"en": "Month", "ja": "月"},
    "online": {"en": "online", "ja": "オンライン"},
    "partner": {"en": "Partner", "ja": "連携国"},
    "item_type": {"en": "Item", "ja": "項目"},
    "component": {"en": "Component", "ja": "構成要素"},
    "continuity": {"en": "Continued or new", "ja": "継続／新規"},
    "principle": {"en": "Guiding principle", "ja": "国際指針の項目"},
    "activity": {"en": "Activity", "ja": "協力活動"},
    "channel": {"en": "Meeting or channel", "ja": "会合・枠組"},
    "japan_role": {"en": "Japan's role", "ja": "日本の立場"},
    "frequency": {"en": "Frequency", "ja": "頻度"},
    "organisers": {"en": "Organisers", "ja": "主催"},
    "proposer": {"en": "Proposer", "ja": "提案国"},
    "approved_year": {"en": "Year approved", "ja": "承認年"},
    "value_status": {"en": "Kind of value", "ja": "値の性質"},
    "event": {"en": "Item", "ja": "事項"},
    "plan_status": {"en": "Status in the plan (January 2026)", "ja": "プラン上の状況（2026年1月）"},
    "in_group": {"en": "In the Friends Group", "ja": "フレンズグループ参加"},
    "list_sep": {"en": "; ", "ja": "、"},
    # --- charts: the data one click away, and what each kind of chart says in words (its alt text) ----
    "chart_data": {"en": "Data of this chart", "ja": "このグラフのデータ"},
    "tiles_dotted": {
        "en": "Dotted: not an ASEAN member on the as-of date.",
        "ja": "点線：基準日にASEAN非加盟。",
    },
    "alt.bars": {"en": "Bars, from the top: {items}.", "ja": "上から順に、{items}。"},
    "alt.columns": {"en": "Columns, from the left: {items}.", "ja": "左から順に、{items}。"},
    "alt.periods": {"en": "Periods, from the top: {items}.", "ja": "上から順に、{items}。"},
    "alt.gaps": {"en": "Shaded between them: {items}.", "ja": "その間の網掛け：{items}。"},
    "alt.events": {
        "en": "{n} dated items on the lanes {lanes}; by status: {counts}.",
        "ja": "{lanes}の各レーンに日付のある項目{n}件。状況別に、{counts}。",
    },
    "alt.grid": {
        "en": "A grid of {rows} rows and {cols} columns; the cells with a number: {items}.",
        "ja": "{rows}行×{cols}列の表。数のあるセルは、{items}。",
    },
    "alt.tiles": {
        "en": "{legend} Each member as a tile: {items}.",
        "ja": "{legend}各国をタイルで表示：{items}。",
    },
    "alt.structure": {
        "en": "Actions per initiative, by pillar: {items}.",
        "ja": "柱ごとの各取組の行動の数：{items}。",
    },
    "alt.milestones": {"en": "The values the source gives: {items}.", "ja": "原文が示す値：{items}。"},
    "source_title": {"en": "Source of the outcome", "ja": "実施状況の出典"},
    "source_publisher": {"en": "Publisher", "ja": "発行者"},
    "source_date": {"en": "Published", "ja": "公表日"},
    "outcome_date": {"en": "Outcome date", "ja": "実施日"},
    "recorded_for": {"en": "Recorded for", "ja": "記録の対象事項"},
    "archive_url": {"en": "Archived copy read", "ja": "参照した保存版"},
    "ends": {"en": "Ends", "ja": "終了"},
    "note": {"en": "Note", "ja": "備考"},
    "items": {"en": "Items", "ja": "件数"},
    "format": {"en": "Format", "ja": "形式"},
}


def variant(key: str, values: Mapping[str, Any]) -> str:
    """`<key>.one` where the label has a singular form and the value `n` is 1, else `key`."""
    return f"{key}.one" if values.get("n") == 1 and f"{key}.one" in LABELS else key


def t(key: str, lang: str, **values: Any) -> str:
    """The text for `key` in `lang` ("ja" or "en"), with {placeholders} filled from `values`.

    A label may have a singular form, `<key>.one`, used when the value `n` is 1 ("in 1 place", not "places").
    """
    key = variant(key, values)
    try:
        text = LABELS[key][lang]
    except KeyError:
        raise KeyError(f"no {lang!r} text for label {key!r} in workplan.i18n.LABELS") from None
    return text.format(**values) if values else text


MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(value: Any, precision: str, lang: str) -> str:
    """A date as precise as the source gives it: '2026', 'March 2026', '15 March 2026' (or 2026年3月…)."""
    import pandas as pd

    if value is None or pd.isna(value):
        return "—"
    ts = pd.Timestamp(value)
    if lang == "ja":
        if precision == "year":
            return f"{ts.year}年"
        if precision == "month":
            return f"{ts.year}年{ts.month}月"
        return f"{ts.year}年{ts.month}月{ts.day}日"
    if precision == "year":
        return f"{ts.year}"
    if precision == "month":
        return f"{MONTHS_EN[ts.month - 1]} {ts.year}"
    return f"{ts.day} {MONTHS_EN[ts.month - 1]} {ts.year}"


# --- relabelling a frame for readers -------------------------------------------------------------


# Columns whose values come from a vocabulary named differently.
VOCABULARY_ALIASES = {"plan_status": "status"}


def vocabulary_of(column: str) -> str | None:
    """The vocabulary a column's values come from ('status', 'kind', 'japan_role', …), or None for
    free text, numbers and codes."""
    column = VOCABULARY_ALIASES.get(column, column)
    return column if column in VOCABULARY_LABELS else None


def header(column: str, lang: str) -> str:
    """The header a reader sees for a column: its label, the label of its stem ('title_en' → 'title',
    'partner_iso3' → 'partner'), or the name itself when there is no label (a researcher's own column)."""
    for candidate in (column, column.removesuffix(f"_{lang}"), column.removesuffix("_iso3")):
        if candidate in LABELS:
            return LABELS[candidate][lang]
    return column


def _precision_column(column: str, columns: list[str]) -> str | None:
    """The column saying how precise a date column is: date → date_precision, end_date → end_precision."""
    for candidate in (f"{column}_precision", f"{column.removesuffix('_date')}_precision"):
        if candidate in columns and candidate != column:
            return candidate
    return None


def relabel(frame: pd.DataFrame, lang: str, columns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The frame as a reader of `lang` sees it; the data itself is left as it is.

    - a date column with a precision column beside it (date + date_precision, end_date +
      end_precision, as_of + as_of_precision) shows as precisely as the source gives it, and the
      precision column is dropped; other dates show the day;
    - values of a closed vocabulary (status, kind, unit, role, …: see `vocabulary_of`) show their
      label; a value without a label is an error, never shown raw;
    - true/false show as yes/no;
    - headers become labels (`header`); `columns` maps a column to another label key.
    Rows, their order and missing values are kept.
    """
    import pandas as pd

    columns = dict(columns or {})
    out = frame.copy()
    names = [str(c) for c in out.columns]
    consumed = []
    for name in names:
        series = out[name]
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            precision = _precision_column(name, names)
            precisions = out[precision] if precision else pd.Series("day", index=out.index)
            consumed += [precision] if precision and precision not in columns else []
            out[name] = pd.array(
                [
                    pd.NA if pd.isna(v) else format_date(v, str(p), lang)
                    for v, p in zip(series, precisions, strict=True)
                ],
                dtype="string",
            )
        elif pd.api.types.is_bool_dtype(series.dtype):
            out[name] = pd.array(
                [pd.NA if pd.isna(v) else t("yes" if v else "no", lang) for v in series], dtype="string"
            )
        elif (vocabulary := vocabulary_of(name)) is not None:
            out[name] = pd.array(
                [pd.NA if pd.isna(v) else t(f"{vocabulary}.{v}", lang) for v in series], dtype="string"
            )
    out = out.drop(columns=consumed)
    return out.rename(
        columns={c: t(columns[c], lang) if c in columns else header(str(c), lang) for c in out.columns}
    )


REPORT_LABELS: dict[str, dict[str, str]] = {
    # --- what every report repeats ----------------------------------------------------------------
    "heading.commitments": {"en": "What the pillar commits to in 2026", "ja": "2026年の取組"},
    "heading.dated_items": {"en": "Dated items and their status", "ja": "日付のある事項とその状況"},
    "heading.key_figures": {"en": "Headline figures", "ja": "主要な数値"},
    "heading.about": {"en": "About this report", "ja": "このレポートについて"},
    "example": {"en": "For example", "ja": "例"},
    "about_text": {
        "en": "The plan's facts come from the Japan-ASEAN Digital Work Plan 2026 (MIC, January 2026) and are recorded "
        "with the plan's own words in the workplan data package. These come from outside the plan, each recorded "
        "with its source: the dates members joined ASEAN, Timor-Leste's accession on 26 October 2025 among them "
        "(the ASEAN Secretariat's record of member states); the 2018 start of JAIF's support for the AJCCBC (the "
        "AJCCBC opened in 2018 with JAIF funding; the plan gives only the end, 2022); country codes (ISO 3166-1); "
        "English names and expansions of acronyms (the bodies' own publications, a third party's report where the body's own was not read, or the standard expansion); and outcomes after the plan (the public pages "
        "listed with them). English wording is a translation unless an official English name exists. A figure "
        "the plan does not state is marked as derived and listed, with how it is derived, in the data package's "
        "README. Dates are as precise as the source: a month or a year without a day is shown as such.",
        "ja": "プランの事実は総務省「日ASEANデジタルワークプラン2026」（2026年1月）に基づき、原文とともにworkplanデータ"
        "パッケージに記録しています。次の事実はプラン以外の出典により、出典とともに記録しています：各国のASEAN加盟日"
        "（2025年10月26日の東ティモール加盟を含む。ASEAN事務局の加盟国記録）、JAIFによるAJCCBC支援の開始年2018年"
        "（AJCCBCは2018年にJAIFの資金で開所。プランは終了年2022年のみを記載）、国コード（ISO 3166-1）、英語名と略語の正式名称"
        "（各機関の公表資料、それが読めない場合は第三者の報道、または標準的な展開形）、プラン公表後の実施状況（併記した公開資料）。プランに記載のない数値は算出値と明記し、"
        "算出方法をデータパッケージのREADMEに記載しています。日付は原文の精度（年のみ・月まで）のまま示しています。",
    },
    "key_figures_caption": {"en": "Headline figures, with the words of the source", "ja": "主要な数値と原文"},
    # --- dated items and their status on the as-of date ------------------------------------------
    "timeline_title": {
        "en": "Dated items {start}–{end}, by status on {as_of}",
        "ja": "日付のある事項（{start}〜{end}年）：{as_of}時点の状況",
    },
    "timeline_note": {
        "en": "Markers sit at the start of the period the source gives (a year or a month); bars: periods; dashed line: the as-of date.",
        "ja": "印は原文が示す期間（年または月）の初めに置いています。横棒は期間、破線は基準日。",
    },
    "dated_items_caption": {
        "en": "Every dated item and its status on {as_of}",
        "ja": "日付のある全事項と{as_of}時点の状況",
    },
    "dated_items_caption_some": {
        "en": "{n} of the plan's {total} dated items and their status on {as_of}",
        "ja": "本プランの日付のある{total}件のうち{n}件と{as_of}時点の状況",
    },
    "dated_items_caption_some.one": {
        "en": "{n} of the plan's {total} dated items and its status on {as_of}",
        "ja": "本プランの日付のある{total}件のうち{n}件と{as_of}時点の状況",
    },
    "status_counts_text": {"en": "On {as_of}: {counts}.", "ja": "{as_of}時点：{counts}。"},
    "status_count": {"en": "{status}: {n}", "ja": "{status} {n}件"},
    # --- overview -----------------------------------------------------------------------------------
    "heading.basis": {
        "en": "Basic perspectives for Japan-ASEAN cooperation in 2026",
        "ja": "2026年における日ASEAN協力の基本的視点",
    },
    "heading.structure": {"en": "Pillars, initiatives and actions", "ja": "柱・取組・活動の構成"},
    "actions_count": {"en": "Number of actions", "ja": "活動の数"},
    "counts_caption": {"en": "Initiatives and actions per pillar", "ja": "柱ごとの取組・活動の数"},
    "kinds_title": {"en": "Actions by kind and pillar", "ja": "活動の種類別・柱別の数"},
    "structure_title": {
        "en": "The plan's structure: pillars, initiatives and their actions",
        "ja": "プランの構成：柱・取組・活動",
    },
    "heading.members": {
        "en": "Which members the plan names, and where",
        "ja": "プランが言及する加盟国と分野",
    },
    # --- pillar 1 -------------------------------------------------------------------------------------
    "heading.ai_statement": {"en": "The {n}-point AI statement", "ja": "AIに関する{n}項目"},
    "ai_statement_title": {
        "en": "The {n}-point AI statement: points per category",
        "ja": "AIに関する{n}項目：分類別の項目数",
    },
    "ai_statement_caption": {
        "en": "A global safe, secure and trustworthy AI ecosystem: the {n} points",
        "ja": "グローバルな安全、安心で信頼できるAIエコシステム：{n}項目",
    },
    "points_count": {"en": "Number of points", "ja": "項目数"},
    "heading.hiroshima": {"en": "The Hiroshima AI Process", "ja": "広島AIプロセス"},
    "hap_components_caption": {
        "en": "Hiroshima AI Process Comprehensive Policy Framework: its {n} components",
        "ja": "広島AIプロセス包括的政策枠組：{n}つの構成要素",
    },
    "hap_principles_title": {
        "en": "International Guiding Principles as summarised in the plan: items per group",
        "ja": "国際指針（プランの要約）：分類別の項目数",
    },
    "hap_principles_caption": {
        "en": "International Guiding Principles, by group (as summarised in the plan)",
        "ja": "国際指針（分類別、プランの要約）",
    },
    "items_count": {"en": "Number of items", "ja": "項目数"},
    "heading.friends_group": {
        "en": "ASEAN members in the Hiroshima AI Process Friends Group",
        "ja": "広島AIプロセス・フレンズグループに参加するASEAN加盟国",
    },
    "friends_map_title": {
        "en": "ASEAN members in the Hiroshima AI Process Friends Group",
        "ja": "広島AIプロセス・フレンズグループに参加するASEAN加盟国",
    },
    "friends_map_legend": {
        "en": "Dark: participating as of {recorded}; light: not listed.",
        "ja": "濃色：{recorded}時点で参加、淡色：記載なし。",
    },
    "in_group_short": {"en": "member", "ja": "参加"},
    "not_in_group_short": {"en": "not listed", "ja": "記載なし"},
    "not_member_short": {"en": "not in ASEAN", "ja": "ASEAN非加盟"},
    "friends_text": {
        "en": "The Friends Group counted **{total} countries and regions** as of {recorded}, **{asean} of them ASEAN members**. "
        "Of the {members} ASEAN members on {as_of}, the plan does not list: {outside}.",
        "ja": "フレンズグループには{recorded}時点で**{total}の国・地域**が参加し、うち**ASEAN加盟国は{asean}か国**です。"
        "{as_of}時点のASEAN加盟国{members}か国のうち、参加国として記載がないのは：{outside}。",
    },
    "member_count_differs": {
        "en": "Note: ASEAN had {then} members on {recorded}, when the plan's list was recorded, and has {now} on {as_of}; "
        "the list is not updated to the as-of date.",
        "ja": "注：一覧の基準日（{recorded}）のASEAN加盟国は{then}か国、{as_of}時点では{now}か国です。一覧は基準日に合わせて更新していません。",
    },
    # --- pillar 2 -------------------------------------------------------------------------------------
    "heading.ajccbc": {"en": "AJCCBC support phases", "ja": "AJCCBC支援の期間"},
    "ajccbc_gantt_title": {
        "en": "AJCCBC support phases, and the gap before the next one",
        "ja": "AJCCBC支援の期間と次期支援までの空白",
    },
    "ajccbc_gantt_note": {
        "en": "Hatched: provisional (※暫定). JAIF's start is placed at AJCCBC's establishment ({start}); the plan gives only its end.",
        "ja": "斜線：暫定。JAIF支援の開始はAJCCBC設立（{start}）に置いています（プランには終了年のみ記載）。",
    },
    "gap_word": {"en": "the gap", "ja": "空白期間"},
    "gap_label": {"en": "gap: {months} months", "ja": "空白：{months}か月"},
    "gap_text": {
        "en": "**Derived:** current support ends in {end} and the next is provisionally set to start in {next}: "
        "the months {first} to {last} (**{months} months**) are covered by no stated support.",
        "ja": "**算出値：** 現行支援は{end}に終了し、次期支援は{next}開始（暫定）の予定です。"
        "{first}から{last}までの**{months}か月**は、記載されたどの支援期間にも含まれません。",
    },
    "ajccbc_phases_caption": {"en": "AJCCBC support phases", "ja": "AJCCBC支援の期間"},
    "heading.next_programme": {"en": "The next AJCCBC programme", "ja": "AJCCBC次期支援"},
    "components_title": {
        "en": "Next AJCCBC programme: continued and new components",
        "ja": "次期支援の実施概要：継続と新規",
    },
    "components_count": {"en": "Number of components", "ja": "項目数"},
    "components_caption": {"en": "Next AJCCBC programme: components", "ja": "次期支援の実施概要"},
    "next_programme_text": {
        "en": "The next programme, *{name}*, is provisionally set for {start} – {end} ({years} years); its total cost is "
        "under coordination. Target groups: {targets}, etc.",
        "ja": "次期支援「{name}」の支援期間は{start}〜{end}（{years}年間、暫定）で、総事業費は調整中です。"
        "対象者：{targets}等。",
    },
    "heading.activities": {"en": "Collaborative activities for 2026", "ja": "2026年の協力活動"},
    "activities_caption": {
        "en": "The {n} collaborative activities agreed for 2026",
        "ja": "2026年の協力活動（{n}件）",
    },
    "heading.policy_meeting": {
        "en": "The ASEAN-Japan Cybersecurity Policy Meeting",
        "ja": "日ASEANサイバーセキュリティ政策会議",
    },
    "meeting_history_title": {
        "en": "ASEAN-Japan Cybersecurity Policy Meeting: what the plan dates",
        "ja": "日ASEANサイバーセキュリティ政策会議：プランに記載の開催",
    },
    "meeting_ordinal": {"en": "Meeting number", "ja": "開催回"},
    "meeting_first": {"en": "first", "ja": "初回"},
    "meeting_nth": {"en": "{n}th", "ja": "第{n}回"},
    "meeting_history_note": {
        "en": "The plan dates only the first and the latest meeting; the line does not show the dates in between.",
        "ja": "プランに日付があるのは初回と直近の会合のみです。線は途中の開催日を示すものではありません。",
    },
    "meeting_text": {
        "en": "Frequency: {frequency}. The {n}th meeting took place in {latest} ({place}). Organisers: {organisers}.",
        "ja": "開催頻度：{frequency}。第{n}回は{latest}に{place}で開催されました。主催：{organisers}。",
    },
    # --- pillar 3 -------------------------------------------------------------------------------------
    "heading.ivo_projects": {"en": "ASEAN IVO joint projects", "ja": "ASEAN IVO共同連携プロジェクト"},
    "projects_count": {"en": "Number of projects", "ja": "プロジェクト数"},
    "projects_label": {"en": "Joint projects", "ja": "共同連携プロジェクト"},
    "phase2_label": {"en": "Phase II projects (trial)", "ja": "フェーズⅡ（トライアル）"},
    "ivo_projects_title": {
        "en": "ASEAN IVO joint projects per fiscal year, and the Phase II projects",
        "ja": "ASEAN IVO共同連携プロジェクト数（年度別）とフェーズⅡ",
    },
    "ivo_projects_note": {
        "en": "Side by side, not added up: the plan does not say whether FY{year}'s {phase2} Phase II projects are among its {projects}.",
        "ja": "並べて表示し、合算していません。{year}年度のフェーズⅡ{phase2}件が同年度の{projects}件に含まれるかはプランに記載がありません。",
    },
    "ivo_projects_text": {
        "en": "Fiscal years {first}–{last}: **{total} joint projects** in all, the total the plan states (its yearly counts add up "
        "to it). Separately, **{phase2} Phase II projects** ({phase2_note}) in FY{phase2_years}; the plan does not say whether "
        "they are among that year's {same_year}.",
        "ja": "{first}〜{last}年度の共同連携プロジェクトは合計**{total}件**（プラン記載の合計で、年度別件数の合計と一致）。"
        "これとは別に、フェーズⅡは{phase2_years}年度に**{phase2}件**（{phase2_note}）。同年度の{same_year}件に含まれるかは記載がありません。",
    },
    "heading.ivo_forums": {"en": "ASEAN IVO Forums", "ja": "ASEAN IVOフォーラム"},
    "forum_map_title": {
        "en": "ASEAN IVO Forum hosts, {first}–{last}",
        "ja": "ASEAN IVOフォーラム開催国（{first}〜{last}年）",
    },
    "forum_map_legend": {
        "en": "Shade: forums hosted or planned; years under each name.",
        "ja": "濃さ：開催（予定を含む）回数、国名の下は開催年。",
    },
    "forums_caption": {"en": "ASEAN IVO Forums by year", "ja": "ASEAN IVOフォーラム開催地（年別）"},
    "forums_text": {
        "en": "The plan lists {n} forums, {first}–{last} ({online} of them online); ASEAN IVO holds one every year. "
        "Members on {as_of} that have not hosted one and are not named as a future host: {never}.",
        "ja": "プランには{first}〜{last}年の{n}回のフォーラムが記載されています（うち{online}回はオンライン）。ASEAN IVOは毎年フォーラムを開催しています。"
        "{as_of}時点の加盟国のうち、開催地となっておらず今後の開催予定もない国：{never}。",
    },
    "heading.ivo_institutions": {"en": "ASEAN IVO member institutions", "ja": "ASEAN IVO参加機関"},
    "institutions_title": {"en": "ASEAN IVO member institutions", "ja": "ASEAN IVO参加機関数"},
    "institutions_count": {"en": "Institutions", "ja": "機関数"},
    "institutions_note": {
        "en": "Two values stated by the plan; the dashed line does not show the years in between.",
        "ja": "プランに記載の2時点の値。破線は途中の推移を示すものではありません。",
    },
    "institutions_text": {
        "en": "Founded with {first} institutions; {last} institutions from {countries} ASEAN countries as of {as_of} "
        "(ASEAN then had {members_then} members).",
        "ja": "{first}機関で設立、{as_of}時点でASEAN {countries}か国の{last}機関が参加（当時のASEAN加盟国は{members_then}か国）。",
    },
    "ivo_countries_differ": {
        "en": "Note: the plan counts {stated} ASEAN countries in ASEAN IVO; on {as_of} ASEAN has {now} members.",
        "ja": "注：プランはASEAN IVO参加国を{stated}か国としていますが、{as_of}時点のASEAN加盟国は{now}か国です。",
    },
    "heading.apt": {"en": "APT joint research and training", "ja": "APTの国際共同研究と研修"},
    "apt_research_caption": {
        "en": "APT international joint research planned for {year}",
        "ja": "APT国際共同研究（{year}年予定）",
    },
    "apt_training_caption": {"en": "APT ICT training", "ja": "APT ICT研修"},
    "heading.open_ran": {"en": "5G and Open RAN", "ja": "5G・オープンRAN"},
    "open_ran_fund": {
        "en": "Japan-ASEAN ICT Fund, approved {year}: {title}",
        "ja": "日ASEAN ICT基金（{year}年承認）：{title}",
    },
    # --- pillar 4 -------------------------------------------------------------------------------------
    "heading.ict_fund": {"en": "The Japan-ASEAN ICT Fund", "ja": "日ASEAN ICT基金"},
    "fund_text": {
        "en": "The Japan-ASEAN ICT Fund was created within the ASEAN Secretariat in {first} at MIC's initiative; MIC has "
        "contributed every year since, **US$ {total} million** in all, and continues in 2026. The plan gives no yearly amounts.",
        "ja": "日ASEAN ICT基金は総務省主導により{first}年にASEAN事務局内に創設され、総務省は毎年拠出を継続、"
        "拠出額の累計は**{man}万米ドル**に上ります。2026年も拠出を継続します。年ごとの拠出額は記載がありません。",
    },
    "heading.fund_projects": {"en": "Recent ICT Fund projects", "ja": "日ASEAN ICT基金の直近の実績"},
    "fund_projects_title": {
        "en": "Recent Japan-ASEAN ICT Fund projects by year and proposer",
        "ja": "日ASEAN ICT基金の直近の実績（承認年・提案国別）",
    },
    "fund_projects_caption": {
        "en": "Recent Japan-ASEAN ICT Fund projects",
        "ja": "日ASEAN ICT基金の直近の実績",
    },
    "heading.channels": {"en": "Meeting channels", "ja": "会合・対話の枠組"},
    "channels_caption": {"en": "Meeting channels named in the plan", "ja": "プランに記載の会合・対話の枠組"},
    # --- country lens ---------------------------------------------------------------------------------
    "engagement_heatmap_title": {
        "en": "ASEAN members × programmes: rows of the plan naming each member",
        "ja": "ASEAN加盟国×プログラム：各国に言及する記載の数",
    },
    "engagement_heatmap_note": {
        "en": "Counts of dataset rows that name the member (forums held or planned, projects, memberships, planned proposals).",
        "ja": "各国に言及するデータ行の数（開催済み・予定のフォーラム、プロジェクト、参加、採択予定の提案）。",
    },
    "engagement_map_title": {
        "en": "How often the plan names each ASEAN member",
        "ja": "プランが各ASEAN加盟国に言及する回数",
    },
    "engagement_map_legend": {
        "en": "Number under each name: rows naming the member on {as_of}.",
        "ja": "国名の下の数：{as_of}時点で言及する行の数。",
    },
    "country_title": {"en": "Country lens: {name}", "ja": "国別の視点：{name}"},
    "country_member": {
        "en": "{name} has been a member of ASEAN since {joined}.",
        "ja": "{name}は{joined}からASEAN加盟国です。",
    },
    "country_not_member": {
        "en": "{name} was not yet a member of ASEAN on {as_of}; it joined on {joined}.",
        "ja": "{name}は{as_of}時点ではASEAN加盟国ではありません（{joined}加盟）。",
    },
    "heading.country_engagements": {"en": "Where the plan names {name}", "ja": "{name}に関する記載"},
    "country_nowhere": {
        "en": "The plan names {name} nowhere: no forum, project, partnership, membership or proposal of the plan involves it by name.",
        "ja": "本プランは{name}に一度も言及していません。フォーラム、プロジェクト、連携、参加、提案のいずれにも国名の記載はありません。",
    },
    "country_nowhere_chart": {
        "en": "Nothing to draw: the plan names this country nowhere.",
        "ja": "描く項目はありません（本プランに言及なし）。",
    },
    "country_summary": {
        "en": "The plan names {name} in **{n}** places: {roles}.",
        "ja": "本プランは{name}に**{n}件**言及しています：{roles}。",
    },
    "country_summary.one": {
        "en": "The plan names {name} in **{n}** place: {roles}.",
        "ja": "本プランは{name}に**{n}件**言及しています：{roles}。",
    },
    "country_table_caption": {
        "en": "Everything in the plan that names {name}",
        "ja": "{name}に言及する全ての記載",
    },
    "country_timeline_title": {"en": "{name} in the plan, by year", "ja": "{name}に関する記載（年別）"},
    "country_timeline_note": {
        "en": "Year of the forum, approval, planned research or proposal; Friends Group: as of {recorded}.",
        "ja": "フォーラム開催年、承認年、研究・提案の予定年。フレンズグループは{recorded}時点。",
    },
    "heading.country_comparison": {"en": "{name} among the members", "ja": "加盟国の中の{name}"},
    "country_comparison_title": {
        "en": "Rows of the plan naming each member",
        "ja": "各加盟国に言及する記載の数",
    },
    "country_comparison_note": {
        "en": "Highlighted: {name}. Members in the order they joined ASEAN; the counts are rows of the data package, not a ranking the plan makes.",
        "ja": "強調：{name}。加盟国はASEAN加盟順。件数はデータパッケージの記載行数で、プランによる順位ではありません。",
    },
    "country_no_dated_items": {
        "en": "No dated item of the plan names {name}.",
        "ja": "{name}に言及する日付のある事項はありません。",
    },
    "country.JPN": {"en": "Japan", "ja": "日本"},
    # --- tracker ----------------------------------------------------------------------------------
    "whole_plan": {"en": "The plan as a whole", "ja": "プラン全体"},
    "tracker_text": {
        "en": "The plan dates **{n} items**, each commitment once (commitments the plan writes twice, counted once: "
        "{folded}): {actions} 2026 actions (dated only by the plan's title: {by_title}; by their own words: "
        "{stated}) and {others} other items dated in the plan's own words (meetings, forums, support "
        "periods, approvals, activities). Each item's status on {as_of} follows from its date, as precise as the "
        "plan gives it, and from any outcome recorded by then with its source.",
        "ja": "本プランで日付のある事項は**{n}件**です（プラン中で2度書かれた{folded}件は1件と数えます）。うち{actions}件は"
        "2026年の取組で、{by_title}件は表題の年（2026年）のみ、{stated}件は本文の記載により日付づけられます。{others}件は"
        "本文に日付のある事項（会合、フォーラム、支援期間、承認、活動）です。{as_of}時点の状況は、原文どおりの精度の日付と、"
        "それまでに出典付きで記録された実施状況から決まります。",
    },
    "tracker_counts_title": {
        "en": "Dated items by status on {as_of}",
        "ja": "日付のある事項の状況（{as_of}時点）",
    },
    "tracker_timeline_title": {
        "en": "Dated items {start}–{end}, coloured by status on {as_of}",
        "ja": "日付のある事項（{start}〜{end}年）：{as_of}時点の状況別",
    },
    "tracker_timeline_note": {
        "en": "The 2026 actions, dated to a year, are counted and listed but not drawn. "
        "Markers sit at the start of the period the source gives; bars: periods; dashed line: the as-of date.",
        "ja": "年単位で日付づけられる2026年の取組は、件数と一覧に含め、図には描いていません。"
        "印は原文が示す期間の初め、横棒は期間、破線は基準日。",
    },
    "heading.status_definitions": {"en": "What each status means", "ja": "各状況の意味"},
    "status_definitions_caption": {
        "en": "The statuses the tracker gives, each defined in one line",
        "ja": "本トラッカーの状況区分とその定義",
    },
    "status_definition": {"en": "Definition", "ja": "定義"},
    # one line per status of workplan.tracker.STATUSES (data/README.md, *The monitor*, says the same)
    "status_def.upcoming": {
        "en": "The day, month, year or period the plan gives has not begun.",
        "ja": "プランが示す日・月・年または期間がまだ始まっていない。",
    },
    "status_def.in_period": {
        "en": "Within the day, month, year or period the plan gives, with no outcome recorded yet.",
        "ja": "プランが示す日・月・年または期間の途中で、実施の記録はまだない。",
    },
    "status_def.overdue": {
        "en": "A meeting, activity or action whose period has passed with no outcome recorded.",
        "ja": "会合・活動・取組の予定期間が過ぎ、実施の記録がない。",
    },
    "status_def.ended": {
        "en": "A support or funding period whose stated end has passed: it ended as the plan says.",
        "ja": "支援・拠出の期間が、プランの示す終了時期を過ぎた。",
    },
    "status_def.held": {
        "en": "A meeting, forum, launch, statement or publication the plan reports as held.",
        "ja": "プランが実施済みとする会合・フォーラム・発足・声明・公表。",
    },
    "status_def.approved": {
        "en": "A Japan-ASEAN ICT Fund project the plan reports as approved.",
        "ja": "プランが承認済みとする日ASEAN ICT基金のプロジェクト。",
    },
    "status_def.completed": {
        "en": "Reported completed: by the plan for a past activity, or by a recorded outcome.",
        "ja": "実施済み：過去の活動はプランにより、それ以外は記録された実施状況による。",
    },
    "status_def.activity_recorded": {
        "en": "An outcome is recorded for an example or a part of the item (linked in item_links), not for the whole of it.",
        "ja": "事項の例示または一部（item_linksで関連付け）について実施の記録がある（事項全体の記録ではない）。",
    },
    "status_def.in_progress": {
        "en": "A recorded outcome reports that it has started and is running.",
        "ja": "記録された実施状況によれば、開始され進行中。",
    },
    "status_def.postponed": {
        "en": "A recorded outcome reports it moved to a later date.",
        "ja": "記録された実施状況によれば、延期された。",
    },
    "status_def.changed": {
        "en": "A recorded outcome reports it carried out in another form, place or scope than the plan says.",
        "ja": "記録された実施状況によれば、プランと異なる形・場所・範囲で実施された。",
    },
    "status_def.cancelled": {
        "en": "A recorded outcome reports it called off.",
        "ja": "記録された実施状況によれば、中止された。",
    },
    "no_report_found": {
        "en": "no public report found (last checked {date})",
        "ja": "公表された報告は見つかっていない（最終確認 {date}）",
    },
    "last_search": {"en": "Public record", "ja": "公表情報の確認"},
    "heading.overdue": {"en": "Overdue, with nothing on record", "ja": "期限経過（実施の記録なし）"},
    "overdue_caption": {
        "en": "Items whose period ended before {as_of}, with no outcome recorded",
        "ja": "{as_of}までに予定期間が終了し、実施の記録がない事項",
    },
    "overdue_none": {
        "en": "Nothing is overdue on {as_of}: no meeting, activity or action has its period passed without an outcome on record.",
        "ja": "{as_of}時点で期限を経過した事項はありません（予定期間が過ぎて実施の記録がない会合・活動・取組はありません）。",
    },
    "heading.next_days": {"en": "The next {days} days", "ja": "今後{days}日間"},
    "next_caption": {
        "en": "Items not yet done whose period begins or ends between {as_of} and {until}",
        "ja": "{as_of}から{until}までの間に予定期間が始まる、または終わる未実施の事項",
    },
    "next_none": {
        "en": "No item not yet done has its period begin or end between {as_of} and {until}.",
        "ja": "{as_of}から{until}までの間に予定期間が始まる、または終わる未実施の事項はありません。",
    },
    "heading.outcomes": {"en": "Recorded outcomes", "ja": "記録された実施状況"},
    "outcomes_caption": {
        "en": "Outcomes known on {as_of}, each with its source",
        "ja": "{as_of}時点で判明している実施状況と出典",
    },
    "outcomes_none": {
        "en": "No outcome published by {as_of} is recorded.",
        "ja": "{as_of}までに公表された実施状況の記録はありません。",
    },
}

for _key, _texts in REPORT_LABELS.items():
    if _key in LABELS:
        raise ValueError(f"label {_key!r} is defined twice in workplan.i18n")
    LABELS[_key] = _texts


# Labels for the closed vocabularies the reports show, keyed by the column that holds them (see
# `vocabulary_of`). Tests check that every value of such a column in data/datapackage.json, and every
# status the tracker gives, has a label in both languages.
VOCABULARY_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "kind": {
        # actions.kind
        "governance": {"en": "governance", "ja": "ガバナンス"},
        "dialogue": {"en": "dialogue", "ja": "対話"},
        "information_sharing": {"en": "information sharing", "ja": "情報共有"},
        "research_development": {"en": "research and development", "ja": "研究開発"},
        "capacity_building": {"en": "capacity building", "ja": "能力構築"},
        "co_creation": {"en": "co-creation", "ja": "共創"},
        "advocacy": {"en": "advocacy", "ja": "呼びかけ"},
        "exercise": {"en": "exercises", "ja": "演習"},
        "coordination": {"en": "coordination", "ja": "調整"},
        "cooperative_activities": {"en": "cooperative activities", "ja": "協力活動"},
        "demonstration": {"en": "demonstration", "ja": "実証"},
        "funding": {"en": "funding", "ja": "資金拠出"},
        # events.kind
        "publication": {"en": "publication", "ja": "公表"},
        "launch": {"en": "launch", "ja": "発足・設立"},
        "statement": {"en": "statement", "ja": "声明"},
        "meeting": {"en": "meeting", "ja": "会合"},
        "forum": {"en": "forum", "ja": "フォーラム"},
        "milestone": {"en": "milestone", "ja": "節目"},
        "period": {"en": "period", "ja": "期間"},
        "approval": {"en": "approval", "ja": "承認"},
        "activity": {"en": "activity", "ja": "活動"},
        # statements.kind
        "title": {"en": "title", "ja": "表題"},
        "heading": {"en": "heading", "ja": "見出し"},
        "goal": {"en": "goal", "ja": "目標"},
        "context": {"en": "context", "ja": "背景"},
        "plan": {"en": "plan", "ja": "計画"},
        "caption": {"en": "caption", "ja": "写真説明"},
        # basis_documents.kind and referenced_documents.kind
        "joint_vision_statement": {"en": "joint vision statement", "ja": "共同ビジョン・ステートメント"},
        "summit_joint_statement": {"en": "summit joint statement", "ja": "首脳会議共同声明"},
        "initiative": {"en": "initiative", "ja": "イニシアティブ"},
        "joint_statement": {"en": "joint statement", "ja": "共同声明"},
        "guide": {"en": "guide", "ja": "ガイド"},
        "code_of_conduct": {"en": "code of conduct", "ja": "行動規範"},
        "guiding_principles": {"en": "guiding principles", "ja": "指針"},
        "policy_framework": {"en": "policy framework", "ja": "政策枠組"},
        "report": {"en": "report", "ja": "報告書"},
        "compact": {"en": "compact", "ja": "コンパクト"},
        "review": {"en": "review", "ja": "レビュー"},
        "masterplan": {"en": "masterplan", "ja": "マスタープラン"},
        "outlook": {"en": "outlook", "ja": "アウトルック"},
    },
    "continuity": {
        "continued": {"en": "continued", "ja": "継続"},
        "new": {"en": "new", "ja": "新規"},
        "unspecified": {"en": "not stated", "ja": "記載なし"},
    },
    "unit": {
        "countries_or_regions": {"en": "countries and regions", "ja": "国・地域"},
        "countries": {"en": "countries", "ja": "か国"},
        "institutions": {"en": "institutions", "ja": "機関"},
        "projects": {"en": "projects", "ja": "件"},
        "usd": {"en": "US dollars", "ja": "米ドル"},
        "years": {"en": "years", "ja": "年間"},
        "ordinal": {"en": "ordinal (the n-th)", "ja": "回・周年（第n）"},
        "meetings_per_year": {"en": "meetings a year", "ja": "回／年"},
        "count": {"en": "items", "ja": "項目"},
    },
    "value_status": {
        "stated": {"en": "stated", "ja": "記載値"},
        "approximate": {"en": 'approximate ("about")', "ja": "概数（「およそ」）"},
        "provisional": {"en": "provisional", "ja": "暫定"},
        "planned": {"en": "planned", "ja": "予定"},
        "derived": {"en": "counted from the list", "ja": "一覧から計数"},
    },
    "japan_role": {
        "organiser": {"en": "organiser", "ja": "主催"},
        "dialogue_partner": {"en": "dialogue partner", "ja": "対話国"},
        "party": {"en": "party", "ja": "当事国"},
        "participant": {"en": "participant", "ja": "参加"},
        "member": {"en": "member", "ja": "メンバー"},
    },
    "status": {
        # on a date (workplan.tracker.STATUSES, in its order): the plan's dates against the as-of
        # date, and recorded outcomes; held and completed are also statuses the plan gives
        "upcoming": {"en": "upcoming", "ja": "予定（期間前）"},
        "in_period": {"en": "in its period", "ja": "予定期間中"},
        "overdue": {"en": "period passed, no outcome recorded", "ja": "予定期間経過（実施の記録なし）"},
        "ended": {"en": "ended", "ja": "期間終了"},
        "held": {"en": "held", "ja": "実施済み"},
        "approved": {"en": "approved", "ja": "承認済み"},
        "completed": {"en": "completed", "ja": "完了"},
        "activity_recorded": {"en": "activity recorded", "ja": "関連する実施の記録あり"},
        "in_progress": {"en": "in progress", "ja": "進行中"},
        "postponed": {"en": "postponed", "ja": "延期"},
        "changed": {"en": "changed", "ja": "変更"},
        "cancelled": {"en": "cancelled", "ja": "中止"},
        # as the plan gives it (January 2026)
        "ongoing": {"en": "ongoing", "ja": "実施中"},
        "planned": {"en": "planned", "ja": "予定"},
        "provisional": {"en": "provisional", "ja": "暫定"},
        "member": {"en": "participating", "ja": "参加"},
    },
    "role": {
        "forum_host": {"en": "ASEAN IVO Forum host", "ja": "ASEAN IVOフォーラム開催"},
        "fund_proposer": {"en": "ICT Fund project proposer", "ja": "ICT基金プロジェクト提案"},
        "research_partner": {"en": "APT joint research partner", "ja": "APT国際共同研究の連携国"},
        "friends_group": {
            "en": "Hiroshima AI Process Friends Group",
            "ja": "広島AIプロセス・フレンズグループ参加",
        },
        "ivo_proposal": {
            "en": "ASEAN IVO proposals to be adopted (2026)",
            "ja": "ASEAN IVO提案採択予定（2026年）",
        },
        "event_place": {"en": "Place of a dated item", "ja": "事項の開催地"},
        "training_place": {"en": "Place of APT training", "ja": "APT研修の実施地"},
    },
    "format": {
        "in_person": {"en": "in person", "ja": "対面"},
        "online": {"en": "online", "ja": "オンライン"},
    },
    "item_type": {
        "description": {"en": "What it is", "ja": "内容"},
        "example": {"en": "Example course", "ja": "研修の例"},
    },
    "precision": {
        "year": {"en": "year only", "ja": "年のみ"},
        "month": {"en": "month", "ja": "月"},
        "day": {"en": "day", "ja": "日"},
    },
}

for _vocab, _values in VOCABULARY_LABELS.items():
    for _value, _texts in _values.items():
        _key = f"{_vocab}.{_value}"
        if _key in LABELS:
            raise ValueError(f"label {_key!r} is defined twice in workplan.i18n")
        LABELS[_key] = _texts


# --- site and build -----------------------------------------------------------------------------------
# Labels of the index page, the report navigation and the data downloads (owned by the build).

SITE_LABELS: dict[str, dict[str, str]] = {
    "site.project": {
        "en": "Japan-ASEAN Digital Work Plan 2026 — analysis reports",
        "ja": "日ASEANデジタルワークプラン2026 — 分析レポート",
    },
    "site.as_of": {"en": "Reports as of {date}", "ja": "{date}時点のレポート"},
    "site.as_of_each": {"en": "As of {date}", "ja": "{date}時点"},
    "site.report": {"en": "Report", "ja": "レポート"},
    "site.notebook": {"en": "Notebook", "ja": "ノートブック"},
    "site.failed": {"en": "last build failed: previous version", "ja": "前回のビルドに失敗：以前の版"},
    "site.interrupted": {
        "en": "last build interrupted: previous version",
        "ja": "前回のビルドは中断：以前の版",
    },
}

for _key, _texts in SITE_LABELS.items():
    if _key in LABELS:
        raise ValueError(f"label {_key!r} is defined twice in workplan.i18n")
    LABELS[_key] = _texts

# Labels of the calendars and the feed the build publishes (workplan.ical, workplan.feed).
FOLLOW_LABELS: dict[str, dict[str, str]] = {
    "follow.calendar": {
        "en": "Calendar of dated items (iCalendar)",
        "ja": "日付のある事項のカレンダー（iCalendar）",
    },
    "follow.feed": {"en": "What changed (Atom feed)", "ja": "状況の変化（Atomフィード）"},
    "calendar.precision": {"en": "When (as precisely as the plan says)", "ja": "時期（プランの記載の精度）"},
    "calendar.outcome": {"en": "Recorded outcome", "ja": "実施状況の記録"},
    "calendar.tracker": {"en": "Tracker", "ja": "トラッカー"},
    "calendar.source_lines": {"en": "Source lines", "ja": "原文の行"},
    "calendar.pillar": {"en": "Pillar {n}", "ja": "柱{n}"},
    "feed.title": {
        "en": "Japan-ASEAN Digital Work Plan 2026 — what changed",
        "ja": "日ASEANデジタルワークプラン2026 — 状況の変化",
    },
    "feed.outcome": {"en": "{title}: {status} ({date})", "ja": "{title}：{status}（{date}）"},
    "feed.change": {"en": "{title}: {old} → {new}", "ja": "{title}：{old}→{new}"},
    "feed.outcome_text": {
        "en": "Outcome recorded from {source}: {quote}",
        "ja": "{source}による実施状況の記録：{quote}",
    },
    "feed.change_text": {
        "en": "On {date} the status of this dated item changed from {old} to {new}, by the dates the plan gives ({when}).",
        "ja": "{date}、プランの記載する時期（{when}）により、この事項の状況が「{old}」から「{new}」に変わりました。",
    },
}

for _key, _texts in FOLLOW_LABELS.items():
    if _key in LABELS:
        raise ValueError(f"label {_key!r} is defined twice in workplan.i18n")
    LABELS[_key] = _texts

# Column headers of the data downloads (the Excel workbook): a column's name without its _ja/_en
# suffix → English and Japanese. A field's own `title`/`title_ja` in datapackage.json wins.
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "acronym": ("Acronym", "略称"),
    "action_id": ("Action ID", "活動ID"),
    "activity": ("Activity", "活動"),
    "activity_id": ("Activity no.", "活動番号"),
    "ai_principle_number": ("AI statement point", "AI共同声明の項目番号"),
    "approved_year": ("Year approved", "承認年"),
    "as_of": ("As of", "時点"),
    "as_of_precision": ("Precision of as of", "時点の精度"),
    "asean_joined": ("Joined ASEAN", "ASEAN加盟日"),
    "basis_doc_id": ("Basis document ID", "基本文書ID"),
    "body": ("Body", "組織"),
    "category": ("Category", "分類"),
    "category_id": ("Category ID", "分類ID"),
    "category_order": ("Category order", "分類の順序"),
    "channel_id": ("Channel ID", "枠組みID"),
    "city": ("City", "都市"),
    "city_ja_source": ("Source of the Japanese city name", "都市名（日本語）の出所"),
    "component_number": ("Component no.", "構成要素の番号"),
    "continuity": ("New or continued", "新規・継続"),
    "country_en_as_printed": ("Country as printed", "国名（原文表記）"),
    "country_iso3": ("Country (ISO3)", "国（ISO3）"),
    "date": ("Date", "日付"),
    "date_precision": ("Precision of date", "日付の精度"),
    "description": ("Description", "説明"),
    "doc_id": ("Document ID", "文書ID"),
    "duration_years": ("Duration (years)", "期間（年）"),
    "element_id": ("Element ID", "要素ID"),
    "element_type": ("Element type", "要素の種類"),
    "end_date": ("End date", "終了日"),
    "end_precision": ("Precision of end date", "終了日の精度"),
    "event_id": ("Event ID", "事項ID"),
    "examples": ("Examples", "例"),
    "expansion": ("Expansion", "正式名称"),
    "expansion_en_source": ("Source of the English expansion", "正式名称（英語）の出所"),
    "expansion_ja_source": ("Source of the Japanese expansion", "正式名称（日本語）の出所"),
    "field": ("Field", "分野"),
    "first_seen": ("First occurs in", "初出の箇所"),
    "fiscal_year": ("Fiscal year", "年度"),
    "format": ("Format", "開催形式"),
    "frequency": ("Frequency", "頻度"),
    "frequency_precision": ("Precision of frequency", "頻度の精度"),
    "funder": ("Funder", "支援主体"),
    "group": ("Group", "グループ"),
    "group_order": ("Group order", "グループの順序"),
    "heading": ("Heading", "見出し"),
    "hiroshima_element_id": ("Hiroshima AI Process element", "広島AIプロセスの要素"),
    "initiative_id": ("Initiative ID", "取組ID"),
    "iso2": ("ISO alpha-2", "ISO 2文字コード"),
    "iso3": ("ISO alpha-3", "ISO 3文字コード"),
    "item_id": ("Item ID", "項目ID"),
    "item_order": ("Item order", "項目の順序"),
    "item_type": ("Item type", "項目の種類"),
    "japan_role": ("Japan's role", "日本の役割"),
    "kind": ("Kind", "種類"),
    "label": ("Label", "ラベル"),
    "level": ("Level", "レベル"),
    "list_id": ("List ID", "リストID"),
    "list_name": ("List name", "リスト名"),
    "list_non_exhaustive": ("List ends with etc.", "リストが「等」で終わる"),
    "mention_id": ("Mention ID", "言及ID"),
    "metric": ("Metric", "指標"),
    "month": ("Month", "月"),
    "name": ("Name", "名称"),
    "name_ja_source": ("Source of the Japanese name", "名称（日本語）の出所"),
    "non_exhaustive": ("Non-exhaustive (etc.)", "例示（「等」）"),
    "note": ("Note", "注記"),
    "number": ("No.", "番号"),
    "number_in_pillar": ("No. in pillar", "柱内の番号"),
    "occasion": ("Occasion", "機会"),
    "online_wording": ("Online wording", "オンライン開催の表記"),
    "order": ("Order", "順序"),
    "order_in_initiative": ("Order in initiative", "取組内の順序"),
    "organisers": ("Organisers", "主催"),
    "outside_source": ("Outside source", "外部出典"),
    "participants": ("Participants", "出席者"),
    "partner": ("Partner", "パートナー"),
    "partner_iso3": ("Partner (ISO3)", "パートナー国（ISO3）"),
    "partner_name": ("Partner name", "パートナー国名"),
    "phase2_note": ("Phase II note", "フェーズⅡの注記"),
    "phase2_projects": ("Phase II projects", "フェーズⅡの件数"),
    "phase2_source_quote": ("Phase II source wording", "フェーズⅡの原文"),
    "phase_id": ("Phase ID", "期ID"),
    "phase_order": ("Phase order", "期の順序"),
    "pillar_id": ("Pillar", "柱"),
    "place": ("Place", "場所"),
    "place_iso3": ("Place (ISO3)", "場所（ISO3）"),
    "project_id": ("Project no.", "案件番号"),
    "projects": ("Projects", "件数"),
    "proposer": ("Proposer", "提案国"),
    "proposer_iso3": ("Proposer (ISO3)", "提案国（ISO3）"),
    "related_dataset": ("Related table", "関連する表"),
    "related_id": ("Related row", "関連する行"),
    "research_id": ("Research no.", "研究番号"),
    "section_id": ("Section of the source", "原文の箇所"),
    "source_quote": ("Source wording", "原文"),
    "start_date": ("Start date", "開始日"),
    "start_precision": ("Precision of start date", "開始日の精度"),
    "statement_id": ("Statement ID", "記述ID"),
    "status": ("Status", "状況"),
    "summary": ("Summary", "概要"),
    "target_order": ("Target order", "対象の順序"),
    "text": ("Text", "内容"),
    "text_en_source": ("Source of the English text", "内容（英語）の出所"),
    "text_source": ("How the text was taken", "内容の取り方"),
    "theme_order": ("Theme order", "テーマの順序"),
    "tile_col": ("Tile map column", "タイル地図の列"),
    "tile_row": ("Tile map row", "タイル地図の行"),
    "title": ("Title", "名称"),
    "title_en_source": ("Source of the English title", "名称（英語）の出所"),
    "total_cost_status": ("Total cost status", "総事業費の状況"),
    "unit": ("Unit", "単位"),
    "value": ("Value", "値"),
    "value_status": ("Value status", "値の性格"),
    "wording": ("Wording", "表記"),
    "year": ("Year", "年"),
    "year_basis": ("Where the year comes from", "年の根拠"),
    "ordinal_id": ("Ordinal ID", "序数ID"),
    "ordinal": ("Ordinal (the n-th)", "序数（第n）"),
    "form": ("Form as printed", "原文の表記形式"),
    "of": ("What it numbers", "何の序数か"),
    "ict_fund_project_id": ("ICT Fund project", "ICT基金の案件"),
    "source_lines": ("Lines in the source text", "原文の行"),
    "source_slide": ("Slide", "スライド"),
    "phase2_source_lines": ("Phase II lines in the source text", "フェーズⅡの原文の行"),
    "name_id": ("English name ID", "英語名ID"),
    "org_id": ("Organisation ID", "組織ID"),
    "organisation_type": ("Kind of body", "組織の種類"),
    "organisation_role": ("What the body does", "組織の役割"),
    "role_id": ("Role no.", "役割番号"),
    "name_en_source": ("Source of the English name", "名称（英語）の出所"),
    "en_status": ("Where the English name comes from", "英語名の出所"),
    "en_source_title": ("Title of the English name's source", "英語名の出典の題名"),
    "en_source_publisher": ("Publisher of the English name's source", "英語名の出典の発行者"),
    "en_source_url": ("Address of the English name's source", "英語名の出典のURL"),
    "en_source_words": ("Words of the English name's source", "英語名の出典の文言"),
    # the record of what happened (data/outcomes.csv)
    "outcome_id": ("Outcome ID", "実績ID"),
    "source_title": ("Source title", "出典の題名"),
    "source_publisher": ("Source publisher", "出典の発行者"),
    "source_url": ("Source address", "出典のURL"),
    "source_date": ("Source date", "出典の日付"),
    "source_lang": ("Language of the source", "出典の言語"),
    "source_title_other": ("Source title in the other language", "出典の題名（他言語）"),
    "source_publisher_other": ("Source publisher in the other language", "出典の発行者（他言語）"),
    "archive_url": ("Address of the archived copy read", "参照した保存版のURL"),
    "source_date_basis": ("Where the source date was read", "出典の日付の根拠"),
    # the searches on record (data/outcome_checks.csv)
    "check_id": ("Search ID", "検索ID"),
    "checked_on": ("Searched on", "検索日"),
    "searched_where": ("Where searched", "検索先"),
    "query": ("Words searched", "検索語"),
    "result": ("Result", "結果"),
    # links between dated items (data/item_links.csv)
    "relation": ("Relation", "関係"),
    "other_item_id": ("Linked item ID", "関連項目ID"),
}

_LANGUAGE_SUFFIXES = {"_ja": (" (Japanese)", "（日本語）"), "_en": (" (English)", "（英語）")}


def column_label(field: dict[str, Any]) -> str:
    """'English / 日本語' header of a data column, from its datapackage.json field."""
    if field.get("title") and field.get("title_ja"):
        return f"{field['title']} / {field['title_ja']}"
    name = field["name"]
    suffix_en = suffix_ja = ""
    for suffix, (en, ja) in _LANGUAGE_SUFFIXES.items():
        if name.endswith(suffix) and name.removesuffix(suffix) in COLUMN_LABELS:
            name, suffix_en, suffix_ja = name.removesuffix(suffix), en, ja
    if name not in COLUMN_LABELS:
        return field["name"]
    en, ja = COLUMN_LABELS[name]
    return f"{en}{suffix_en} / {ja}{suffix_ja}"
