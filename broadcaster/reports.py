"""Supervisor reports: pure functions over log records, shown as a table, CSV or a self-contained HTML page.

"Planned" is counted from the log itself: every planned airing ends as exactly one airing record
with trigger 'schedule' (aired, partial, interrupted, failed, missed or skipped), so the status columns
add up to it (RULE); urgent airings and replays after a restart are extra attempts, counted in their
own columns, never in the status columns nor in planned.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from broadcaster.airing_log import AIRING, ON_AIR, STATUSES, record_day
from broadcaster.errors import InputError
from broadcaster.messages import day_text, language, marked, moment_text, number_text, t
from broadcaster.values import is_number
from broadcaster.spreadsheet import SpreadsheetWriter

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf")


@dataclass(frozen=True)
class DayOutput:
    """What one output of one station did on one day."""

    day: str
    station: str
    output: str
    planned: int
    counts: dict[str, int]
    urgent: int
    replays: int
    minutes: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Share:
    """Minutes aired under one name (a topic, a language) and their share of all minutes."""

    name: str
    minutes: float
    share: float


@dataclass(frozen=True)
class Report:
    """Everything a supervisor's report shows for a date range."""

    start: dt.date
    end: dt.date
    stations: tuple[str, ...]
    days: tuple[DayOutput, ...]
    topics: tuple[Share, ...]
    languages: tuple[Share, ...]
    topic_minutes: dict[str, dict[str, float]]
    urgent: tuple[dict, ...]
    before_approval: tuple[dict, ...]
    problems: tuple[dict, ...]
    devices: tuple[dict, ...]


@dataclass(frozen=True)
class Section:
    """A titled table of text cells: the shape shared by the terminal, CSV and HTML forms."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _shares(seconds: dict[str, float]) -> tuple[Share, ...]:
    whole = sum(seconds.values())
    return tuple(Share(name, s / 60, s / whole if whole else 0.0)
                 for name, s in sorted(seconds.items(), key=lambda kv: (-kv[1], kv[0])))


class _Tally:
    """Counts for one day, station and output, gathered in one pass over the records."""

    def __init__(self):
        self.planned = self.urgent = self.replays = 0
        self.seconds = 0.0
        self.counts = dict.fromkeys(STATUSES, 0)
        self.reasons: Counter[str] = Counter()


def build_report(records: list[dict], start: dt.date, end: dt.date) -> Report:
    """The report of ``start`` to ``end`` from log records of every kind (other days' records are ignored); a
    record may stand for ``n`` airings alike, its ``duration_s`` their sum (see AiringLog.report_records)."""
    if end < start:
        raise InputError(t("the dates are in the wrong order: {start} is after {end}",
                           start=day_text(start), end=day_text(end)))
    first, last = start.isoformat(), end.isoformat()
    tallies: dict[tuple[str, str, str], _Tally] = defaultdict(_Tally)
    # Seconds are added up and made minutes at the end: the same sum, however the records were folded.
    topics: dict[str, float] = defaultdict(float)
    languages: dict[str, float] = defaultdict(float)
    topic_seconds: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    stations: set[str] = set()
    urgent, before_approval, problems, devices = [], [], [], []
    # One pass: a year of a busy station is 100,000 records.
    for r in records:
        day = record_day(r)
        if not first <= day <= last:
            continue
        stations.add(r.get("station", ""))
        kind = r.get("kind")
        if kind == "device":
            devices.append(r)
        if kind != AIRING:
            continue
        tally = tallies[(day, r.get("station", ""), r.get("output", ""))]
        status, trigger, n = r.get("status"), r.get("trigger", "schedule"), r.get("n", 1)
        if status in tally.counts and trigger == "schedule":
            tally.counts[status] += n
        if status != "aired":
            tally.reasons[f"{status}: {r.get('reason') or '-'}"] += 1
            problems.append(r)
        if trigger == "schedule":
            tally.planned += n
        elif trigger == "urgent":
            tally.urgent += n
            urgent.append(r)
        else:
            tally.replays += n
        if status in ON_AIR:
            seconds = r.get("duration_s") or 0.0
            tally.seconds += seconds
            topic = r.get("topic") or "-"
            topics[topic] += seconds
            languages[r.get("language") or "-"] += seconds
            topic_seconds[day][topic] += seconds
            if r.get("before_approval"):
                before_approval.append(r)
    days = tuple(DayOutput(day=day, station=station, output=output, planned=x.planned, counts=x.counts,
                           urgent=x.urgent, replays=x.replays, minutes=x.seconds / 60,
                           reasons=tuple(f"{text} (×{n})" if n > 1 else text for text, n in sorted(x.reasons.items())))
                 for (day, station, output), x in sorted(tallies.items()))
    return Report(start=start, end=end, stations=tuple(sorted(stations)), days=days, topics=_shares(topics),
                  languages=_shares(languages),
                  topic_minutes={day: {topic: s / 60 for topic, s in v.items()} for day, v in sorted(topic_seconds.items())
                                 if any(v.values())},
                  urgent=tuple(urgent), before_approval=tuple(before_approval), problems=tuple(problems),
                  devices=tuple(devices))


FILTERS = ("output", "topic", "language", "status")  # what a report may be narrowed to


def log_report(log, start: dt.date, end: dt.date, checks: list | None = None,
               **wanted: str | None) -> tuple[Report, tuple[str, ...]]:
    """The report of an airing log's days ``start`` to ``end``, narrowed to the records whose fields have the
    ``wanted`` values (any of FILTERS; None or '' for all), and a warning for each chain of the log found
    altered (by ``checks``, the log's own verification unless given): what the command line and the web page
    both show."""
    records = [r for r in log.report_records(start, end) if all(r.get(k) == v for k, v in wanted.items() if v)]
    checks = log.verify() if checks is None else checks
    warnings = tuple(altered_warning(c.station, c.path, c.problem) for c in checks if not c.intact)
    return build_report(records, start, end), warnings


def rule() -> str:
    """How the counts of the per-day table add up, printed under it in every form of the report."""
    return t("planned = {statuses}; urgent airings and replays after a restart are extra, outside this sum",
             statuses=" + ".join(t(s) for s in STATUSES))


def altered_warning(station: str, path: str, problem: str) -> str:
    """The warning that heads a report (terminal, CSV, HTML, XLSX) when a log it reads from was altered."""
    return t("WARNING: the log was ALTERED ({station}: {path}: {problem}); this report may not be what "
             "was aired ('broadcaster log verify' checks it)", station=station, path=path, problem=problem)


def _time(value: str | None) -> str:
    return moment_text(str(value)) if value else "-"


def _airing_rows(records: tuple[dict, ...], ordered: bool = False) -> tuple[tuple[str, ...], ...]:
    """Rows of airings; ``ordered`` adds who ordered each (an urgent one) and why."""
    return tuple((_time(r.get("planned_start")), r.get("station", ""), r.get("output", ""), r.get("announcement", ""),
                  r.get("title", ""), t(r.get("status", "")), r.get("reason") or "-",
                  r.get("approved_by") or t("aired before approval"), r.get("operator") or "-",
                  *((r.get("ordered_by") or "-", r.get("order_reason") or "-") if ordered else ())) for r in records)


def named(report: Report, topic_name: Callable[[str], str], language_name: Callable[[str], str]) -> Report:
    """The report with its topics and languages by the names these functions give their codes, its chart's too."""
    return replace(report, topics=tuple(replace(s, name=topic_name(s.name)) for s in report.topics),
                   languages=tuple(replace(s, name=language_name(s.name)) for s in report.languages),
                   topic_minutes={day: {topic_name(code): m for code, m in minutes.items()}
                                  for day, minutes in report.topic_minutes.items()})


def sections(report: Report, every_status: bool = True, point: str | None = None) -> list[Section]:
    """The report as titled tables of text; without ``every_status``, statuses that never happened are left out;
    decimals with the language's decimal mark, or ``point``."""
    statuses = [s for s in STATUSES if every_status or s in ("aired", "failed", "missed")
                or any(d.counts[s] for d in report.days)]
    airing_columns = (t("planned"), t("station"), t("output"), t("id"), t("title"), t("status"), t("reason"),
                      t("approved by"), t("operator"))
    urgent_columns = (*airing_columns, t("ordered by"), t("why ordered"))
    return [
        Section(t("Airings per day and output"),
                (t("day"), t("station"), t("output"), t("planned"), *(t(s) for s in statuses), t("urgent"),
                 t("replays"), t("minutes aired"), t("reasons")),
                tuple((day_text(d.day), d.station, d.output, str(d.planned), *(str(d.counts[s]) for s in statuses),
                       str(d.urgent), str(d.replays), number_text(d.minutes, point=point), "; ".join(d.reasons)) for d in report.days)),
        Section(t("Minutes aired per topic"), (t("topic"), t("minutes"), t("share")),
                tuple((s.name, number_text(s.minutes, point=point),
                       number_text(s.share, share=True, point=point)) for s in report.topics)),
        Section(t("Minutes aired per language"), (t("language"), t("minutes"), t("share")),
                tuple((s.name, number_text(s.minutes, point=point),
                       number_text(s.share, share=True, point=point)) for s in report.languages)),
        Section(t("Not aired in full"), airing_columns, _airing_rows(report.problems)),
        Section(t("Urgent broadcasts"), urgent_columns, _airing_rows(report.urgent, ordered=True)),
        Section(t("Broadcasts aired before approval"), urgent_columns,
                _airing_rows(report.before_approval, ordered=True)),
        Section(t("Device trouble"), (t("time"), t("station"), t("output"), t("device"), t("state"), t("reason"),
                                      t("backup used")),
                tuple((_time(r.get("at")), r.get("station", ""), r.get("output", "") or "-", r.get("device", "") or "-",
                       r.get("state", "") or "-", r.get("reason", "") or "-", r.get("failover_to", "") or "-")
                      for r in report.devices)),
    ]


def heading(report: Report, warnings: tuple[str, ...]) -> list[str]:
    """The lines that head a report file: any altered-log warning, the period, what the CSV is for."""
    return [*warnings, t("Airing report from {start} to {end}", start=day_text(report.start),
                         end=day_text(report.end)),
            t("CSV for programs: numbers with a '.' decimal point; for Excel use --format xlsx")]


def report_csv(report: Report, warnings: tuple[str, ...] = ()) -> str:
    """The report as CSV: any altered-log warning first, then each section a title line, a header and its rows
    (the per-day one followed by its rule), then a blank line."""
    out = io.StringIO()
    writer = SpreadsheetWriter(out, lineterminator="\r\n")
    writer.writerows([line] for line in heading(report, warnings))
    writer.writerow([])
    for i, section in enumerate(sections(report, point=".")):  # for software, as its heading says
        writer.writerow([section.title])
        writer.writerow(section.columns)
        writer.writerows(section.rows)
        if i == 0:
            writer.writerow([rule()])
        writer.writerow([])
    return out.getvalue()


def write_csv(report: Report, path: Path, warnings: tuple[str, ...] = ()) -> None:
    """Save the CSV with a byte-order mark, so that Excel reads the Vietnamese letters as UTF-8."""
    Path(path).write_text(report_csv(report, warnings), encoding="utf-8-sig", newline="")


def write_html(report: Report, path: Path, title: str, warnings: tuple[str, ...] = ()) -> None:
    """Save the HTML report."""
    Path(path).write_text(report_html(report, title, warnings), encoding="utf-8")


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _ddmm(day: str) -> str:
    """'04/12' for the ISO day '2026-12-04': a chart's days as Vietnam writes them."""
    return f"{day[8:10]}/{day[5:7]}"


def topic_chart(report: Report) -> str:
    """Stacked bars of minutes aired per topic on each day, as inline SVG."""
    days = list(report.topic_minutes)
    topics = [s.name for s in report.topics]
    if not days:
        return f'<p class="empty">{_esc(t("Nothing was aired in this period."))}</p>'
    colour = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(topics)}
    width, height, left, bottom, top = 720, 260, 48, 48, 12
    plot_w, plot_h = width - left - 10, height - bottom - top
    tick = _tick(max(sum(v.values()) for v in report.topic_minutes.values()))
    peak = tick * 4
    step = plot_w / len(days)
    bar = max(step * 0.7, 1.0)
    parts = [f'<svg class="chart" id="chart-topics" viewBox="0 0 {width} {height + 22 * ((len(topics) + 3) // 4)}" '
             f'role="img" aria-label="{_esc(t("Minutes aired per topic per day"))}" xmlns="http://www.w3.org/2000/svg">']
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick * i:g}</text>')
    label_every = max(1, len(days) // 12)
    for i, day in enumerate(days):
        x = left + i * step + (step - bar) / 2
        y = top + plot_h
        for topic in topics:
            minutes = report.topic_minutes[day].get(topic, 0.0)
            if minutes:
                h = plot_h * minutes / peak
                y -= h
                parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                             f'fill="{colour[topic]}"><title>{_esc(_ddmm(day))}/{day[:4]} {_esc(topic)}: {number_text(minutes)} '
                             f'{_esc(t("min"))}</title></rect>')
        if i % label_every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle">'
                         f'{_esc(_ddmm(day))}</text>')
    parts.append(f'<text x="{left}" y="{top + plot_h + 32}">{_esc(t("minutes per day"))}</text>')
    for i, topic in enumerate(topics):
        x, y = left + (i % 4) * 170, height + 22 * (i // 4)
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour[topic]}"/>'
                     f'<text x="{x + 16}" y="{y}">{_esc(topic)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _tick(peak: float) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) such that four steps reach ``peak``."""
    step = 10 ** math.floor(math.log10(peak / 4)) if peak > 0 else 1.0
    for factor in (1, 2, 2.5, 5, 10):
        if step * factor * 4 >= peak:
            return step * factor
    return step * 10


def outputs_chart(report: Report) -> str:
    """Planned against aired airings per station and output over the period, as inline SVG."""
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for d in report.days:
        totals[(d.station, d.output)][0] += d.planned
        totals[(d.station, d.output)][1] += d.counts["aired"]
    if not totals:
        return f'<p class="empty">{_esc(t("No airing was planned in this period."))}</p>'
    rows = sorted(totals.items())
    row_h, left, width = 34, 230, 720
    peak = max(max(v) for v in totals.values()) or 1
    height = row_h * len(rows) + 30
    parts = [f'<svg class="chart" id="chart-outputs" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{_esc(t("Planned and aired per output"))}" xmlns="http://www.w3.org/2000/svg">']
    scale = (width - left - 60) / peak
    for i, ((station, output), (planned, aired)) in enumerate(rows):
        y = i * row_h + 4
        parts.append(f'<text x="{left - 6}" y="{y + 16}" text-anchor="end">{_esc(station)} / {_esc(output)}</text>'
                     f'<rect class="bar" x="{left}" y="{y}" width="{planned * scale:.1f}" height="12" fill="#9ecae1">'
                     f'<title>{_esc(t("planned"))}: {planned}</title></rect>'
                     f'<text x="{left + planned * scale + 4:.1f}" y="{y + 10}">{planned}</text>'
                     f'<rect class="bar" x="{left}" y="{y + 14}" width="{aired * scale:.1f}" height="12" '
                     f'fill="#2ca02c"><title>{_esc(t("aired"))}: {aired}</title></rect>'
                     f'<text x="{left + aired * scale + 4:.1f}" y="{y + 24}">{aired}</text>')
    y = len(rows) * row_h + 18
    parts.append(f'<rect x="{left}" y="{y - 10}" width="12" height="12" fill="#9ecae1"/>'
                 f'<text x="{left + 16}" y="{y}">{_esc(t("planned"))}</text>'
                 f'<rect x="{left + 120}" y="{y - 10}" width="12" height="12" fill="#2ca02c"/>'
                 f'<text x="{left + 136}" y="{y}">{_esc(t("aired"))}</text></svg>')
    return "".join(parts)


STYLE = """
@page { size: A4; margin: 14mm; }
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #111; margin: 0 auto;
       max-width: 190mm; }
h1 { font-size: 16pt; margin: 0 0 2mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm; break-after: avoid; }
p.meta { color: #444; margin: 0 0 4mm; }
table { border-collapse: collapse; width: 100%; margin-bottom: 3mm; }
th, td { border: 1px solid #bbb; padding: 0.8mm 1.2mm; text-align: left; vertical-align: top; font-size: 9pt; }
th { background: #eee; } tr { break-inside: avoid; }
td.n { text-align: right; font-variant-numeric: tabular-nums; } td:first-child { white-space: nowrap; }
svg.chart { width: 100%; height: auto; break-inside: avoid; }
svg.chart text { font-size: 11px; fill: #222; } svg.chart line.grid { stroke: #ddd; }
p.empty { color: #666; font-style: italic; } p.rule { color: #444; margin-top: 0; }
p.altered { background: #c00000; color: #fff; font-size: 14pt; font-weight: bold; padding: 3mm; margin: 0 0 4mm; }
"""


def report_html(report: Report, title: str, warnings: tuple[str, ...] = ()) -> str:
    """The report as one HTML page with inline SVG charts: no script, no font or file from elsewhere; a warning
    that the log was altered heads it in a red box."""
    body = [*(f'<p class="altered" role="alert">{_esc(w)}</p>' for w in warnings), f"<h1>{_esc(title)}</h1>",
            f'<p class="meta">{_esc(t("From {start} to {end}; stations: {stations}", start=day_text(report.start), end=day_text(report.end), stations=", ".join(report.stations) or "-"))}</p>',
            f"<h2>{_esc(t('Minutes aired per topic per day'))}</h2>", topic_chart(report),
            f"<h2>{_esc(t('Planned and aired per output'))}</h2>", outputs_chart(report)]
    every = sections(report, every_status=False)
    first_section = every[0]
    for section in every:
        body.append(f"<h2>{_esc(section.title)}</h2>")
        if not section.rows:
            body.append(f'<p class="empty">{_esc(t("None."))}</p>')
            continue
        head = "".join(f"<th>{_esc(c)}</th>" for c in section.columns)
        rows = "".join("<tr>" + "".join(f'<td class="n">{_esc(c)}</td>' if is_number(c) else f"<td>{_esc(c)}</td>"
                                         for c in row) + "</tr>" for row in section.rows)
        body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        if section is first_section:
            body.append(f'<p class="rule">{_esc(rule())}</p>')
    return (f"<!DOCTYPE html>\n<html lang=\"{language()}\"><head><meta charset=\"utf-8\">"
            f"<title>{_esc(title)}</title><style>{STYLE}</style></head><body>{''.join(body)}</body></html>\n")


RECORD_COLUMNS = ("seq", "station", "kind", "at", "planned_start", "planned_end", "actual_start", "actual_end",
                  "duration_s", "output", "session", "announcement", "title", "topic", "language", "voice",
                  "fingerprint", "status", "reason", "trigger", "priority", "approved_by", "before_approval",
                  "operator", "sink", "key")


def records_csv(records: list[dict]) -> str:
    """Log records as CSV: the usual columns first, then any other field the records have, by name."""
    extra = sorted({k for r in records for k in r} - set(RECORD_COLUMNS) - {"v", "prev", "hash"})
    columns = [*RECORD_COLUMNS, *extra, "v", "prev", "hash"]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


# The headings of RECORD_COLUMNS in a file for people (the dashboard's download), in the language chosen.
RECORD_HEADINGS = dict(zip(RECORD_COLUMNS, (
    marked("Record no."), marked("Station"), marked("Record kind"), marked("Written at"), marked("Planned start"),
    marked("Planned end"), marked("Actual start"), marked("Actual end"), marked("Duration (s)"), marked("Output"),
    marked("Session"), marked("Announcement"), marked("Title"), marked("Topic"), marked("Language"),
    marked("Voice"), marked("Content fingerprint"), marked("Status"), marked("Reason"), marked("Started by"),
    marked("Priority"), marked("Approved by"), marked("Aired before approval"), marked("Operator"),
    marked("Sound device"), marked("Planned airing key")), strict=True))
CHAIN_FIELDS = {"v", "prev", "hash", "sig"}  # what chains and signs a record: proof, for `log export`


def records_table_csv(records: list[dict]) -> str:
    """Log records as CSV for a person (Excel): the usual columns under headings in the language chosen, then
    any other field by its name; without the chain's fields, which `log --format csv` and `log export` keep."""
    extra = sorted({k for r in records for k in r} - set(RECORD_COLUMNS) - CHAIN_FIELDS)
    columns = [*RECORD_COLUMNS, *extra]
    out = io.StringIO()
    writer = SpreadsheetWriter(out, lineterminator="\r\n")
    writer.writerow([t(RECORD_HEADINGS[c]) if c in RECORD_HEADINGS else c for c in columns])
    writer.writerows([list(map(r.get, columns)) for r in records])  # a field a record lacks: an empty cell
    return out.getvalue()


def records_json(records: list[dict]) -> str:
    """Log records as a JSON list, Vietnamese letters kept as they are."""
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
