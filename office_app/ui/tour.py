"""The screenshot tour: every tab, page and dialog of every role on the demo office, in the
four UI languages, at 1366×768 — what ``tools/screenshots.py`` saves as PNGs and what the
text-fits test walks.

``tour(db, on_shot)`` calls ``on_shot(shot)`` with each screen while it is on screen (offscreen
platform); ``problems(widget)`` lists the texts that do not fit their widgets (the text's font
metrics against the widget's width; tab and header texts; marks above capitals) and, for a
dialog, the shortcut letters used twice.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QDialog,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QStyle,
    QTabBar,
    QTableView,
    QTabWidget,
    QToolButton,
    QWidget,
)

from office_app.db import Database, upgrade
from office_app.i18n import LANGUAGES, set_language
from office_app.services import users
from office_app.services.billing import invoices
from office_app.services.permissions import Permission
from office_app.services.reading_import import ImportReport, LineResult
from office_app.ui.column_sizing import header_fits
from office_app.ui.context import AppContext
from office_app.ui.layout import tab_text_height
from office_app.ui.operations import SyncRunner

SCREEN = (1366, 768)
TOUR_CUSTOMERS = 40
_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


@dataclass(frozen=True)
class Shot:
    """One screen of the tour: ``name`` is ``<language>/<role>/<screen>``."""

    name: str
    widget: QWidget
    dialog: bool


def build_tour_office(path: Path, customers: int = TOUR_CUSTOMERS,
                      utility: str = "electricity") -> Database:
    """A migrated SQLite demo office at ``path`` (the demo's users and data); ``utility``
    "water" for the water demo's screens."""
    from office_app.demo import build_demo

    db = Database(f"sqlite:///{path}")
    upgrade(db)
    build_demo(db, customers=customers, today=date(2026, 3, 15), utility=utility)
    return db


def _contexts(db: Database) -> Iterator[tuple[str, AppContext]]:
    from office_app.demo.register import DEMO_USERS

    for login, password, role, _name, _code in DEMO_USERS:
        operator, user = users.authenticate(db, login, password)
        yield role.value, AppContext(db, operator, user, SyncRunner())


def tour(db: Database, on_shot: Callable[[Shot], None],
         languages: tuple[str, ...] = tuple(LANGUAGES)) -> int:
    """Walk every screen of every role in ``languages``; returns how many shots were taken."""
    taken = 0
    try:
        for language in languages:
            set_language(language)
            for role, context in _contexts(db):
                for name, widget, dialog in _screens(context):
                    on_shot(Shot(f"{language}/{role}/{name}", widget, dialog))
                    taken += 1
    finally:
        set_language("sr_Latn")
    return taken


def _settle() -> None:
    for _ in range(3):
        QCoreApplication.processEvents()


def _screens(context: AppContext) -> Iterator[tuple[str, QWidget, bool]]:
    from office_app.ui.main_window import MainWindow

    window = MainWindow(context)
    window.resize(*SCREEN)
    window.show()
    _settle()
    try:
        for index, key in enumerate(window.tab_keys()):
            window.tabs.setCurrentIndex(index)
            _settle()
            tab = window.tabs.widget(index)
            if tab is not None:
                yield from _tab_screens(key, tab, window)
        yield from _dialogs(context, window)
    finally:
        window.discard()
        _settle()


def _tab_screens(key: str, tab: QWidget,
                 window: QWidget) -> Iterator[tuple[str, QWidget, bool]]:
    pages = {"billing": "pages"}.get(key)
    if key == "customers":
        table = tab.findChild(QTableView, "customer_table")
        if table is not None and table.model() is not None and table.model().rowCount():
            table.selectRow(0)
            tab.detail.show_customer(tab.current_customer_id())  # type: ignore[attr-defined]
            _settle()
        detail = tab.detail.tabs  # type: ignore[attr-defined]
        for page in range(detail.count()):
            detail.setCurrentIndex(page)
            _settle()
            yield f"{key}-{page + 1}", window, False
        return
    if key == "readings" and tab.buttons["key_book"].isVisibleTo(tab):  # type: ignore[attr-defined]
        yield key, window, False
        books = tab.books_table  # type: ignore[attr-defined]
        if books.model() is not None and books.model().rowCount():
            books.selectRow(0)
            tab.key_book()  # type: ignore[attr-defined]
            _settle()
            yield f"{key}-keying", window, False
            tab.keying.sig_leave.emit()  # type: ignore[attr-defined]
            _settle()
        return
    if pages is not None:
        widget: QTabWidget = getattr(tab, pages)
        for page in range(widget.count()):
            widget.setCurrentIndex(page)
            _settle()
            yield f"{key}-{page + 1}", window, False
        return
    yield key, window, False


def _dialog_factories(context: AppContext) -> list[tuple[str, Permission | None,
                                                         Callable[[], QDialog]]]:
    from office_app.services import customers, network, periods
    from office_app.services.billing import tariffs
    from office_app.ui.about import AboutDialog
    from office_app.ui.billing.invoices_page import NoteDialog
    from office_app.ui.billing.tariffs_page import EndDialog, RateDialog, TariffDialog
    from office_app.ui.connection import ConnectionDialog
    from office_app.ui.customers.dialogs import CustomerDialog
    from office_app.ui.customers.point_dialogs import PointDialog
    from office_app.ui.login import LoginDialog
    from office_app.ui.meter_event_dialogs import (
        ReplacementDialog,
        TerminationDialog,
        TransferDialog,
    )
    from office_app.ui.network.dialogs import ReaderDialog, ZoneDialog
    from office_app.ui.readings.field_records import FieldRecordDialog
    from office_app.ui.readings.import_dialog import ImportPreviewDialog
    from office_app.ui.readings.period_dialogs import PeriodDialog, PlausibilityDialog
    from office_app.ui.users.dialogs import AddUserDialog, ResetPasswordDialog

    db, runner = context.db, context.runner
    return [
        ("login", None, lambda: LoginDialog(db, runner)),
        ("connection", None, lambda: ConnectionDialog(db.url, runner)),
        ("about", None, lambda: AboutDialog(context)),
        ("new-customer", Permission.EDIT_CUSTOMERS, lambda: CustomerDialog(context)),
        ("replacement", Permission.KEY_READINGS, lambda: ReplacementDialog(context)),
        ("transfer", Permission.KEY_READINGS, lambda: TransferDialog(context)),
        ("termination", Permission.SET_CUSTOMER_STATUS, lambda: TerminationDialog(context)),
        ("import-preview", Permission.KEY_READINGS, lambda: ImportPreviewDialog(
            _sample_report(), "handheld-2026-03.csv")),
        ("new-period", Permission.MANAGE_PERIODS, lambda: PeriodDialog(context, None)),
        ("new-price", Permission.MANAGE_TARIFFS, lambda: TariffDialog(context)),
        ("new-vat", Permission.MANAGE_TARIFFS, lambda: RateDialog(context, "vat")),
        ("new-interest", Permission.MANAGE_TARIFFS, lambda: RateDialog(context, "interest")),
        ("new-zone", Permission.EDIT_NETWORK, lambda: ZoneDialog(context)),
        ("new-reader", Permission.EDIT_NETWORK, lambda: ReaderDialog(context)),
        ("edit-customer", Permission.EDIT_CUSTOMERS, lambda: CustomerDialog(
            context, customers.get_customer(db, context.operator, 1))),
        ("new-point", Permission.EDIT_CUSTOMERS, lambda: PointDialog(
            context, 1, None, network.list_zones(db, context.operator),
            network.list_readers(db, context.operator))),
        ("plausibility", Permission.MANAGE_PERIODS, lambda: PlausibilityDialog(
            context, periods.get_settings(db, context.operator))),
        ("field-record", Permission.KEY_READINGS, lambda: FieldRecordDialog(
            context, periods.current_period_label(db))),
        ("credit-note", Permission.CORRECT_INVOICES, lambda: NoteDialog(
            context, _first_invoice(context))),
        ("end-price", Permission.MANAGE_TARIFFS, lambda: EndDialog(
            context, tariffs.list_tariffs(db, context.operator)[0])),
        ("add-user", Permission.MANAGE_USERS, lambda: AddUserDialog(context)),
        ("new-password", Permission.MANAGE_USERS,
         lambda: ResetPasswordDialog(context, context.user)),
    ]


def _first_invoice(context: AppContext) -> invoices.InvoiceRow:
    ids = invoices.search_invoice_ids(context.db, context.operator, invoices.InvoiceQuery(),
                                      limit=1)
    return invoices.invoice_rows(context.db, context.operator, ids)[0]


def _sample_report() -> ImportReport:
    from office_app.errors import FieldError

    return ImportReport("2026-03", [
        LineResult(2, "100245", "taken"),
        LineResult(3, "100246", "implausible", (FieldError(
            "vt", "Consumption {use} is above {limit}.", {"use": "3 120", "limit": "1 040"}),)),
        LineResult(4, "100999", "refused", (FieldError(
            "point", "Point {point}: no such metering point.", {"point": "100999"}),)),
        LineResult(5, "100247", "skipped")])


def _dialogs(context: AppContext, window: QWidget) -> Iterator[tuple[str, QWidget, bool]]:
    for name, permission, make in _dialog_factories(context):
        if permission is not None and not context.operator.can(permission):
            continue
        dialog = make()
        dialog.setParent(window, dialog.windowFlags())
        dialog.show()
        _settle()
        try:
            yield f"dialog-{name}", dialog, True
        finally:
            dialog.reject()
            dialog.deleteLater()
            _settle()


# -- the checks ---------------------------------------------------------------------------------

def plain(text: str) -> str:
    """A widget's text as shown: mnemonics and tabs removed."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").replace("\t", " ")


def _shown(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisibleTo(root) and widget.width() > 0


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text or label.wordWrap() or "<" in text or label.pixmap() is not None and \
            not label.pixmap().isNull():
        return None
    metrics = label.fontMetrics()
    need = max(metrics.horizontalAdvance(line) for line in plain(text).splitlines() or [""])
    room = label.contentsRect().width() - 2 * label.margin() - max(label.indent(), 0)
    return f"label {plain(text)!r}: {need} px in {room} px" if need > room + 1 else None


def _button_problem(button: QAbstractButton) -> str | None:
    text = plain(button.text())
    if not text or isinstance(button, QToolButton) and \
            button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly:
        return None
    style = button.style()
    need = button.fontMetrics().horizontalAdvance(text)
    if not button.icon().isNull():
        need += button.iconSize().width() + 4
    if isinstance(button, QCheckBox | QRadioButton):
        need += style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) + 4
    elif isinstance(button, QPushButton):
        need += 2 * style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin)
    return f"button {text!r}: {need} px in {button.width()} px" \
        if need > button.width() + 1 else None


def _tab_problems(bar: QTabBar) -> list[str]:
    found = []
    for number in range(bar.count()):
        text, rect = plain(bar.tabText(number)), bar.tabRect(number)
        need = bar.fontMetrics().horizontalAdvance(text)
        if not bar.tabIcon(number).isNull():
            need += bar.iconSize().width() + 4
        if need > rect.width() - 4:
            found.append(f"tab {text!r}: {need} px in {rect.width()} px")
        if rect.height() < tab_text_height(bar) + 2:
            found.append(f"tab {text!r}: {rect.height()} px high for "
                         f"{tab_text_height(bar)} px of text")
    return found


def problems(root: QWidget, dialog: bool = False) -> list[str]:
    """Texts under ``root`` that do not fit their widgets; for a dialog also the shortcut
    letters that repeat."""
    found: list[str] = []
    for label in root.findChildren(QLabel):
        if _shown(label, root) and (problem := _label_problem(label)):
            found.append(problem)
    for button in root.findChildren(QAbstractButton):
        if _shown(button, root) and (problem := _button_problem(button)):
            found.append(problem)
    for bar in root.findChildren(QTabBar):
        if _shown(bar, root):
            found.extend(_tab_problems(bar))
    for view in root.findChildren(QTableView):
        header = view.horizontalHeader()
        if _shown(view, root) and isinstance(header, QHeaderView) and not header.isHidden():
            found.extend(f"header {text!r} cut" for text in header_fits(view))
    for box in root.findChildren(QGroupBox):
        title = plain(box.title())
        if _shown(box, root) and box.fontMetrics().horizontalAdvance(title) + 16 > box.width():
            found.append(f"group {title!r} cut")
    if dialog:
        found.extend(repeated_mnemonics(root))
    return found


def repeated_mnemonics(root: QWidget) -> list[str]:
    """Shortcut letters (``&X``) used by more than one label, button or group of ``root``."""
    texts = [w.text() for w in root.findChildren(QLabel) if _shown(w, root)]
    texts += [w.text() for w in root.findChildren(QAbstractButton) if _shown(w, root)]
    texts += [w.title() for w in root.findChildren(QGroupBox) if _shown(w, root)]
    letters = Counter(m.group(1).lower() for text in texts for m in _MNEMONIC.finditer(text))
    return [f"shortcut Alt+{letter.upper()} used {count} times"
            for letter, count in sorted(letters.items()) if count > 1]


def shot_size(shot: Shot) -> tuple[int, int]:
    return shot.widget.width(), shot.widget.height()


__all__ = ["SCREEN", "Shot", "build_tour_office", "plain", "problems", "repeated_mnemonics",
           "tour"]

