"""The warning register and the register of orders as lists to print (001 Članovi 5–6: the
office keeps both): one row per warning or order as the register shows it, newest first."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from office_app.errors import N_
from office_app.i18n import Translator, translator
from office_app.printing.document import PageFrame, data_table, doc_text, render_pdf, title_block
from office_app.services.office import OfficeInfo

if TYPE_CHECKING:
    from office_app.services.collection.orders import OrderRecord
    from office_app.services.collection.warnings import WarningRecord

DELIVERY = {"post": N_("By post"), "book": N_("Delivery book")}
OUTCOMES = {"": N_("Not known yet"), "paid": N_("Paid"), "partly_paid": N_("Partly paid"),
            "unpaid": N_("Not paid"), "order": N_("Disconnection ordered")}
ORDER_KINDS = {"disconnection": N_("Disconnection"), "reconnection": N_("Reconnection")}
ORDER_STATUSES = {"issued": N_("to carry out"), "executed": N_("carried out"),
                  "cancelled": N_("cancelled")}

WARNING_HEADERS = (N_("Number"), N_("Date"), N_("Customer code"), N_("Customer"),
                   N_("Address"), N_("Debt"), N_("Deadline"), N_("Delivered"), N_("Outcome"))
ORDER_HEADERS = (N_("Number"), N_("Kind"), N_("Date"), N_("Customer code"), N_("Customer"),
                 N_("Address"), N_("Meter"), N_("Status"), N_("Carried out on"))


def _day(t: Translator, value: date | None) -> str:
    return t.date(value) if value else ""


def _warning_row(w: WarningRecord, t: Translator) -> list[str]:
    delivered = " ".join(p for p in (t(DELIVERY.get(w.delivery, w.delivery)),
                                     _day(t, w.delivered_on)) if p)
    return [w.number, _day(t, w.issued_on), w.customer_code, doc_text(t, w.customer_name),
            doc_text(t, w.customer_address), t.money(w.debt), _day(t, w.deadline), delivered,
            t(OUTCOMES.get(w.outcome, w.outcome))]


def _order_row(o: OrderRecord, t: Translator) -> list[str]:
    return [o.number, t(ORDER_KINDS.get(o.kind, o.kind)), _day(t, o.issued_on),
            o.customer_code, doc_text(t, o.customer_name), doc_text(t, o.customer_address),
            o.meter_number, t(ORDER_STATUSES.get(o.status, o.status)), _day(t, o.done_on)]


def _register_pdf(title: str, headers: Sequence[str], rows: list[list[str]],
                  nowrap: set[int], right: set[int], office: OfficeInfo, operator_code: str,
                  t: Translator, printed_at: datetime | None) -> bytes:
    reference = t("{count} entries", count=len(rows))
    frame = PageFrame(office, t(title), operator_code, printed_at or datetime.now(UTC),
                      reference)
    story = [*title_block(t(title), [f"{office.code}  {doc_text(t, office.name)}", reference]),
             data_table([t(h) for h in headers], rows, empty_text=t("The register is empty."),
                        nowrap=nowrap, right=right)]
    return render_pdf(story, frame, t)


def warning_register_pdf(records: Sequence[WarningRecord], office: OfficeInfo,
                         operator_code: str, language: str,
                         printed_at: datetime | None = None) -> bytes:
    """The warning register: number, date, customer, debt, deadline, delivery, outcome."""
    t = translator(language)
    return _register_pdf(N_("Warning register"), WARNING_HEADERS,
                         [_warning_row(w, t) for w in records], {0, 1, 2, 5, 6}, {5}, office,
                         operator_code, t, printed_at)


def order_register_pdf(records: Sequence[OrderRecord], office: OfficeInfo, operator_code: str,
                       language: str, printed_at: datetime | None = None) -> bytes:
    """The register of orders: number, kind, date, customer, meter, status, carried out."""
    t = translator(language)
    return _register_pdf(N_("Register of orders"), ORDER_HEADERS,
                         [_order_row(o, t) for o in records], {0, 2, 3, 6, 8}, set(), office,
                         operator_code, t, printed_at)
