"""The data downloads beside the reports (reports/data/): for Excel users and for machines.

- every table as CSV with a byte-order mark, so Japanese Excel opens it as UTF-8;
- one workbook: a first sheet describing every table and column with its provenance (from
  datapackage.json), then a sheet per table with bilingual headers, real dates and numbers, and a
  frozen header row;
- the data package descriptor (its CSV encoding set to utf-8-sig), the raw source text and the data
  dictionary, so the folder stands alone.

A text cell Excel would run as a formula (it starts with =, +, -, @, a tab or a carriage return) is
written safely: in the CSVs prefixed with an apostrophe (the usual practice, OWASP "CSV injection"),
in the workbook stored as text, never as a formula, exactly as it is.

Reads the CSVs with the csv module (no pandas): the data was validated before this runs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from .outputs import write_if_changed

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries carry no build time: same data, same bytes
DOCUMENTS = ("README.md",)


def formula_safe(value: str) -> str:
    """A text cell as a spreadsheet will show it without running it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def read_package(data_dir: Path) -> dict[str, Any]:
    return json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))


def read_table(data_dir: Path, resource: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    text = (data_dir / resource["path"]).read_text(encoding="utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def csv_download(header: list[str], rows: list[list[str]], fields: dict[str, dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    text_columns = [fields.get(name, {}).get("type", "string") == "string" for name in header]
    for row in rows:
        writer.writerow(
            [formula_safe(v) if is_text else v for v, is_text in zip(row, text_columns, strict=True)]
        )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def workbook_name(package: dict[str, Any]) -> str:
    return f"{package.get('name', 'data')}.xlsx"


def download_names(package: dict[str, Any], data_dir: Path) -> list[str]:
    """Every file of the downloads folder, relative to reports/data/."""
    names = [r["path"] for r in package["resources"]]
    names += [workbook_name(package), "datapackage.json"]
    names += [s["path"] for s in package.get("sources", []) if s.get("path")]
    names += [d for d in DOCUMENTS if (data_dir / d).exists()]
    return names


def write_downloads(data_dir: Path, target: Path) -> list[str]:
    """Write every download into `target`; files whose bytes did not change are left alone.
    Returns the files written."""
    from ..i18n import column_label

    package = read_package(data_dir)
    files: dict[str, bytes] = {}
    tables = []
    for resource in package["resources"]:
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        header, rows = read_table(data_dir, resource)
        files[resource["path"]] = csv_download(header, rows, fields)
        tables.append((resource, header, rows))
    files[workbook_name(package)] = workbook_bytes(package, tables, column_label)
    files["datapackage.json"] = descriptor_bytes(package)
    for source in package.get("sources", []):
        if source.get("path"):
            files[source["path"]] = (data_dir / source["path"]).read_bytes()
    for name in DOCUMENTS:
        if (data_dir / name).exists():
            files[name] = (data_dir / name).read_bytes()
    return [name for name, content in files.items() if write_if_changed(target / name, content)]


def descriptor_bytes(package: dict[str, Any]) -> bytes:
    package = json.loads(json.dumps(package))
    for resource in package["resources"]:
        if resource.get("format", "csv") == "csv":
            resource["encoding"] = "utf-8-sig"  # the downloads carry a byte-order mark for Excel
    return (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --- the workbook ----------------------------------------------------------------------------------


def typed_cell(value: str, field: dict[str, Any]) -> Any:
    """The value as Excel should hold it: a number, a date, true/false, or text (None if empty)."""
    if value == "":
        return None
    kind = field.get("type", "string")
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
        if kind == "date":
            return dt.date.fromisoformat(value)
        if kind == "boolean":
            return {"true": True, "false": False}[value]
    except (ValueError, KeyError):
        pass
    return value


def workbook_bytes(package: dict[str, Any], tables: list[tuple], column_label: Any) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    created = dt.datetime(2026, 1, 1)
    with_date = str(package.get("created", ""))[:10]
    if with_date:
        created = dt.datetime.fromisoformat(with_date)
    wb.properties.creator = package.get("title", "")
    wb.properties.title = package.get("title", "")
    wb.properties.created = created
    wb.properties.modified = created

    def text_cell(ws: Any, row: int, column: int, value: Any) -> Cell:
        cell = ws.cell(row=row, column=column)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # text, also when it starts with "=": never a formula
            if value.startswith(FORMULA_STARTS):
                cell.quotePrefix = True  # Excel keeps it text when the cell is edited
        return cell

    about = wb.active
    about.title = "about"
    lines = [
        (package.get("title", ""),),
        (package.get("description", ""),),
        ("Version / 版", package.get("version", "")),
        ("Created / 作成日", with_date),
        *[("Source / 出典", s.get("title", "")) for s in package.get("sources", [])],
        (
            "Note / 注記",
            "Text that starts with = + - @ is stored as text, never as a formula; the CSV files prefix "
            "it with an apostrophe. 「=」「+」「-」「@」で始まる文字列は数式ではなく文字列として格納しています"
            "（CSVでは先頭にアポストロフィを付けています）。",
        ),
        (),
        (
            "Table / 表",
            "Sheet / シート",
            "Title / 名称",
            "名称（日本語）",
            "Column / 列",
            "Header / 見出し",
            "Type / 型",
            "Required / 必須",
            "Allowed values / 許容値",
            "Description / 説明",
        ),
    ]
    for r, line in enumerate(lines, start=1):
        for c, value in enumerate(line, start=1):
            text_cell(about, r, c, value)
    about.cell(row=1, column=1).font = Font(bold=True, size=13)
    header_row = len(lines)
    for c in range(1, 11):
        about.cell(row=header_row, column=c).font = bold
    r = header_row + 1
    for resource, _header, _ in tables:
        text_cell(about, r, 1, resource["name"])
        text_cell(about, r, 2, resource["name"][:31])
        text_cell(about, r, 3, resource.get("title", ""))
        text_cell(about, r, 4, resource.get("title_ja", ""))
        text_cell(about, r, 10, f"{resource.get('description', '')} (file: {resource['path']})")
        for c in (1, 3, 4):
            about.cell(row=r, column=c).font = bold
        r += 1
        for field in resource["schema"]["fields"]:
            constraints = field.get("constraints", {})
            text_cell(about, r, 1, resource["name"])
            text_cell(about, r, 5, field["name"])
            text_cell(about, r, 6, column_label(field))
            text_cell(about, r, 7, field.get("type", "string"))
            text_cell(about, r, 8, "yes / はい" if constraints.get("required") else "")
            text_cell(about, r, 9, ", ".join(str(v) for v in constraints.get("enum", [])))
            text_cell(about, r, 10, field.get("description", ""))
            r += 1
    for c, width in enumerate((24, 22, 36, 30, 24, 36, 10, 10, 30, 90), start=1):
        about.column_dimensions[get_column_letter(c)].width = width
    about.freeze_panes = f"A{header_row + 1}"

    for resource, header, rows in tables:
        ws = wb.create_sheet(resource["name"][:31])
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        for c, name in enumerate(header, start=1):
            cell = text_cell(ws, 1, c, column_label(fields.get(name, {"name": name})))
            cell.font = bold
            cell.alignment = wrap
            ws.column_dimensions[get_column_letter(c)].width = (
                14 if fields.get(name, {}).get("type", "string") != "string" else 28
            )
        for r, row in enumerate(rows, start=2):
            for c, (name, value) in enumerate(zip(header, row, strict=True), start=1):
                field = fields.get(name, {})
                cell = text_cell(ws, r, c, typed_cell(value, field))
                if field.get("type") == "date" and cell.value is not None:
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"

    # Workbook.save would stamp the current time as "modified": write the archive ourselves.
    from openpyxl.writer.excel import ExcelWriter

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    return deterministic_zip(raw.getvalue())


def deterministic_zip(content: bytes) -> bytes:
    """The same archive with every entry's time fixed, so identical data gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
