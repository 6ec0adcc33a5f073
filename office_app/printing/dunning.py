"""Warnings before suspension and disconnection/reconnection orders, each printed in two
labelled copies (001 Članovi 5–6): a warning for the customer and for the warning register,
in the customer's language and script; an order for the network operator and for the
register of orders. The water office's second reminder (004 §32) prints its heading and its
consequence in red."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from office_app.errors import N_
from office_app.i18n import Translator, translator
from office_app.printing.document import (
    PageFrame,
    data_table,
    doc_text,
    field_grid,
    note_box,
    para,
    render_pdf,
    section,
    styles,
)
from office_app.services.office import OfficeInfo

if TYPE_CHECKING:
    from office_app.services.collection.orders import OrderRecord
    from office_app.services.collection.warnings import WarningRecord

#: The second reminder's colour (004 §32: "printed in red").
RED = colors.Color(1, 0, 0)

WARNING_COPIES = (N_("Copy 1 of 2 — for the customer"),
                  N_("Copy 2 of 2 — for the warning register"))
ORDER_COPIES = (N_("Copy 1 of 2 — for the network operator"),
                N_("Copy 2 of 2 — for the register of orders"))


def _title(w: WarningRecord) -> str:
    if w.utility != "water":
        return N_("Warning before suspension of supply")
    return N_("First reminder") if w.level == 1 else N_("Second reminder — last notice")


def _consequence(w: WarningRecord, t: Translator) -> str:
    params = {"amount": t.money(w.debt), "deadline": t.date(w.deadline)}
    if w.utility != "water":
        return t("If the debt of {amount} is not paid by {deadline}, the supply will be "
                 "suspended and the costs of disconnection and reconnection charged under "
                 "the tariff.", **params)
    if w.level == 1:
        return t("Please pay the debt of {amount} within 5 working days, by {deadline}.",
                 **params)
    return t("You have not paid after the first reminder. If the debt of {amount} is not "
             "paid by {deadline}, the water supply will be disconnected without further "
             "notice.", **params)


def _copy_label(text: str) -> Flowable:
    style = ParagraphStyle("copy", parent=styles().small, fontSize=8, leading=10)
    return para(text.upper(), style)


def _warning_copy(w: WarningRecord, t: Translator, label: str) -> list[Flowable]:
    red = w.utility == "water" and w.level == 2
    title_style = ParagraphStyle("warning_title", parent=styles().title,
                                 textColor=RED if red else styles().title.textColor)
    story: list[Flowable] = [_copy_label(t(label)), Spacer(1, 2 * mm),
                             para(t(_title(w)).upper(), title_style)]
    story.append(field_grid([
        (t("Number"), w.number), (t("Date"), t.date(w.issued_on)),
        (t("Customer code"), w.customer_code), (t("Customer"), doc_text(t, w.customer_name)),
        (t("Address"), doc_text(t, w.customer_address)),
        (t("Debt on {date}", date=t.date(w.as_of)), t.money(w.debt)),
        (t("Pay by"), t.date(w.deadline))]))
    story.append(section(t("Invoices not paid")))
    story.append(data_table(
        [t("Document"), t("Due date"), t("Still to pay")],
        [[i.document_number, t.date(i.due_date), t.money(i.open_amount)] for i in w.items],
        nowrap=(0, 1, 2), right=(2,)))
    consequence = _consequence(w, t)
    if red:
        style = ParagraphStyle("red_note", parent=styles().body, textColor=RED, fontSize=10,
                               leading=13)
        story += [Spacer(1, 5 * mm), para(consequence, style)]
    else:
        story.append(note_box([consequence]))
    return story


def _copies_pdf(records: Sequence[Any], copies: Sequence[str],
                draw: Callable[[Any, Translator, str], list[Flowable]], title: str,
                several: str, office: OfficeInfo, operator_code: str, t: Translator,
                printed_at: datetime | None) -> bytes:
    """Each record in its labelled copies, one page each; the frame names the one document
    or how many there are (``several`` takes {count})."""
    story: list[Flowable] = []
    for record in records:
        for label in copies:
            if story:
                story.append(PageBreak())
            story += draw(record, t, label)
    reference = records[0].number if len(records) == 1 else t(several, count=len(records))
    frame = PageFrame(office, t(title), operator_code, printed_at or datetime.now(UTC),
                      reference)
    return render_pdf(story, frame, t)


def warnings_pdf(records: Sequence[WarningRecord], office: OfficeInfo, operator_code: str,
                 language: str, printed_at: datetime | None = None) -> bytes:
    """The warnings (all in ``language``), each in two labelled copies."""
    return _copies_pdf(records, WARNING_COPIES, _warning_copy, N_("Warning"),
                       N_("{count} warnings"), office, operator_code, translator(language),
                       printed_at)


def _order_copy(o: OrderRecord, t: Translator, label: str) -> list[Flowable]:
    title = (N_("Disconnection order") if o.kind == "disconnection"
             else N_("Reconnection order"))
    story: list[Flowable] = [_copy_label(t(label)), Spacer(1, 2 * mm),
                             para(t(title).upper(), styles().title)]
    story.append(field_grid([
        (t("Number"), o.number), (t("Date issued"), t.date(o.issued_on)),
        (t("Customer code"), o.customer_code), (t("Customer"), doc_text(t, o.customer_name)),
        (t("Address"), doc_text(t, o.customer_address)),
        (t("Metering point"), f"{o.point_number} {doc_text(t, o.point_address)}".strip()),
        (t("Meter number"), o.meter_number), (t("Warning"), o.warning_number)]))
    story.append(section(t("Field record")))
    story.append(field_grid([
        (t("Carried out on"), t.date(o.done_on) if o.done_on else "______________"),
        (t("Meter reading"), t.number(o.reading) if o.reading is not None
         else "______________"),
        (t("Remarks"), o.remarks or "______________"), (t("Signature"), "______________")]))
    return story


def orders_pdf(records: Sequence[OrderRecord], office: OfficeInfo, operator_code: str,
               language: str, printed_at: datetime | None = None) -> bytes:
    """Disconnection or reconnection orders, each in two labelled copies."""
    return _copies_pdf(records, ORDER_COPIES, _order_copy, N_("Order"), N_("{count} orders"),
                       office, operator_code, translator(language), printed_at)
