"""The monthly billing run: one invoice per metering point and holder for a period.

Guarantees:

- Idempotent: a (point, customer, period) is invoiced at most once (unique index, and each
  batch re-reads what is already billed under per-point locks), so running a period again
  bills only what is not billed yet.
- Resumable: work is done in batches, each one transaction (numbers, invoices, lines, card
  entries together), so a crash or a lost connection loses at most the batches in flight
  and never leaves half an invoice; the next run of the period carries on. On PostgreSQL
  the next batch is read and priced while the one before it is written, but it writes only
  after that one has committed: what is committed is always the first batches, in order.
- Exclusive: a second run while one is working is refused, and a run that loses its right to
  work stops before its next batch (office_app.services.runs: a PostgreSQL advisory lock
  re-checked in each batch; on SQLite a claim under the write lock and a heartbeat).
- Cancellable between batches; reports progress after each batch.
- Points that cannot be billed are held back and listed, never half-billed: an implausible
  reading still waiting for its field re-check, negative consumption, no reading, no tariff,
  a building whose common meter is held back. With ``on_implausible='stop'`` the run refuses
  to start while there is any of them, and writes nothing.
- Invoice numbers come from the numbering service, gapless per office and year, also while
  desks bill single points at the same time (``bill_points``).
"""
from __future__ import annotations

import gc
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, DomainError, FieldError, ValidationError
from office_app.i18n import tr_error
from office_app.models import BillingHold, BillingRun, MeteringPoint
from office_app.services import ledger
from office_app.services.billing.account import (
    AccountSnapshot,
    CardTotals,
    card_totals,
    snapshot,
    totals_snapshot,
)
from office_app.services.billing.elements import ELEMENTS, Period
from office_app.services.billing.issue import IssueContext, IssuedInvoice, Prepared, write_invoices
from office_app.services.billing.matching import (
    IntervalSource,
    Matched,
    billed_keys,
    billed_marks,
    first_stretch,
    match,
    registers,
    verdict,
)
from office_app.services.billing.points import WorkItem, pending_charges, work_items
from office_app.services.billing.pricing import (
    CommonShare,
    MissingTariff,
    PointBill,
    PriceBook,
    price_point,
    split_equally,
)
from office_app.services.billing.tariffs import price_book
from office_app.services.intervals import Billable
from office_app.services.office import OfficeInfo, office_in
from office_app.services.periods import close_billed
from office_app.services.permissions import Operator, Permission
from office_app.services.posting_seals import seal_posted
from office_app.services.runs import RunClaim, RunLost, exclusive_run, running_run

DEFAULT_BATCH = 2000

HOLD_REASONS = {
    "implausible": N_("Implausible reading waiting for its field re-check"),
    "negative": N_("Negative consumption"),
    "no_reading": N_("No reading in the period"),
    "no_tariff": N_("No tariff"),
    "common": N_("The building's common meter is held back"),
    "intervals": N_("Readings that cannot be billed as they are"),
}

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class ConsumptionSource(Protocol):
    """The readings' contract (office_app.services.intervals and consumption)."""

    def billable(self, session: Session, period: str, point_ids: Collection[int],
                 numbers: dict[int, str]) -> Billable: ...

    def unresolved_implausible(self, session: Session, period: str) -> list[int]: ...

    def billable_period(self, session: Session, period: str) -> Any: ...


def default_source() -> ConsumptionSource:
    return IntervalSource()


@dataclass(frozen=True)
class HeldPoint:
    point_id: int
    point_number: str
    customer_code: str
    customer_name: str
    reason: str
    #: A message id and its parameters, for the details (a missing price, ...).
    detail_id: str = ""
    detail_params: tuple[tuple[str, Any], ...] = ()

    @property
    def label(self) -> str:
        return HOLD_REASONS[self.reason]

    def detail(self, language: str | None = None) -> str:
        if not self.detail_id:
            return ""
        return tr_error(DomainError(self.detail_id, **dict(self.detail_params)), language)


@dataclass(frozen=True)
class RunPreview:
    period: str
    period_status: str
    issue_date: date
    due_date: date
    to_bill: int
    already_billed: int
    held: tuple[HeldPoint, ...]
    running_since: datetime | None


@dataclass(frozen=True)
class RunResult:
    run_id: int
    period: str
    status: str
    invoices_made: int
    already_billed: int
    to_bill: int
    held: tuple[HeldPoint, ...]
    order_number: str

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"


# --- the plan: what is to be billed, what is held back ------------------------------------------

@dataclass
class Plan:
    period: Period
    status: str
    issue_date: date
    due_date: date
    book: PriceBook
    items: list[WorkItem]
    already_billed: int
    held: list[HeldPoint]
    shares: dict[tuple[int, int], CommonShare] = field(default_factory=dict)
    #: Every customer holding each point in the period (billed, to bill or held back).
    holders: dict[int, set[int]] = field(default_factory=dict)
    #: (point, customer) who held the point twice in the period: the last day of the first
    #: stretch, the one billed now (``_held_twice``).
    first_stretch: dict[tuple[int, int], date] = field(default_factory=dict)
    #: The intervals of every point to bill, matched once for the plan; each batch uses
    #: them for its points whose billed intervals have not changed since (``marks``).
    matched: Matched | None = None
    #: Per point, (count, last id) of its billed intervals when the plan read them.
    marks: dict[int, tuple[int, int]] = field(default_factory=dict)


def _held(item: WorkItem, reason: str, error: DomainError | None = None) -> HeldPoint:
    return HeldPoint(item.point_id, item.point_number, item.customer_code, item.customer_name,
                     reason, error.msg_id if error else "",
                     tuple(sorted(error.params.items())) if error else ())


def _bill_of(item: WorkItem, period: Period, line: Any = None,
             common: tuple[CommonShare, ...] = (), charges: tuple[Any, ...] = ()) -> PointBill:
    if line is None:
        return PointBill(item.category, item.group, period.start, period.end,
                         item.service_start, item.service_end, sewage=item.sewage,
                         common=common, charges=charges, disconnected=item.disconnected)
    vt, mt, others = registers(line)
    return PointBill(item.category, item.group, period.start, period.end, item.service_start,
                     item.service_end, vt, mt, line.peak_load, item.sewage, common, charges,
                     others, item.disconnected)


def _tariff_problem(item: WorkItem, period: Period, book: PriceBook) -> MissingTariff | None:
    """Whether the item's category and group can be priced for the whole period."""
    probe = replace(_bill_of(item, period), service_start=period.start,
                    service_end=period.end, disconnected=())
    try:
        price_point(probe, book)
    except MissingTariff as exc:
        return exc
    return None


def make_plan(s: Session, period_code: str, source: ConsumptionSource,
              point_ids: Collection[int] | None = None) -> Plan:
    """Read what the period's run is to do (nothing is written): the points it will bill and
    the ones it will hold back, by the same rules each batch applies (``matching``)."""
    period = Period.parse(period_code)
    info = source.billable_period(s, period.code)
    book = price_book(s)
    wanted = None if point_ids is None else set(point_ids)
    items = work_items(s, period, None if wanted is None else _with_buildings(s, wanted))
    billed = billed_keys(s, period.code, None if wanted is None else {i.point_id for i in items})
    implausible = set(source.unresolved_implausible(s, period.code))
    holders: dict[int, set[int]] = defaultdict(set)
    for item in items:
        holders[item.point_id].add(item.customer_id)
    plan = Plan(period, info.status, info.invoice_issue_on, period.due_date(), book, [],
                0, [], holders=dict(holders))
    todo = [i for i in items if (i.point_id, i.customer_id) not in billed]
    plan.already_billed = len(items) - len(todo)
    # read before the intervals: a point billed meanwhile shows as changed to its batch
    plan.marks = billed_marks(s, sorted({i.point_id for i in todo}))
    matched = plan.matched = _matched(s, plan, source, todo)
    problems: dict[tuple[str, str, bool], MissingTariff | None] = {}
    held_points: set[int] = set()
    twice = _held_twice(todo, period, plan)
    first_stretch(matched, plan.first_stretch)
    for item in todo:
        key = (item.category, item.group, item.sewage)
        if key not in problems:
            problems[key] = _tariff_problem(item, period, book)
        if _off_all_days(item) and (item.point_id, item.customer_id) not in matched.lines \
                and item.point_kind != "common" and item.common_point_id is None:
            continue    # disconnected all its days, nothing consumed: no invoice (issue 11);
            #             a building's flats and common meters keep theirs for the shares
        outcome = twice.get(id(item)) or verdict(item, matched, implausible)
        if outcome is None and problems[key] is not None:
            outcome = ("no_tariff", problems[key])
        if outcome is None:
            outcome = _register_problem(item, matched, plan)
        if outcome is None:
            plan.items.append(item)
            continue
        plan.held.append(_held(item, *outcome))
        held_points.add(item.point_id)
    _plan_common(plan, matched, items, held_points)
    if wanted is not None:
        plan.items = [i for i in plan.items if i.point_id in wanted]
        plan.held = [h for h in plan.held if h.point_id in wanted]
    return plan


def _off_all_days(item: WorkItem) -> bool:
    """Disconnected every day the customer held the point in the period."""
    off = sum((last - first).days + 1 for first, last in item.disconnected)
    return off == (item.service_end - item.service_start).days + 1


def _held_twice(items: Sequence[WorkItem], period: Period,
                plan: Plan) -> dict[int, tuple[str, DomainError]]:
    """A customer who held a point twice in the period (A -> B -> A) has two work items with
    one key, and a period has one invoice per point and holder (a unique index). The first
    stretch is billed now with the intervals of its days (``plan.first_stretch``: its last
    day); the later stretch is held back, naming the dates: its intervals stay unbilled and go
    on the customer's invoice of the next period (the meter's billing continues from the
    other holder's last billed reading, so nothing is skipped), and the fixed charges of its
    days are for a debit note."""
    stretches: dict[tuple[int, int], list[WorkItem]] = defaultdict(list)
    for item in items:
        stretches[(item.point_id, item.customer_id)].append(item)
    held: dict[int, tuple[str, DomainError]] = {}    # by id() of the held work item
    for key, found in stretches.items():
        if len(found) < 2:
            continue
        found.sort(key=lambda i: i.service_start)
        plan.first_stretch[key] = found[0].service_end
        later = found[1:]
        reason = ("intervals", DomainError(N_(
            "Point {point}: customer {customer} held it twice in {period}; the days from "
            "{start} to {end} go on their invoice of the next period (one invoice per point, "
            "holder and period). Bill the fixed charges of those days with a debit note."),
            point=found[0].point_number, customer=found[0].customer_code, period=period.code,
            start=_day(later[0].service_start), end=_day(later[-1].service_end)))
        held.update((id(item), reason) for item in later)
    return held


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _register_problem(item: WorkItem, matched: Matched,
                      plan: Plan) -> tuple[str, DomainError | None] | None:
    """A replaced meter of another kind is priced by its own group: whether it can be (so
    the check holds back what the batch would)."""
    line = matched.lines.get((item.point_id, item.customer_id))
    if line is None or len({i.register_kind for i in line.intervals}) < 2:
        return None
    try:
        _price(item, line, plan.period, plan.book)
    except MissingTariff as exc:
        return "no_tariff", exc
    return None


def _matched(s: Session, plan: Plan, source: ConsumptionSource,
             items: Sequence[WorkItem]) -> Matched:
    """The unbilled intervals of the items' points, matched to the items."""
    numbers = {i.point_id: i.point_number for i in items}
    found = source.billable(s, plan.period.code, sorted(numbers), numbers)
    return match(s, plan.period, found, plan.holders, numbers)


def _with_buildings(s: Session, point_ids: set[int]) -> set[int]:
    """The points, their buildings' common points and every flat of those buildings (a
    flat's share depends on the common point's consumption and the number of flats)."""
    commons: set[int] = set(s.scalars(select(MeteringPoint.common_point_id).where(
        MeteringPoint.id.in_(sorted(point_ids)), MeteringPoint.common_point_id.is_not(None))))
    commons |= set(s.scalars(select(MeteringPoint.id).where(
        MeteringPoint.id.in_(sorted(point_ids)), MeteringPoint.kind == "common")))
    if not commons:
        return point_ids
    flats = set(s.scalars(select(MeteringPoint.id).where(
        MeteringPoint.common_point_id.in_(sorted(commons)))))
    return point_ids | commons | flats


def _plan_common(plan: Plan, matched: Matched, items: list[WorkItem],
                 held_points: set[int]) -> None:
    """Split common points are not invoiced: their priced net is shared among their flats."""
    split = {i.point_id for i in items if i.point_kind == "common" and i.common_billing == "split"}
    if not split:
        return
    commons = [i for i in plan.items if i.point_id in split]
    plan.items = [i for i in plan.items if i.point_id not in split]
    totals: dict[int, tuple[Decimal, Decimal, str]] = {}
    bad = set(held_points & split)
    for item in commons:
        line = matched.lines.get((item.point_id, item.customer_id))
        try:
            net = _price(item, line, plan.period, plan.book).net if _usable(item, line) else None
        except MissingTariff:
            net = None
        if net is None:
            bad.add(item.point_id)
            continue
        quantity, old_net, unit = totals.get(item.point_id, (Decimal(0), Decimal(0), ""))
        totals[item.point_id] = (quantity + _quantity(line), old_net + net, _unit(item))
    _assign_shares(plan, items, totals, bad)


def _assign_shares(plan: Plan, items: list[WorkItem],
                   totals: dict[int, tuple[Decimal, Decimal, str]], bad: set[int]) -> None:
    numbers = {i.point_id: i.point_number for i in items}
    flats: dict[int, dict[int, WorkItem]] = defaultdict(dict)
    for item in sorted(items, key=lambda i: (i.point_number, i.service_end)):
        if item.common_point_id in totals or item.common_point_id in bad:
            flats[item.common_point_id][item.point_id] = item    # the holder at period end
    held_flats = []
    for common_id, members in flats.items():
        if common_id in bad:
            held_flats += [i for i in plan.items
                           if i.common_point_id == common_id and i.point_id in members]
            continue
        quantity, net, unit = totals[common_id]
        ordered = sorted(members.values(), key=lambda i: i.point_number)
        for flat, amount in zip(ordered, split_equally(net, len(ordered)), strict=True):
            plan.shares[(flat.point_id, flat.customer_id)] = CommonShare(
                numbers.get(common_id, ""), quantity, unit, net, len(ordered), amount)
    for item in held_flats:
        plan.held.append(_held(item, "common"))
    held = {(i.point_id, i.customer_id) for i in held_flats}
    plan.items = [i for i in plan.items if (i.point_id, i.customer_id) not in held]


def _quantity(line: Any) -> Decimal:
    if line is None:
        return Decimal(0)
    return Decimal(line.vt_quantity) + Decimal(line.mt_quantity or 0)


def _unit(item: WorkItem) -> str:
    return "kWh" if item.group in ("single", "two", "peak") else "m3"


def _usable(item: WorkItem, line: Any) -> bool:
    if not item.has_meter or line is None:
        return True
    return line.vt_quantity >= 0 and (line.mt_quantity or 0) >= 0


def _price(item: WorkItem, line: Any, period: Period, book: PriceBook,
           share: CommonShare | None = None, charges: Sequence[Any] = ()) -> Any:
    return price_point(_bill_of(item, period, line if item.has_meter else None,
                                (share,) if share else (), tuple(charges)), book)


# --- the run ------------------------------------------------------------------------------------

def preview_run(db: Database, operator: Operator, period: str,
                source: ConsumptionSource | None = None) -> RunPreview:
    """What a run of ``period`` would do now: how many invoices, which points held back."""
    operator.require(Permission.RUN_BILLING)
    with db.unit_of_work() as s, fewer_collections():
        plan = make_plan(s, period, source or default_source())
        running = running_run(s)
        return RunPreview(plan.period.code, plan.status, plan.issue_date, plan.due_date,
                          len(plan.items), plan.already_billed, tuple(plan.held),
                          running.started_at if running else None)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the garbage collector's youngest generation every 100,000 allocations instead of
    700 while a plan and its batches make a few objects per reading of every point (which
    live until the run ends): each collection otherwise walks them all again, a third of the
    run's time at 100,000 points. Nothing is left uncollected; the thresholds come back."""
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@dataclass
class _RunState:
    ctx: IssueContext
    plan: Plan
    source: ConsumptionSource
    made: int = 0
    held: list[HeldPoint] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    claim: RunClaim | None = None


def run_billing(db: Database, operator: Operator, period: str, on_implausible: str = "hold",
                progress: Progress | None = None, cancelled: Cancelled | None = None,
                batch_size: int = DEFAULT_BATCH,
                source: ConsumptionSource | None = None, take_over: bool = False) -> RunResult:
    """Bill ``period``. ``on_implausible``: 'hold' bills everything else and lists the held
    points; 'stop' refuses (Conflict, nothing written) while any point would be held back.
    Conflict while another run works; ``take_over`` (administrators) sets aside a run on
    SQLite that has not finished; RunLost when this run loses its lock mid-way."""
    operator.require(Permission.RUN_BILLING)
    if on_implausible not in ("hold", "stop"):
        raise ValidationError([FieldError("on_implausible", N_(
            "Implausible readings: hold the points back or stop the run."))])
    source = source or default_source()
    with exclusive_run(db, operator, take_over) as claim, fewer_collections():
        with claim.session() as s:
            plan = make_plan(s, period, source)
            if plan.held and on_implausible == "stop":
                raise Conflict(N_("{count} points cannot be billed yet (first: {point}, "
                                  "{reason}); nothing was billed."), count=len(plan.held),
                               point=plan.held[0].point_number, reason=plan.held[0].label)
            office = office_in(s)
            run = _start_run(s, claim, plan, on_implausible)
            _record_holds(s, run.id, plan.held)
            state = _RunState(_context(office, plan, run, operator), plan, source,
                              held=list(plan.held), claim=claim)
        result = _work(db, state, progress, cancelled, batch_size)
        if result.status == "completed" and not result.held:
            close_billed(db, operator, result.period)
        return result


def _context(office: OfficeInfo, plan: Plan, run: BillingRun,
             operator: Operator) -> IssueContext:
    return IssueContext(office, plan.period.code, plan.period.start, plan.period.end,
                        plan.issue_date, plan.due_date, run.id, operator.code,
                        run.order_number or "", run.order_date or plan.issue_date)


def _start_run(s: Session, claim: RunClaim, plan: Plan, policy: str) -> BillingRun:
    """Resume the period's unfinished run (keeping its accounting order), or start one."""
    run, resumed = claim.claim(s, "billing", plan.period.code)
    if resumed:
        s.execute(delete(BillingHold).where(BillingHold.run_id == run.id))
    run.on_implausible = policy
    run.points_total = len(plan.items) + plan.already_billed + len(plan.held)
    s.flush()
    return run


def _record_holds(s: Session, run_id: int, held: Sequence[HeldPoint]) -> None:
    if held:
        s.execute(insert(BillingHold), [
            {"run_id": run_id, "point_id": h.point_id, "reason": h.reason,
             "detail": h.detail("en")[:200]} for h in held])


#: Batches in flight at once on PostgreSQL: while one batch's rows are in the server (COPY,
#: foreign-key checks, index updates, commit: work of the server process, on another core)
#: the next batch is read and priced here. Batches still write one after the other, in order.
PIPELINE = 2


def customer_batches(items: Sequence[WorkItem], size: int) -> list[Sequence[WorkItem]]:
    """Batches of about ``size`` items that never split a customer's points nor a point's
    holders (a transfer inside the period): batches in flight together never read or write
    the same financial card nor lock the same point (a later batch holding a point's lock
    while waiting for the earlier one to commit would deadlock with it), and an invoice's
    account snapshot sees the customer's other invoices of the period. Items keep their
    order within a group; groups come in the order of their first item."""
    parent: dict[int, int] = {}

    def root(customer: int) -> int:
        while parent[customer] != customer:
            parent[customer] = parent[parent[customer]]
            customer = parent[customer]
        return customer

    holder_of: dict[int, int] = {}
    for item in items:
        parent.setdefault(item.customer_id, item.customer_id)
        other = holder_of.setdefault(item.point_id, item.customer_id)
        a, b = root(item.customer_id), root(other)
        if a != b:
            parent[b] = a
    groups: dict[int, list[WorkItem]] = {}
    for item in items:
        groups.setdefault(root(item.customer_id), []).append(item)
    batches: list[Sequence[WorkItem]] = []
    current: list[WorkItem] = []
    for group in groups.values():
        if current and len(current) + len(group) > size:
            batches.append(current)
            current = []
        current.extend(group)
    if current:
        batches.append(current)
    return batches


def _work(db: Database, state: _RunState, progress: Progress | None,
          cancelled: Cancelled | None, batch_size: int) -> RunResult:
    items = state.plan.items
    total = len(items)
    if progress:
        progress(0, total)
    try:
        status = _run_batches(db, state, customer_batches(items, batch_size), total, progress,
                              cancelled)
    except BaseException:
        _finish(state, "interrupted")
        raise
    _finish(state, status)
    seal_posted(db, state.ctx.operator_code, state.plan.period.code, "billing")
    plan = state.plan
    return RunResult(state.ctx.run_id or 0, plan.period.code, status, state.made,
                     plan.already_billed, total, tuple(state.held), state.ctx.order_number)


def _run_batches(db: Database, state: _RunState, batches: Sequence[Sequence[WorkItem]],
                 total: int, progress: Progress | None, cancelled: Cancelled | None) -> str:
    """Bill the batches, each in its own transaction, up to PIPELINE of them at a time (one
    on SQLite: a single writer). A batch writes only once the batch before it has committed,
    so the committed batches are always the first ones, numbered in order, as if one after
    the other. Every batch submitted is waited for, also after an error, so nothing is
    written once the run has returned (and released its lock)."""
    width = PIPELINE if db.is_postgres else 1
    status = "completed"
    # One more worker: statistics are refreshed beside the batches.
    with (ThreadPoolExecutor(max_workers=width + 1, thread_name_prefix="billing")
          if width > 1 else _Inline()) as pool:
        tracker = _Tracker(db, pool, total, progress)
        try:
            for batch in batches:
                if cancelled is not None and cancelled():
                    status = "cancelled"
                    break
                while len(tracker.in_flight) >= width:
                    tracker.collect()
                previous = tracker.in_flight[-1] if tracker.in_flight else None
                tracker.in_flight.append(pool.submit(_one_batch, db, state, batch, previous))
            while tracker.in_flight:
                tracker.collect()
            tracker.settle()
        finally:
            tracker.abandon()
    return status


class _Inline(Executor):
    """Runs each task at once in the caller's thread: on SQLite, with its single writer,
    batches go one after the other in the thread that started the run (as they always did;
    an in-memory database, for one, is private to a thread)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - raised where the result is asked for
            future.set_exception(exc)
        return future


class _Tracker:
    """The batches in flight, oldest first; progress; the statistics refresh running."""

    def __init__(self, db: Database, pool: Executor, total: int,
                 progress: Progress | None) -> None:
        self.db, self.pool, self.total, self.progress = db, pool, total, progress
        self.in_flight: deque[Future[int]] = deque()
        self.done = self.finished = 0
        self.statistics: Future[None] | None = None

    def collect(self) -> None:
        """Wait for the oldest batch (its error is raised here) and report progress; after
        batches 1, 2, 4, 8, ... refresh the statistics (waiting for the last refresh first)."""
        self.done += self.in_flight.popleft().result()
        self.finished += 1
        if self.finished & (self.finished - 1) == 0:
            self.settle()
            self.statistics = self.pool.submit(refresh_statistics, self.db)
        if self.progress:
            self.progress(min(self.done, self.total), self.total)

    def settle(self) -> None:
        if self.statistics is not None:
            self.statistics.result()
            self.statistics = None

    def abandon(self) -> None:
        """After an error: batches not started are dropped, the others are waited for."""
        for future in self.in_flight:
            future.cancel()
        running: list[Future[Any]] = list(self.in_flight)
        if self.statistics is not None:
            running.append(self.statistics)
        wait(running)


#: The tables a run fills (their planner statistics go stale as a run fills them from empty)
#: and the columns the run's own queries look them up by.
RUN_TABLES = {"invoice": ("id", "period", "point_id", "customer_id", "run_id"),
              "invoice_line": ("invoice_id", "charge_id"),
              "ledger_entry": ("customer_id", "document_date", "document_type", "invoice_id")}


def refresh_statistics(db: Database) -> None:
    """ANALYZE the tables a run fills, after batches 1, 2, 4, 8, ...: a run can grow them from
    nothing to hundreds of thousands of rows in a minute, faster than autovacuum notices, and
    with stale statistics the planner reads a whole table where an index finds a few rows.
    Only the columns the run looks rows up by (and the row counts): statistics of all ~90
    columns cost ten times more; autovacuum brings the others up to date after the run."""
    if not db.is_postgres:
        return
    tables = ", ".join(f"{t} ({', '.join(c)})" for t, c in RUN_TABLES.items())
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE " + tables))
        conn.commit()


def _finish(state: _RunState, status: str) -> None:
    if state.claim is not None:
        state.claim.finish(status)


def _one_batch(db: Database, state: _RunState, batch: Sequence[WorkItem],
               previous: Future[int] | None = None) -> int:
    """Bill one batch in one transaction (in a worker thread); returns its item count. It is
    read and priced beside the ``previous`` batch, and written once that one has committed
    (its error, raised here, rolls this one back too). The run's state changes only under
    ``state.lock``."""
    with db.unit_of_work() as s:
        prepared, held = prepare_batch(s, state.plan, state.source, batch)
        if previous is not None:
            previous.result()
        if state.claim is not None:
            state.claim.check(s)
        ctx = state.ctx
        if prepared and not ctx.order_number:
            ctx = _take_order(s, ctx)
        issued = write_invoices(s, ctx, prepared)
        _record_holds(s, ctx.run_id or 0, held)
        s.execute(update(BillingRun).where(BillingRun.id == ctx.run_id).values(
            documents_made=BillingRun.documents_made + len(issued),
            order_number=ctx.order_number or None, order_date=ctx.order_date))
    with state.lock:
        state.ctx = ctx
        state.made += len(issued)
        state.held += held
    return len(batch)


def _take_order(s: Session, ctx: IssueContext) -> IssueContext:
    """The accounting order the run's documents are booked under (one per run)."""
    _seq, number = ledger.issue_number(s, "order", ctx.office.code, ctx.issue_date.year)
    return replace(ctx, order_number=number, order_date=ctx.issue_date)


def _lock_points(s: Session, point_ids: Sequence[int]) -> None:
    """Per-point transaction locks: a desk billing one of these points waits for the batch."""
    if s.get_bind().dialect.name == "postgresql" and point_ids:
        s.execute(text("SELECT pg_advisory_xact_lock(:ns, p) FROM unnest(CAST(:ids AS int[])) "
                       "AS p ORDER BY p"), {"ns": 531, "ids": sorted(set(point_ids))})


def prepare_batch(s: Session, plan: Plan, source: ConsumptionSource,
                  batch: Sequence[WorkItem]) -> tuple[list[Prepared], list[HeldPoint]]:
    """Price a batch and compute each invoice's account snapshot (nothing written)."""
    point_ids = sorted({i.point_id for i in batch})
    _lock_points(s, point_ids)
    billed = billed_keys(s, plan.period.code, point_ids)
    batch = [i for i in batch if (i.point_id, i.customer_id) not in billed]
    matched = _batch_matched(s, plan, source, batch, point_ids)
    lines = matched.lines
    keys = {(i.point_id, i.customer_id) for i in batch}
    charges = pending_charges(s, keys, plan.period.end)
    totals = card_totals(s, {i.customer_id for i in batch}, plan.period.code, plan.issue_date)
    # only customers who may owe older debt need their whole card read and allocated
    cards = ledger.entries(s, [c for c, t in totals.items()
                               if t.needs_card(plan.issue_date, plan.due_date)], plan.issue_date)
    rate = plan.book.interest_on(plan.issue_date)
    prepared, held = [], []
    for n, item in enumerate(batch, start=1):
        key = (item.point_id, item.customer_id)
        outcome = _prepare_one(item, matched, plan, plan.shares.get(key),
                               charges.get(key, ()))
        if isinstance(outcome, HeldPoint):
            held.append(outcome)
            continue
        this = _entry(-n, item.customer_id, plan, outcome.total)
        account = _account(cards, totals, this, plan.period.code, rate)
        prepared.append(Prepared(item, lines.get(key), outcome, account))
    return prepared, held


def _batch_matched(s: Session, plan: Plan, source: ConsumptionSource,
                   batch: Sequence[WorkItem], point_ids: Sequence[int]) -> Matched:
    """The batch's intervals: the plan's matching (one read of the intervals per run), read
    again here, under the points' locks, for the points whose billed intervals changed
    since the plan read them (a desk billed one meanwhile)."""
    if plan.matched is None:
        stale = set(point_ids)
    else:
        marks = billed_marks(s, point_ids)
        stale = {p for p in point_ids if marks.get(p) != plan.marks.get(p)}
    if not stale:
        assert plan.matched is not None
        return plan.matched
    fresh = _matched(s, plan, source, [i for i in batch if i.point_id in stale])
    first_stretch(fresh, plan.first_stretch)
    if plan.matched is None:
        return fresh
    old = plan.matched
    matched = Matched({k: v for k, v in old.lines.items() if k[0] not in stale},
                      {p: e for p, e in old.problems.items() if p not in stale},
                      {p: d for p, d in old.last_read.items() if p not in stale})
    matched.lines.update(fresh.lines)
    matched.problems.update(fresh.problems)
    matched.last_read.update(fresh.last_read)
    return matched


def _account(cards: dict[int, list[ledger.EntryData]], totals: dict[int, CardTotals],
             this: ledger.EntryData, period: str, rate: Decimal) -> AccountSnapshot:
    """The invoice's account snapshot, from the card or from the sums (see ``account``); the
    invoice is added to either, so the customer's next invoice in the batch sees it."""
    customer = this.customer_id
    if customer in cards:
        account = snapshot(cards[customer], this, period, rate)
        cards[customer].append(this)
        return account
    account = totals_snapshot(totals[customer], this, rate)
    totals[customer] = totals[customer].with_invoice(this.amount)
    return account


def _prepare_one(item: WorkItem, matched: Matched, plan: Plan, share: CommonShare | None,
                 charges: Sequence[Any]) -> Any:
    outcome = verdict(item, matched, ())
    if outcome is not None:
        return _held(item, *outcome)
    try:
        return _price(item, matched.lines.get((item.point_id, item.customer_id)), plan.period,
                      plan.book, share, charges)
    except MissingTariff as exc:
        return _held(item, "no_tariff", exc)


def _entry(fake_id: int, customer_id: int, plan: Plan, total: Decimal) -> ledger.EntryData:
    return ledger.EntryData(fake_id, customer_id, plan.issue_date, "invoice", "", "", total,
                            ledger.ZERO, plan.due_date, None, plan.period.code, "", None, "")


# --- a desk bills single points ------------------------------------------------------------------

def bill_points(db: Database, operator: Operator, period: str, point_ids: Collection[int],
                source: ConsumptionSource | None = None) -> list[IssuedInvoice]:
    """Bill the given points for ``period`` now (e.g. once a field record has settled their
    implausible reading), in one transaction beside any run. Points already billed are
    skipped; a point that cannot be billed raises Conflict and nothing is written."""
    operator.require(Permission.RUN_BILLING)
    source = source or default_source()
    with db.unit_of_work() as s:
        plan = make_plan(s, period, source, point_ids)
        if plan.held:
            first = plan.held[0]
            raise Conflict(N_("Point {point} cannot be billed yet: {reason}."),
                           point=first.point_number, reason=first.label)
        prepared, held = prepare_batch(s, plan, source, plan.items)
        if held:
            raise Conflict(N_("Point {point} cannot be billed yet: {reason}."),
                           point=held[0].point_number, reason=held[0].label)
        office = office_in(s)
        ctx = IssueContext(office, plan.period.code, plan.period.start, plan.period.end,
                           plan.issue_date, plan.due_date, None, operator.code, "",
                           plan.issue_date)
        if prepared:
            ctx = _take_order(s, ctx)
        return write_invoices(s, ctx, prepared)


def run_history(db: Database, operator: Operator, kind: str = "billing") -> list[dict[str, Any]]:
    """The runs, newest first: period, status, who, when, documents made."""
    operator.require(Permission.VIEW_LEDGER)
    with db.unit_of_work() as s:
        rows = s.scalars(select(BillingRun).where(BillingRun.kind == kind)
                         .order_by(BillingRun.id.desc()).limit(200))
        holds = dict(s.execute(select(BillingHold.run_id, func.count())
                               .group_by(BillingHold.run_id)).all())
        return [{"id": r.id, "period": r.period, "status": r.status,
                 "started_by": r.started_by, "started_at": r.started_at,
                 "finished_at": r.finished_at, "documents": r.documents_made,
                 "held": int(holds.get(r.id, 0)), "order_number": r.order_number or ""}
                for r in rows]


__all__ = ["ELEMENTS", "HeldPoint", "RunLost", "RunPreview", "RunResult", "bill_points",
           "exclusive_run", "preview_run", "run_billing", "run_history"]
