"""Importing readings from a handheld terminal or a remote-reading system.

The file format (UTF-8, optionally with a byte-order mark; fields separated by ``;`` or ``,``;
the first line names the columns, in any order)::

    point;date;vt;mt;peak;remark_code;remark
    100245;31.03.2025;012345;004567;;;
    100246;2025-03-31;;;;N;dog in the yard

- ``point`` the metering point number, ``date`` dd.mm.yyyy or yyyy-mm-dd, ``vt`` required
  unless the remark code is N (no access: the office estimates). ``mt`` for two-rate meters,
  ``peak`` for meters with a peak-load register, ``remark_code`` one of the book's codes
  (S marks a self-reading), ``remark`` free text. Only point, date and vt are required columns.
- Every line is checked like a keyed one (digits, registers of the meter, the date against
  the last reading) and judged by the same plausibility rules. Plausible lines are taken;
  implausible ones are taken too but wait for a field re-check (a device does not make
  keying errors, so there is nobody to re-key them) and appear on the implausible readings
  report; bad lines are refused with their line number.
- A file that cannot be read as a whole (not UTF-8, no header, a required column missing, a
  line with too many or too few fields, a line longer than MAX_LINE characters, quoting that
  breaks the CSV, a control character in a field) is refused entirely, with the line numbers:
  nothing is posted. Lines end at CR, LF or CRLF only; a Unicode line or paragraph separator
  (U+2028, U+2029), NEL, NUL, a tab or a line break inside a quoted field count as control
  characters: a remark prints on one line of the books and reports, so the sender's export
  is what needs fixing, and nothing is dropped without a word.
- A line is refused (with its line number and field) when a register has anything but the
  ASCII digits 0-9 (other scripts' digits too), its remark is longer than 200 characters
  (refused, never cut) or its date lies outside the period's reading days (from the day after
  the previous period's last reading day to this period's last reading day).
- A point on two lines with the same values: the first is taken, the repeat refused. With
  different values: every line of that point is refused (which one is right is for the
  field to say).
- A line equal to a reading the point already has in the period is skipped, so the same file
  can be imported twice without doubling anything. A different one adds a second reading
  ("several readings in one period"), which is implausible.
- All taken lines are written in one transaction after every line was checked; with
  ``all_or_nothing`` a single refused line refuses the whole file.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple, cast

from sqlalchemy import Table, and_, func, insert, select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, DomainError, FieldError
from office_app.models import (
    BillingPeriod,
    Meter,
    MeteringPoint,
    MeterInstallation,
    PointHolding,
    Reading,
)
from office_app.models.base import utcnow
from office_app.services.consumption import ChainReading, chains_since, one_of
from office_app.services.periods import (
    PlausibilitySettings,
    check_label,
    first_day,
    require_open,
    settings_in,
)
from office_app.services.permissions import Operator, Permission
from office_app.services.readings import (
    NO_ACCESS,
    REGISTER_NAMES,
    REMARKS,
    ReadingEntry,
    disconnected_on,
    evaluate,
    no_estimate,
)

COLUMNS = ("point", "date", "vt", "mt", "peak", "remark_code", "remark")
REQUIRED = ("point", "date", "vt")
MAX_LINES = 1_000_000
_CHUNK = 5000


class ImportRefused(DomainError):
    """The file as a whole cannot be imported; ``problems`` lists line numbers and reasons."""

    def __init__(self, msg_id: str, problems: Sequence[tuple[int, FieldError]] = (),
                 **params: object) -> None:
        super().__init__(msg_id, None, **params)
        self.problems = list(problems)


@dataclass(frozen=True)
class ImportLine:
    number: int
    point: str
    read_on: date | None
    vt: str
    mt: str
    peak: str
    remark_code: str
    remark: str
    date_text: str = ""


@dataclass(frozen=True)
class LineResult:
    """outcome: taken, implausible (taken, waits for the field), skipped (already there),
    refused (with the reasons)."""

    line: int
    point: str
    outcome: str
    messages: tuple[FieldError, ...] = ()


@dataclass
class ImportReport:
    period: str
    lines: list[LineResult] = field(default_factory=list)
    written: bool = False

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.lines if r.outcome == outcome)

    @property
    def taken(self) -> int:
        return self.count("taken") + self.count("implausible")

    @property
    def refused(self) -> int:
        return self.count("refused")


# --- reading the file -------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ImportRefused(N_("The file is not UTF-8 text (line {line}); export it as UTF-8 "
                               "and import it again."), line=line) from None


def _header(first: str) -> tuple[str, list[str]]:
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    names = [c.strip().lower() for c in next(csv.reader([first], delimiter=delimiter))]
    missing = [c for c in REQUIRED if c not in names]
    unknown = [c for c in names if c not in COLUMNS]
    if missing or unknown or len(set(names)) != len(names):
        raise ImportRefused(N_(
            "Line 1 must name the columns ({columns}); missing: {missing}; unknown: {unknown}."),
            columns=", ".join(COLUMNS), missing=", ".join(missing) or "-",
            unknown=", ".join(unknown) or "-")
    return delimiter, names


def _date(text: str) -> date | None:
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.strptime(text.strip().rstrip("."), fmt).date()
        except ValueError:
            continue
    return None


#: The longest line a reading file may have: a reading line is a few dozen characters, a
#: remark at most 200; anything longer is not a reading file (or a quote left open).
MAX_LINE = 1000
MAX_REMARK = 200
#: Line breaks the file may use; other separators (U+2028, U+2029, U+0085, form feeds) are
#: control characters inside a field and refuse the line.
_BREAKS = re.compile(r"\r\n|\r|\n")


def _control(value: str) -> str | None:
    """The first control or line-separator character of ``value``, if any."""
    for char in value:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            return char
    return None


def _long_lines(text: str) -> list[tuple[int, FieldError]]:
    problems = []
    for number, line in enumerate(_BREAKS.split(text), start=1):
        if len(line) > MAX_LINE:
            problems.append((number, FieldError(None, N_(
                "Line {line} is {length} characters long; a reading line has at most {limit}. "
                "Check that this is a reading file."),
                {"line": number, "length": len(line), "limit": MAX_LINE})))
            if len(problems) >= 20:
                break
    return problems


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, fields) of every CSV record; ImportRefused where the CSV breaks."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # With lines capped, what breaks the csv module is a quote left open that
            # swallows the rest of the file into one field.
            raise ImportRefused(N_("Line {line}: a quote opened on this line is never "
                                   "closed; correct the quotes and import the file again."),
                                line=start) from exc
        yield start, row


def _row_problem(number: int, row: list[str], names: list[str]) -> FieldError | None:
    if len(row) != len(names):
        return FieldError(None, N_("Line {line}: {found} fields instead of {expected}."),
                          {"line": number, "found": len(row), "expected": len(names)})
    for name, value in zip(names, row, strict=True):
        char = _control(value)
        if char is not None:
            return FieldError(name, N_(
                "Line {line}, column {column}: the control character {char} is not allowed "
                "(line breaks inside a field included); remove it and import the file again."),
                {"line": number, "column": name, "char": f"U+{ord(char):04X}"})
    return None


def parse_file(data: bytes) -> list[ImportLine]:
    """The file's lines; ImportRefused when the file as a whole is malformed: not UTF-8, no
    header, a line too long, broken quoting, a wrong number of fields or a control character
    in a field (each with its line number)."""
    text = _decode(data)
    if not text.strip():
        raise ImportRefused(N_("The file is empty."))
    long_lines = _long_lines(text)
    if long_lines:
        raise ImportRefused(N_("The file has lines that are too long; nothing was imported."),
                            long_lines)
    first = next(line for line in _BREAKS.split(text) if line.strip())
    delimiter, names = _header(first)
    parsed: list[ImportLine] = []
    problems: list[tuple[int, FieldError]] = []
    records = _records(text, delimiter)
    for _first, row in records:      # up to the header
        if any(c.strip() for c in row):
            break
    for number, row in records:
        if not any(c.strip() for c in row):
            continue
        if len(parsed) + len(problems) >= MAX_LINES:
            raise ImportRefused(N_("The file has more than {limit} lines; split it."),
                                limit=MAX_LINES)
        problem = _row_problem(number, row, names)
        if problem is not None:
            problems.append((number, problem))
            continue
        values = dict(zip(names, (c.strip() for c in row), strict=True))
        parsed.append(ImportLine(number, values["point"], _date(values["date"]), values["vt"],
                                 values.get("mt", ""), values.get("peak", ""),
                                 values.get("remark_code", "").upper(),
                                 values.get("remark", ""), values["date"]))
    if problems:
        raise ImportRefused(N_("The file is malformed in {count} lines; nothing was "
                               "imported."), problems, count=len(problems))
    return parsed


# --- duplicates -------------------------------------------------------------------------------

def _key(line: ImportLine) -> tuple:
    return (line.read_on, line.vt, line.mt, line.peak, line.remark_code)


def split_duplicates(lines: list[ImportLine]) -> tuple[list[ImportLine], list[LineResult]]:
    """Lines to check, and the refusals of repeated points."""
    by_point: dict[str, list[ImportLine]] = defaultdict(list)
    for line in lines:
        by_point[line.point].append(line)
    keep, refused = [], []
    for point, group in by_point.items():
        first = group[0]
        if all(_key(g) == _key(first) for g in group):
            keep.append(first)
            refused += [LineResult(g.number, point, "refused", (FieldError("point", N_(
                "Repeats line {first} for point {point}."),
                {"first": first.number, "point": point}),))
                for g in group[1:]]
        else:
            numbers = ", ".join(str(g.number) for g in group)
            refused += [LineResult(g.number, point, "refused", (FieldError("point", N_(
                "Point {point} appears on lines {lines} with different values."),
                {"point": point, "lines": numbers}),)) for g in group]
    return sorted(keep, key=lambda x: x.number), refused


# --- checking against the database ------------------------------------------------------------

@dataclass(frozen=True)
class _MeterRecord:
    id: int
    number: str
    digits: int
    constant: Decimal
    two_rate: bool
    peak_load_constant: Decimal | None


@dataclass(frozen=True)
class _Target:
    point_id: int
    meter: _MeterRecord | None
    installed_on: date | None
    holder: int | None


def _targets(s: Session, numbers: Sequence[str]) -> dict[str, _Target]:
    stmt = (select(MeteringPoint.number, MeteringPoint.id, Meter.id, Meter.number,
                   Meter.digits, Meter.constant, Meter.two_rate, Meter.peak_load_constant,
                   MeterInstallation.installed_on, PointHolding.customer_id)
            .outerjoin(MeterInstallation, and_(MeterInstallation.point_id == MeteringPoint.id,
                                               MeterInstallation.removed_on.is_(None)))
            .outerjoin(Meter, Meter.id == MeterInstallation.meter_id)
            .outerjoin(PointHolding, and_(PointHolding.point_id == MeteringPoint.id,
                                          PointHolding.valid_to.is_(None)))
            .where(one_of(s, MeteringPoint.number, numbers)))
    found = {}
    for number, pid, mid, mnum, digits, constant, two, peak, installed, holder in \
            s.connection().execute(stmt):
        meter = _MeterRecord(mid, mnum, digits, constant, two, peak) if mid else None
        found[number] = _Target(pid, meter, installed, holder)
    return found


class _Existing(NamedTuple):
    read_on: date
    vt: Decimal
    mt: Decimal | None
    peak: Decimal | None
    source: str


def _in_period(s: Session, ids: Sequence[int], period: str) -> dict[int, list[_Existing]]:
    found: dict[int, list[_Existing]] = defaultdict(list)
    rows = s.connection().execute(select(
        Reading.point_id, Reading.read_on, Reading.vt, Reading.mt, Reading.peak, Reading.source)
        .where(one_of(s, Reading.point_id, ids), Reading.period == period,
               Reading.kind == "regular"))
    for point_id, read_on, vt, mt, peak, source in rows:
        found[point_id].append(_Existing(read_on, vt, mt, peak, source))
    return found


def _refuse(line: ImportLine, errors: Sequence[FieldError]) -> LineResult:
    return LineResult(line.number, line.point, "refused", tuple(errors))


def _same(existing: _Existing, c: ChainReading) -> bool:
    return (existing.read_on, existing.vt, existing.mt, existing.peak, existing.source) == (
        c.read_on, c.vt, c.mt, c.peak, c.source)


def _entry(line: ImportLine, target: _Target, period: str) -> ReadingEntry:
    source = "self" if line.remark_code == "S" else "remote"
    assert line.read_on is not None
    return ReadingEntry(target.point_id, period, line.read_on, line.vt, line.mt, line.peak,
                        line.remark_code, line.remark, source)


_ASCII_REGISTER = re.compile(r"[0-9 ]*(?:[.,][0-9]*)?")


@dataclass(frozen=True)
class Window:
    """The reading dates a period takes: from the day after the previous period's last
    reading day (the period's first day when there is none) to its own last reading day."""

    first: date
    last: date


def reading_window(s: Session, period: BillingPeriod) -> Window:
    before = s.scalar(select(func.max(BillingPeriod.last_reading_on))
                      .where(BillingPeriod.period < period.period))
    first = before + timedelta(days=1) if before else first_day(period.period)
    return Window(min(first, period.last_reading_on), period.last_reading_on)


def _field_checks(line: ImportLine, window: Window) -> list[FieldError]:
    """What is wrong with the line's own fields, before the database is asked."""
    errors = []
    for name in ("vt", "mt", "peak"):
        value = getattr(line, name)
        if not _ASCII_REGISTER.fullmatch(value):
            errors.append(FieldError(name, N_(
                "{field}: {value} is not a register; use the digits 0-9 only, e.g. 012345."),
                {"field": REGISTER_NAMES[name], "value": value[:20]}))
    if len(line.remark) > MAX_REMARK:
        errors.append(FieldError("remark", N_(
            "Remark: {length} characters, at most {limit} are allowed; shorten it."),
            {"length": len(line.remark), "limit": MAX_REMARK}))
    if line.read_on is not None and not window.first <= line.read_on <= window.last:
        errors.append(FieldError("date", N_(
            "Date: {date} is outside the period's reading days {first} - {last}."),
            {"date": line.read_on.strftime("%d.%m.%Y"),
             "first": window.first.strftime("%d.%m.%Y"),
             "last": window.last.strftime("%d.%m.%Y")}))
    return errors


def _precheck(line: ImportLine, target: _Target | None, window: Window) -> list[FieldError]:
    params = {"point": line.point}
    errors = _field_checks(line, window)
    if errors:
        return errors
    if target is None:
        return [FieldError("point", N_("There is no metering point {point}."), params)]
    if target.meter is None:
        return [FieldError("point", N_("Point {point} has no meter; there is nothing to "
                                       "read."), params)]
    if target.holder is None:
        return [FieldError("point", N_("Point {point} has no customer; its contract has "
                                       "ended."), params)]
    if line.read_on is None:
        return [FieldError("date", N_("Date: {date} is not a date; write dd.mm.yyyy."),
                           {"date": line.date_text})]
    if target.installed_on and line.read_on < target.installed_on:
        return [FieldError("date", N_("Date: meter {meter} was installed after this date."),
                           {"meter": target.meter.number})]
    if line.remark_code and line.remark_code not in REMARKS:
        return [FieldError("remark_code", N_("Remark: unknown code {code}."),
                           {"code": line.remark_code})]
    return []


def _check_line(line: ImportLine, target: _Target | None, chain: list[ChainReading],
                existing: list[_Existing], period: str, settings: PlausibilitySettings,
                window: Window) -> tuple[LineResult, dict | None]:
    errors = _precheck(line, target, window)
    if errors or target is None or target.meter is None:
        return _refuse(line, errors), None
    try:
        candidate, verdict = evaluate(target.point_id, target.meter,
                                      _entry(line, target, period), chain, settings,
                                      len(existing))
    except DomainError as exc:
        return _refuse(line, exc.errors), None
    if any(_same(e, candidate) for e in existing):
        return LineResult(line.number, line.point, "skipped"), None
    outcome = "taken" if verdict.plausible else "implausible"
    findings = tuple(FieldError(None, f.msg_id, f.params) for f in verdict.findings)
    row = {"point_id": target.point_id, "meter_id": target.meter.id, "period": period,
           "read_on": candidate.read_on, "kind": "regular", "source": candidate.source,
           "vt": candidate.vt, "mt": candidate.mt, "peak": candidate.peak,
           "remark_code": line.remark_code, "remark": line.remark,
           "flags": ",".join(verdict.codes), "check_state": "ok" if verdict.plausible
           else "pending"}
    return LineResult(line.number, line.point, outcome, findings), row


def _check_chunk(s: Session, lines: Sequence[ImportLine], period: str,
                 settings: PlausibilitySettings,
                 window: Window) -> list[tuple[LineResult, dict | None]]:
    targets = _targets(s, [x.point for x in lines]) if lines else {}
    ids = [t.point_id for t in targets.values()]
    # Only dates the period takes: the history of a line refused anyway is not read.
    since = window.first - timedelta(
        days=round((settings.history_months + 2) * 30.44))
    # No known point: no query (an empty array parameter has no type on PostgreSQL).
    chains = chains_since(s, ids, since) if ids else {}
    existing = _in_period(s, ids, period) if ids else {}
    off = disconnected_on(s, ids, window.last) if ids else {}
    results: list[tuple[LineResult, dict | None]] = []
    for line in lines:
        target = targets.get(line.point)
        pid = target.point_id if target else 0
        if pid in off and line.remark_code == NO_ACCESS and line.read_on is not None \
                and line.read_on >= off[pid]:
            results.append((_refuse(line, no_estimate(line.point, off[pid]).errors), None))
            continue
        results.append(_check_line(line, target, chains.get(pid, []), existing.get(pid, []),
                                   period, settings, window))
    return results


_COLUMNS = ("point_id", "meter_id", "period", "read_on", "kind", "source", "vt", "mt", "peak",
            "remark_code", "remark", "flags", "check_state", "created_at", "created_by")


def _copy_text(value: object) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n") \
        .replace("\r", "\\r")


_NULL = "\\N"


def _copy_line(r: dict, tail: str) -> str:
    # Only the remark is free text; codes, flags and numbers need no escaping.
    mt = _NULL if r["mt"] is None else r["mt"]
    peak = _NULL if r["peak"] is None else r["peak"]
    return (f"{r['point_id']}\t{r['meter_id']}\t{r['period']}\t{r['read_on'].isoformat()}\t"
            f"{r['kind']}\t{r['source']}\t{r['vt']}\t{mt}\t{peak}\t{r['remark_code']}\t"
            f"{_copy_text(r['remark'])}\t{r['flags']}\t{r['check_state']}\t{tail}\n")


def write_readings(s: Session, rows: list[dict], operator_code: str) -> None:
    """Insert the taken readings in the caller's transaction: COPY on PostgreSQL (a hundred
    thousand rows in a second or two), a multi-row INSERT elsewhere."""
    now = utcnow()
    connection = s.connection()
    if connection.dialect.name != "postgresql":
        table = cast(Table, Reading.__table__)
        for start in range(0, len(rows), _CHUNK):
            connection.execute(insert(table), [{**r, "created_by": operator_code,
                                                "created_at": now}
                                               for r in rows[start:start + _CHUNK]])
        return
    tail = f"{_copy_text(now)}\t{_copy_text(operator_code)}"
    buffer = io.StringIO("".join(_copy_line(r, tail) for r in rows))
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.copy_expert(f"COPY reading ({', '.join(_COLUMNS)}) FROM STDIN", buffer)
    finally:
        cursor.close()


def import_readings(db: Database, operator: Operator, data: bytes, period: str,
                    all_or_nothing: bool = False,
                    progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Check every line of the file, then write the taken ones in one transaction. Raises
    ImportRefused for a malformed file (nothing written), Conflict/NotFound for a period that
    is not open. The report lists every line's outcome."""
    operator.require(Permission.KEY_READINGS)
    period = check_label(period)
    lines, refused = split_duplicates(parse_file(data))
    report = ImportReport(period, list(refused))
    rows: list[dict] = []
    with db.unit_of_work() as s:
        window = reading_window(s, require_open(s, period))
        settings = settings_in(s)
        size = 20000 if s.get_bind().dialect.name == "postgresql" else 900
        for start in range(0, len(lines), size):
            for result, row in _check_chunk(s, lines[start:start + size], period, settings,
                                            window):
                report.lines.append(result)
                if row is not None:
                    rows.append(row)
            if progress:
                progress(min(start + size, len(lines)), len(lines))
        report.lines.sort(key=lambda r: r.line)
        if rows and not (all_or_nothing and report.refused):
            write_readings(s, rows, operator.code)
            report.written = True
    return report



def preview_import(db: Database, operator: Operator, data: bytes, period: str,
                   progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """What ``import_readings`` would do with the file, line by line, without posting anything:
    the same parsing and checks in a transaction that is rolled back. ``written`` is False.
    Raises what ``import_readings`` raises for a file or period it cannot take."""
    operator.require(Permission.KEY_READINGS)
    period = check_label(period)
    lines, refused = split_duplicates(parse_file(data))
    report = ImportReport(period, list(refused))
    with db.unit_of_work() as s:
        window = reading_window(s, require_open(s, period))
        settings = settings_in(s)
        size = 20000 if s.get_bind().dialect.name == "postgresql" else 900
        for start in range(0, len(lines), size):
            report.lines.extend(result for result, _row in
                                _check_chunk(s, lines[start:start + size], period, settings,
                                             window))
            if progress:
                progress(min(start + size, len(lines)), len(lines))
        s.rollback()
    report.lines.sort(key=lambda r: r.line)
    return report
