"""Cashiers' drawers (cash sessions): opened with a float, closed once with the counted cash and
card totals. What the drawer took is read from the ledger (the entries whose source names the
drawer), so the drawer can never disagree with the financial cards.

Guarantees: one open drawer per cashier and desk (a unique index, also with two desks racing);
a drawer is closed once, by its cashier or — a forgotten drawer — by a supervisor; the system
totals and the difference are frozen at closing (the audit re-checks them against the ledger).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from office_app.db import Database
from office_app.errors import N_, Conflict, FieldError, NotFound, ValidationError
from office_app.models.base import utcnow
from office_app.models.cashdesk import MEANS, CashSession
from office_app.models.ledger import LedgerEntry
from office_app.services.numbering import DESK_PATTERN
from office_app.services.office import office_in
from office_app.services.permissions import Operator, Permission

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def drawer_source(desk: str, session_id: int, means: str) -> str:
    """The ``source`` of a ledger entry taken into a drawer: ``desk:KASA1/12/cash``."""
    return f"desk:{desk}/{session_id}/{means}"


def drawer_prefix(desk: str, session_id: int) -> str:
    return f"desk:{desk}/{session_id}/"


@dataclass(frozen=True)
class DrawerInfo:
    id: int
    office_code: str
    desk: str
    cashier_code: str
    opened_on: date
    opened_at: datetime
    opening_float: Decimal
    #: What the ledger says the drawer took, by means of payment.
    cash_taken: Decimal
    card_taken: Decimal
    payments: int
    closed_at: datetime | None = None
    closed_by: str | None = None
    counted_cash: Decimal | None = None
    counted_card: Decimal | None = None
    difference: Decimal | None = None
    close_note: str = ""

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def expected_cash(self) -> Decimal:
        """What should be in the drawer: the float and the cash taken."""
        return self.opening_float + self.cash_taken


def parse_money(value: Decimal | str, field: str, label: str, positive: bool = True) -> Decimal:
    """An amount in euros and cents as typed; raises ValidationError naming ``field``."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise ValidationError([FieldError(field, N_(
            "{label}: type an amount in euros and cents, e.g. 12.50."), {"label": label})])
    if amount != amount.quantize(CENT):
        raise ValidationError([FieldError(field, N_(
            "{label}: at most two decimals (cents)."), {"label": label})])
    if amount < 0 or (positive and amount == 0):
        raise ValidationError([FieldError(field, N_(
            "{label}: must be more than zero.") if positive else N_(
            "{label}: must not be negative."), {"label": label})])
    return amount.quantize(CENT)


def check_desk(desk: str) -> str:
    desk = desk.strip().upper()
    if not DESK_PATTERN.match(desk):
        raise ValidationError([FieldError("desk", N_(
            "Desk: 1 to 8 letters, digits or dashes (set it in the desk settings)."))])
    return desk


def taken(s: Session, row: CashSession) -> tuple[Decimal, Decimal, int]:
    """Cash and card the ledger holds for the drawer, and how many payments. A payment a
    supervisor reversed (storno) while the drawer was open left it (handed back, or taken
    again as the right payment, which counts in its place); one reversed after the drawer
    was closed was handed over with the drawer and stays in its totals, which were frozen
    at closing (the audit re-checks them this way)."""
    prefix = drawer_prefix(row.desk, row.id)
    sources = [prefix + m for m in MEANS]
    # ``source <> ''`` lets the databases use the partial index on the source (SQLite would
    # otherwise scan every payment of the ledger: 14 ms instead of 0.02 ms per drawer).
    rows = s.execute(select(LedgerEntry.source, func.sum(LedgerEntry.credit),
                            func.count(LedgerEntry.idempotency_key))
                     .where(LedgerEntry.source.in_(sources), LedgerEntry.source != "",
                            LedgerEntry.document_type == "payment")
                     .group_by(LedgerEntry.source)).all()
    sums = {source[len(prefix):]: (Decimal(total).quantize(CENT), count)
            for source, total, count in rows}
    reversals = (select(LedgerEntry.source, func.sum(LedgerEntry.debit))
                 .where(LedgerEntry.source.in_(sources), LedgerEntry.source != "",
                        LedgerEntry.document_type == "payment_reversal")
                 .group_by(LedgerEntry.source))
    if row.closed_at is not None:
        reversals = reversals.where(LedgerEntry.posted_at <= row.closed_at)
    back = {source[len(prefix):]: Decimal(total).quantize(CENT)
            for source, total in s.execute(reversals)}
    cash, cash_n = sums.get("cash", (ZERO, 0))
    card, card_n = sums.get("card", (ZERO, 0))
    return cash - back.get("cash", ZERO), card - back.get("card", ZERO), cash_n + card_n


def info(s: Session, row: CashSession) -> DrawerInfo:
    cash, card, count = taken(s, row)
    return DrawerInfo(row.id, row.office_code, row.desk, row.created_by, row.opened_on,
                      row.created_at, row.opening_float, cash, card, count, row.closed_at,
                      row.closed_by, row.counted_cash, row.counted_card, row.difference,
                      row.close_note)


def _open_row(s: Session, cashier_code: str, desk: str) -> CashSession | None:
    return s.scalar(select(CashSession).where(
        CashSession.created_by == cashier_code, CashSession.desk == desk,
        CashSession.closed_at.is_(None)))


def open_drawer(db: Database, operator: Operator, desk: str, opening_float: Decimal | str,
                day: date | None = None) -> DrawerInfo:
    """Open the cashier's drawer at ``desk`` with the float counted into it. Raises Conflict
    when the cashier already has an open drawer at this desk."""
    operator.require(Permission.POST_PAYMENTS)
    desk = check_desk(desk)
    amount = parse_money(opening_float, "opening_float", N_("Opening float"), positive=False)
    try:
        with db.unit_of_work() as s:
            if _open_row(s, operator.code, desk) is not None:
                raise _already_open(desk)
            row = CashSession(office_code=office_in(s).code, desk=desk,
                              opened_on=day or date.today(), created_by=operator.code,
                              opening_float=amount, close_note="")
            s.add(row)
            s.flush()
            return info(s, row)
    except IntegrityError as exc:  # the other desk's click won the race
        raise _already_open(desk) from exc


def _already_open(desk: str) -> Conflict:
    return Conflict(N_("You already have an open drawer at desk {desk}: close it first."),
                    "opening_float", desk=desk)


def current_drawer(db: Database, operator: Operator, desk: str) -> DrawerInfo | None:
    """The operator's open drawer at ``desk``, if any."""
    operator.require(Permission.POST_PAYMENTS)
    with db.unit_of_work() as s:
        row = _open_row(s, operator.code, check_desk(desk))
        return None if row is None else info(s, row)


def get_drawer(db: Database, operator: Operator, drawer_id: int) -> DrawerInfo:
    operator.require(Permission.POST_PAYMENTS)
    with db.unit_of_work() as s:
        return info(s, _row(s, drawer_id))


def open_drawers(db: Database, operator: Operator) -> list[DrawerInfo]:
    """Every drawer still open (a supervisor looks here for a forgotten one)."""
    operator.require(Permission.POST_PAYMENTS)
    with db.unit_of_work() as s:
        rows = s.scalars(select(CashSession).where(CashSession.closed_at.is_(None))
                         .order_by(CashSession.opened_on, CashSession.id)).all()
        return [info(s, r) for r in rows]


def _row(s: Session, drawer_id: int) -> CashSession:
    row = s.get(CashSession, drawer_id)
    if row is None:
        raise NotFound(N_("Drawer {id} does not exist."), id=drawer_id)
    return row


def close_drawer(db: Database, operator: Operator, drawer_id: int,
                 counted_cash: Decimal | str, counted_card: Decimal | str,
                 note: str = "") -> DrawerInfo:
    """Close a drawer with what was counted in it: cash (float included) and the card slips'
    total. The difference against the ledger is recorded. A cashier closes their own drawer;
    a supervisor may close anyone's (a drawer forgotten open)."""
    operator.require(Permission.POST_PAYMENTS)
    cash = parse_money(counted_cash, "counted_cash", N_("Counted cash"), positive=False)
    card = parse_money(counted_card, "counted_card", N_("Card total"), positive=False)
    with db.unit_of_work() as s:
        row = s.scalar(select(CashSession).where(CashSession.id == drawer_id)
                       .with_for_update())
        if row is None:
            raise NotFound(N_("Drawer {id} does not exist."), id=drawer_id)
        if row.closed_at is not None:
            raise Conflict(N_("Drawer {id} is already closed."), "counted_cash", id=drawer_id)
        if row.created_by != operator.code and not operator.can(Permission.SUPERVISE_CASH):
            raise Conflict(N_("Drawer {id} belongs to cashier {cashier}: only a supervisor "
                              "may close it."), "counted_cash", id=drawer_id,
                           cashier=row.created_by)
        system_cash, system_card, _n = taken(s, row)
        row.closed_at = utcnow()
        row.closed_by = operator.code
        row.counted_cash, row.counted_card = cash, card
        row.system_cash, row.system_card = system_cash, system_card
        row.difference = (cash - row.opening_float - system_cash) + (card - system_card)
        row.close_note = note.strip()[:200]
        s.flush()
        return info(s, row)
