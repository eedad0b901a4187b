"""The supervisor's report as an Excel workbook: one sheet per table, numbers stored as numbers."""

from __future__ import annotations

from pathlib import Path

from broadcaster.messages import t
from broadcaster.reports import Report, heading, rule, sections
from broadcaster.values import is_number


def _number(text: str) -> int | float | str:
    """A cell as Excel should hold it: integers, decimals and shares as numbers, anything else as text."""
    if text.isdigit():
        return int(text)
    if is_number(text):
        return float(text.rstrip("%").replace(",", ".")) / (100 if text.endswith("%") else 1)
    return text


def write_xlsx(report: Report, path: Path, warnings: tuple[str, ...] = ()) -> None:
    """Save the report as an Excel workbook: a first sheet with the period, any warning and the rule, then one
    sheet per table, numbers stored as numbers (Excel shows them with the reader's own decimal mark)."""
    from openpyxl import Workbook  # only this format needs it
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    cover = book.active
    cover.title = t("report")[:31]
    for line in heading(report, warnings)[:-1] + [rule()]:
        cover.append([line])
    for row in cover.iter_rows(max_row=len(warnings)) if warnings else ():
        row[0].font, row[0].fill = Font(bold=True, color="FFFFFF", size=14), PatternFill("solid", fgColor="C00000")
    for section in sections(report, every_status=False):
        sheet = book.create_sheet(_sheet_name(section.title, book.sheetnames))
        if warnings:
            sheet.append([warnings[0]])
            sheet["A1"].font, sheet["A1"].fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="C00000")
        sheet.append(list(section.columns))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in section.rows:
            sheet.append([_number(c) for c in row])
            for cell, text in zip(sheet[sheet.max_row], row):
                if text.endswith("%") and is_number(text):
                    cell.number_format = "0.0%"
    temporary = Path(path).with_name(Path(path).name + ".part")
    book.save(temporary)
    temporary.replace(path)  # a whole workbook or the old one, never half of one


def _sheet_name(title: str, taken: list[str]) -> str:
    # Excel allows 31 characters and none of []:*?/\ in a sheet's name.
    name = "".join(" " if c in "[]:*?/\\" else c for c in title)[:31]
    return name if name not in taken else f"{name[:28]} {len(taken)}"
