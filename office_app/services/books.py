"""Reading books (001 Član 2): one per zone and meter reader and period, listing the points
with a meter and a customer in reading-code order.

A book is not stored: it is the route as it stands, with what has been keyed into the period.
The readings themselves are what is kept (3 years); a book of a past period can be printed
again from them.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, NotFound
from office_app.models import (
    Customer,
    Meter,
    MeteringPoint,
    MeterInstallation,
    MeterReader,
    PointHolding,
    Reading,
    Zone,
)
from office_app.services.consumption import (
    BillingPeriodInfo,
    ChainReading,
    chain_select,
    period_info,
    shift_period,
    step,
    to_chain,
)
from office_app.services.office import OfficeInfo, office_in
from office_app.services.periods import get_period, settings_in
from office_app.services.permissions import Operator, Permission
from office_app.services.readings import ReadingState, state_of

_LOOKBACK_MONTHS = 24


@dataclass(frozen=True)
class BookSummary:
    zone_id: int
    zone_code: str
    zone_name: str
    reader_id: int
    reader_code: str
    reader_name: str
    points: int
    keyed: int
    implausible: int

    @property
    def left(self) -> int:
        return self.points - self.keyed


@dataclass(frozen=True)
class BookRow:
    point_id: int
    point_number: str
    reading_code: int
    address: str
    customer_id: int
    customer_code: str
    customer_name: str
    business: bool
    meter_id: int
    meter_number: str
    two_rate: bool
    digits: int
    constant: Decimal
    has_peak: bool
    #: The last reading before this period's (the one the new reading is measured from).
    previous_date: date | None
    previous_vt: Decimal | None
    previous_mt: Decimal | None
    #: How many periods in a row the point has been estimated (up to this one).
    estimate_streak: int
    reading: ReadingState | None


@dataclass(frozen=True)
class ReadingBook:
    office: OfficeInfo
    period: BillingPeriodInfo
    zone_id: int
    zone_code: str
    zone_name: str
    reader_id: int
    reader_code: str
    reader_name: str
    rows: tuple[BookRow, ...]
    #: Highlight points estimated this many periods in a row.
    estimate_streak_limit: int
    printed_at: datetime
    operator_code: str

    @property
    def keyed(self) -> int:
        return sum(1 for r in self.rows if r.reading is not None)


def _route() -> tuple:
    """Points with an active meter and an active holder."""
    return (and_(MeterInstallation.point_id == MeteringPoint.id,
                 MeterInstallation.removed_on.is_(None)),
            and_(PointHolding.point_id == MeteringPoint.id, PointHolding.valid_to.is_(None)))


def list_books(db: Database, operator: Operator, period: str) -> list[BookSummary]:
    """Every book of the period with how many points it has, how many are keyed and how many
    wait for a field re-check."""
    operator.require(Permission.VIEW_CUSTOMERS)
    installed, held = _route()
    keyed = (select(Reading.point_id.label("point_id"),
                    func.max(case((Reading.check_state == "pending", 1), else_=0))
                    .label("pending"))
             .where(Reading.period == period, Reading.kind == "regular")
             .group_by(Reading.point_id).subquery())
    stmt = (select(MeteringPoint.zone_id, MeteringPoint.reader_id, func.count(),
                   func.count(keyed.c.point_id), func.coalesce(func.sum(keyed.c.pending), 0))
            .join(MeterInstallation, installed).join(PointHolding, held)
            .outerjoin(keyed, keyed.c.point_id == MeteringPoint.id)
            .group_by(MeteringPoint.zone_id, MeteringPoint.reader_id))
    with db.unit_of_work() as s:
        get_period(s, period)
        zones = {z.id: z for z in s.scalars(select(Zone))}
        readers = {r.id: r for r in s.scalars(select(MeterReader))}
        books = [BookSummary(z, zones[z].code, zones[z].name, r, readers[r].code,
                             readers[r].name, int(n), int(k), int(p))
                 for z, r, n, k, p in s.execute(stmt)]
    return sorted(books, key=lambda b: (b.zone_code, b.reader_code))


def book_rows(s: Session, period: str, zone_id: int, reader_id: int) -> list[BookRow]:
    """The book's rows in reading-code order with what is keyed so far."""
    installed, held = _route()
    points = s.execute(
        select(MeteringPoint, Meter, Customer)
        .join(MeterInstallation, installed).join(Meter, Meter.id == MeterInstallation.meter_id)
        .join(PointHolding, held).join(Customer, Customer.id == PointHolding.customer_id)
        .where(MeteringPoint.zone_id == zone_id, MeteringPoint.reader_id == reader_id)
        .order_by(MeteringPoint.reading_code, MeteringPoint.number)).all()
    ids = [p.id for p, _m, _c in points]
    keyed = _keyed(s, period, ids)
    previous = _previous(s, period, ids)
    streaks = _estimate_streaks(s, period, ids)
    rows = []
    for point, meter, customer in points:
        reading, before = keyed.get(point.id), previous.get(point.id)
        rows.append(BookRow(
            point.id, point.number, point.reading_code, f"{point.address}, {point.place}",
            customer.id, customer.code, customer.name, customer.kind == "business", meter.id,
            meter.number, meter.two_rate, meter.digits, meter.constant,
            meter.peak_load_constant is not None,
            before.read_on if before else None, before.vt if before else None,
            before.mt if before else None, streaks.get(point.id, 0),
            _state(reading, before)))
    return rows


def _state(reading: ChainReading | None, before: ChainReading | None) -> ReadingState | None:
    if reading is None:
        return None
    comparable = before is not None and before.meter_id == reading.meter_id \
        and before.read_on <= reading.read_on
    use = step(before, reading).total if before is not None and comparable else None
    return ReadingState(reading.id, reading.point_id, reading.read_on, reading.vt, reading.mt,
                        reading.peak, reading.source, reading.remark_code, reading.remark,
                        reading.check_state, tuple(f for f in reading.flags.split(",") if f),
                        use)


def _keyed(s: Session, period: str, ids: Sequence[int]) -> dict[int, ChainReading]:
    found: dict[int, ChainReading] = {}
    if not ids:
        return found
    rows = s.execute(chain_select().where(Reading.period == period, Reading.kind == "regular",
                                          Reading.point_id.in_(ids))
                     .order_by(Reading.read_on, Reading.id))
    for row in rows:
        found[row[1]] = to_chain(row)
    return found


def _previous(s: Session, period: str, ids: Sequence[int]) -> dict[int, ChainReading]:
    """Per point, the last usable reading other than the period's book reading."""
    if not ids:
        return {}
    rank = func.row_number().over(partition_by=Reading.point_id,
                                  order_by=(Reading.read_on.desc(), Reading.id.desc()))
    inner = chain_select().add_columns(rank.label("rank")).where(
        Reading.point_id.in_(ids), Reading.check_state != "pending",
        Reading.period >= shift_period(period, -_LOOKBACK_MONTHS),
        Reading.period <= period,
        ~and_(Reading.period == period, Reading.kind == "regular")).subquery()
    rows = s.execute(select(*inner.c).where(inner.c.rank == 1))
    return {row[1]: to_chain(row[:-1]) for row in rows}


def _estimate_streaks(s: Session, period: str, ids: Sequence[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = s.execute(select(Reading.point_id, Reading.period, Reading.source).where(
        Reading.point_id.in_(ids), Reading.kind == "regular",
        Reading.period >= shift_period(period, -12), Reading.period <= period))
    sources: dict[int, dict[str, str]] = defaultdict(dict)
    for point_id, label, source in rows:
        sources[point_id][label] = source
    return {point_id: streak(by_period, period) for point_id, by_period in sources.items()}


def streak(by_period: dict[str, str], period: str) -> int:
    """Estimates in a row ending with ``period`` (or the one before when it is not keyed)."""
    label = period if period in by_period else shift_period(period, -1)
    count = 0
    while by_period.get(label) == "estimate":
        count += 1
        label = shift_period(label, -1)
    return count


def open_book(db: Database, operator: Operator, period: str, zone_id: int,
              reader_id: int) -> ReadingBook:
    """One book with its rows, for keying or printing."""
    operator.require(Permission.VIEW_CUSTOMERS)
    with db.unit_of_work() as s:
        info = period_info(get_period(s, period))
        zone, reader = s.get(Zone, zone_id), s.get(MeterReader, reader_id)
        if zone is None or reader is None:
            raise NotFound(N_("There is no such book: zone {zone}, reader {reader}."),
                           zone=zone_id, reader=reader_id)
        rows = book_rows(s, period, zone_id, reader_id)
        return ReadingBook(office_in(s), info, zone.id, zone.code, zone.name, reader.id,
                           reader.code, reader.name, tuple(rows),
                           settings_in(s).estimate_streak, datetime.now(UTC), operator.code)


def books_for_print(db: Database, operator: Operator, period: str,
                    zone_code: str | None = None) -> list[ReadingBook]:
    """Every book of the period (or of one zone), in zone and reader order."""
    summaries = list_books(db, operator, period)
    if zone_code is not None:
        wanted = zone_code.strip().upper()
        summaries = [b for b in summaries if b.zone_code == wanted]
        if not summaries:
            raise NotFound(N_("Zone {zone} has no reading book in period {period}."), "zone",
                           zone=wanted, period=period)
    return [open_book(db, operator, period, b.zone_id, b.reader_id) for b in summaries]


__all__ = ["BookRow", "BookSummary", "ReadingBook", "book_rows", "books_for_print",
           "list_books", "open_book", "state_of"]
