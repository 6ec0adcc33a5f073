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
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
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
from office_app.i18n import LANGUAGES, _, set_language
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
#: A demo customer with open invoices (the cash desk loads them).
DEBTOR = 6
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
    _issue_collection(db)
    return db


def _issue_collection(db: Database) -> None:
    """Warnings and disconnection orders, so that their registers and dialogs have rows."""
    from office_app.services.collection import orders, warnings

    supervisor, _user = users.authenticate(db, "supervisor", "super123")
    issued = warnings.run_warnings(db, supervisor, warnings.WarningCriteria(date(2026, 3, 15)))
    if issued.issued:
        orders.run_orders(db, supervisor, date(2026, 4, 30))


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
                def emit(name: str, widget: QWidget, dialog: bool,
                         prefix: str = f"{language}/{role}/") -> None:
                    nonlocal taken
                    if dialog:
                        SHOWN.add(type(widget).__name__)
                    on_shot(Shot(prefix + name, widget, dialog))
                    taken += 1

                for name, widget, dialog in _screens(context, emit):
                    emit(name, widget, dialog)
    finally:
        set_language("sr_Latn")
    return taken


def _settle() -> None:
    for _round in range(3):
        QCoreApplication.processEvents()


def _screens(context: AppContext, emit: Emit) -> Iterator[tuple[str, QWidget, bool]]:
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
                _prepare(key, tab, context)
                yield from _tab_screens(key, tab, window, emit)
        yield from _dialogs(context, window)
    finally:
        window.discard()
        _settle()


def _tab_screens(key: str, tab: QWidget, window: QWidget,
                 emit: Emit) -> Iterator[tuple[str, QWidget, bool]]:
    """Every page of the tab (its own tab widgets, found generically), each with its first
    rows chosen, and every dialog its "…" buttons open."""
    opened: set[int] = set()
    if key == "readings" and tab.buttons["key_book"].isVisibleTo(tab):  # type: ignore[attr-defined]
        yield key, window, False
        _opened_dialogs(key, tab, opened, emit)
        books = tab.books_table  # type: ignore[attr-defined]
        if books.model() is not None and books.model().rowCount():
            books.selectRow(0)
            tab.key_book()  # type: ignore[attr-defined]
            _settle()
            yield f"{key}-keying", window, False
            tab.keying.sig_leave.emit()  # type: ignore[attr-defined]
            _settle()
        return
    pages = _page_tabs(tab)
    if not pages:
        _choose_first_rows(tab)
        yield key, window, False
        _opened_dialogs(key, tab, opened, emit)
        return
    for widget in pages:
        for page in range(widget.count()):
            widget.setCurrentIndex(page)
            _settle()
            _choose_first_rows(tab)
            where = f"{key}-{page + 1}" if len(pages) == 1 else \
                f"{key}-{widget.objectName() or pages.index(widget) + 1}-{page + 1}"
            yield where, window, False
            _opened_dialogs(where, tab, opened, emit)


def _page_tabs(tab: QWidget) -> list[QTabWidget]:
    """The tab widgets directly inside ``tab`` (not those inside one of its pages)."""
    found = []
    for widget in tab.findChildren(QTabWidget):
        parent = widget.parentWidget()
        while parent is not None and parent is not tab and not isinstance(parent, QTabWidget):
            parent = parent.parentWidget()
        if parent is tab:
            found.append(widget)
    return found


def _choose_first_rows(root: QWidget) -> None:
    """Choose the first row of every list on screen, as a user looking around would (twice:
    choosing a row fills the lists that depend on it)."""
    for _round in range(2):
        for view in root.findChildren(QTableView):
            model = view.model()
            if view.isVisibleTo(root) and model is not None and model.rowCount() and \
                    view.selectionModel() is not None and \
                    not view.selectionModel().hasSelection():
                view.selectRow(0)
                _settle()


def _prepare(key: str, tab: QWidget, context: AppContext) -> None:
    """Bring a tab to what a user sees at work: a customer loaded, a drawer open, the warning
    run previewed."""
    if key == "customers":
        table = tab.findChild(QTableView, "customer_table")
        if table is not None and table.model() is not None and table.model().rowCount():
            table.selectRow(0)
            tab.detail.show_customer(tab.current_customer_id())  # type: ignore[attr-defined]
            _settle()
    elif key == "cashdesk":
        _open_the_desk(tab, context)
    elif key == "statements" and hasattr(tab, "queue_box"):
        tab.queue_box.setChecked(True)          # the unmatched queue: lines to assign
        _settle()
    elif key == "collection":
        run_page = getattr(tab, "run_page", None)
        if run_page is not None and run_page.preview_button.isEnabled():
            run_page.load_preview()
            _settle()


def _open_the_desk(tab: QWidget, context: AppContext) -> None:
    from office_app.ui.cashdesk.widget import CounterWidget

    desk = tab if isinstance(tab, CounterWidget) else tab.findChild(CounterWidget)
    if desk is None:
        return
    with _modal_guard():
        if desk.open_button.isVisibleTo(desk) and desk.open_button.isEnabled():
            desk.opening_float.setText("50")
            desk.open_drawer()
            _settle()
        desk.scan.setText(_debtor_code(context))
        desk.find_payer()
        _settle()


def _debtor_code(context: AppContext) -> str:
    """The code of the first demo customer with something to pay at the counter (the demo's
    counter year leaves many cards settled), else DEBTOR's."""
    from office_app.services import customers
    from office_app.services.cashdesk import counter

    db, operator = context.db, context.operator
    for customer_id in range(DEBTOR, TOUR_CUSTOMERS + 1):
        code = customers.get_customer(db, operator, customer_id).code
        payer = counter.find_payer(db, operator, code).payer
        if payer is not None and payer.total_due > 0 and len(payer.items) > 1:
            return code
    return customers.get_customer(db, operator, DEBTOR).code


def _label(button: QAbstractButton) -> str:
    """What the button says; a toolbar button's action keeps the "…" the toolbar drops."""
    action = button.defaultAction() if isinstance(button, QToolButton) else None
    return plain(action.text() if action is not None else button.text())


def _name(button: QAbstractButton, number: int) -> str:
    """The button's (or its action's) object name; else its place among the page's "…"
    buttons, the same in every language."""
    action = button.defaultAction() if isinstance(button, QToolButton) else None
    return (action.objectName() if action is not None else "") or button.objectName() or \
        f"button{number}"


Emit = Callable[[str, QWidget, bool], None]


def _opened_dialogs(where: str, tab: QWidget, opened: set[int], emit: Emit) -> None:
    """Press every "…" button on screen (a "…" opens a dialog) and show what it opens; file
    choosers are answered with nothing and questions with No, so nothing is posted. A dialog
    is shot while its exec() would run (the code that opened it may delete it after)."""
    buttons = [b for b in tab.findChildren(QAbstractButton)
               if _label(b).endswith("…") and b.isVisibleTo(tab)]
    for number, button in enumerate(buttons, start=1):
        if id(button) in opened or not button.isEnabled():
            continue
        opened.add(id(button))
        name, count = _name(button, number), [0]

        def shoot(dialog: QDialog, name: str = name, count: list[int] = count) -> None:
            count[0] += 1
            suffix = f"-{count[0]}" if count[0] > 1 else ""
            emit(f"dialog-{where}-{name}{suffix}", dialog, True)

        with _modal_guard(shoot):
            button.click()
            _settle()


#: Every dialog class the tour has shown (tools/screenshots.py --check names those missing).
SHOWN: set[str] = set()


@contextmanager
def _modal_guard(shoot: Callable[[QDialog], None] | None = None) -> Iterator[None]:
    """While a button runs: a dialog's exec() shows it, has it shot and returns Rejected at
    once; questions answer No, file choosers choose nothing, and any other modal window (a
    print dialog) is closed — so the tour never waits and posts nothing."""
    shot: list[QDialog] = []

    def keep(dialog: QDialog, *_args: object) -> int:
        shot.append(dialog)
        if shoot is not None:
            dialog.show()
            _settle()
            shoot(dialog)
            dialog.hide()
        return 0

    patches: list[tuple[type, str, object]] = [
        (QDialog, "exec", keep),
        (QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.No),
        (QFileDialog, "getOpenFileName", lambda *_a, **_k: ("", "")),
        (QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([], "")),
        (QFileDialog, "getSaveFileName", lambda *_a, **_k: ("", "")),
        (QInputDialog, "getItem", lambda *_a, **_k: ("", False)),
    ]
    for kind in ("information", "warning", "critical"):
        patches.append((QMessageBox, kind, lambda *_a, **_k: QMessageBox.StandardButton.Ok))
    saved = [(owner, name, owner.__dict__[name]) for owner, name, _v in patches]
    for owner, name, value in patches:
        setattr(owner, name, value)
    before = set(QApplication.topLevelWidgets())
    watchdog = QTimer()
    watchdog.setInterval(50)
    watchdog.timeout.connect(_close_foreign_modal)
    watchdog.start()
    try:
        yield
    finally:
        watchdog.stop()
        for owner, name, value in saved:
            setattr(owner, name, value)
        for widget in QApplication.topLevelWidgets():   # opened with show(), not exec()
            if widget not in before and isinstance(widget, QDialog) and \
                    widget.isVisible() and widget not in shot:
                if shoot is not None:
                    shoot(widget)
                widget.close()


def dialogs_not_shown() -> list[str]:
    """The dialog classes of ``office_app.ui`` the tour has not shown (bases that other
    dialogs extend are not counted: their subclasses are shown)."""
    import importlib
    import pkgutil

    import office_app.ui as package

    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
    classes: set[type] = set()
    todo: list[type] = [QDialog]
    while todo:
        subclasses: list[type] = todo.pop().__subclasses__()
        for cls in subclasses:
            todo.append(cls)
            if cls.__module__.startswith(package.__name__ + "."):
                classes.add(cls)
    bases = {base for cls in classes for base in cls.__mro__[1:] if base in classes}
    return sorted(f"{cls.__module__}.{cls.__name__}" for cls in classes - bases
                  if cls.__name__ not in SHOWN)


def _close_foreign_modal() -> None:
    modal = QApplication.activeModalWidget()
    if modal is not None:
        modal.close()


def _dialog_factories(context: AppContext) -> list[tuple[str, Permission | None,
                                                         Callable[[], QDialog]]]:
    from office_app.services import complaints, customers, network, periods
    from office_app.services.billing import tariffs
    from office_app.ui.about import AboutDialog
    from office_app.ui.billing.invoices_page import NoteDialog
    from office_app.ui.billing.tariffs_page import EndDialog, RateDialog, TariffDialog
    from office_app.ui.complaints.dialogs import CorrectionDialog
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
        ("complaint-correction", Permission.CORRECT_INVOICES, lambda: CorrectionDialog(
            context, complaints.list_complaints(db, context.operator)[0])),
        ("end-price", Permission.MANAGE_TARIFFS, lambda: EndDialog(
            context, tariffs.list_tariffs(db, context.operator)[0])),
        ("add-user", Permission.MANAGE_USERS, lambda: AddUserDialog(context)),
        ("new-password", Permission.MANAGE_USERS,
         lambda: ResetPasswordDialog(context, context.user)),
        *_start_dialogs(context),
        *_point_dialogs(context),
    ]


def _start_dialogs(context: AppContext) -> list[tuple[str, Permission | None,
                                                        Callable[[], QDialog]]]:
    """What a desk shows before anyone logs in: the first administrator, the database upgrade
    and the connection choices; and the progress window of a long job."""
    from office_app.db import SchemaState, SchemaStatus
    from office_app.ui.connection import (
        UpgradeDialog,
        newer_schema_dialog,
        older_schema_dialog,
        unreachable_dialog,
    )
    from office_app.ui.login import FirstAdminDialog
    from office_app.ui.operations import JobControl, JobProgressDialog
    from office_app.ui.readings.import_dialog import ImportReportDialog

    db, runner = context.db, context.runner
    older = SchemaStatus(SchemaState.OLDER, "0009", "0010")
    newer = SchemaStatus(SchemaState.NEWER, "0011", "0010")

    def progress() -> QDialog:
        dialog = JobProgressDialog(None, _("Billing run {period}", period="2026-02"),  # type: ignore[arg-type]
                                   _("Billing {period}…", period="2026-02"), JobControl())
        dialog.setMinimumDuration(0)
        dialog.started -= 95            # as if the run had worked for 95 s
        QTimer.singleShot(0, lambda: dialog.show_progress(1234, 4321))
        return dialog

    return [
        ("first-admin", None, lambda: FirstAdminDialog(db, runner)),
        ("upgrade", None, lambda: UpgradeDialog(db, older, runner)),
        ("unreachable", None, lambda: unreachable_dialog(
            "postgresql://server/office", "connection refused")),
        ("older-database", None, lambda: older_schema_dialog("postgresql://server/office",
                                                             older)),
        ("newer-database", None, lambda: newer_schema_dialog("postgresql://server/office",
                                                             newer)),
        ("import-report", Permission.KEY_READINGS, lambda: ImportReportDialog(
            _sample_report(), "handheld-2026-03.csv")),
        ("progress", None, progress),
    ]


def _point_dialogs(context: AppContext) -> list[tuple[str, Permission | None,
                                                        Callable[[], QDialog]]]:
    """The dialogs of a metering point: a new meter on a point without one, the meter's
    details, its history and how the point is billed."""
    from dataclasses import replace

    from office_app.services import metering, office
    from office_app.services.billing import points
    from office_app.ui.billing.profile_dialog import BillingProfileDialog
    from office_app.ui.customers.point_dialogs import (
        HistoryDialog,
        InstallMeterDialog,
        MeterDialog,
    )
    from office_app.ui.customers.points import METER_HISTORY_COLUMNS

    db, operator = context.db, context.operator

    def point() -> metering.PointRecord:
        return next(p for p in metering.points_of_customer(db, operator, 1) if p.meter)

    def history() -> QDialog:
        chosen = point()
        return HistoryDialog(_("Meters on point {number}", number=chosen.number),
                             METER_HISTORY_COLUMNS,
                             metering.meter_history(db, operator, chosen.id))

    def profile() -> QDialog:
        chosen = point()
        return BillingProfileDialog(context, chosen, points.get_profile(db, operator, chosen.id),
                                    office.get_office(db).utility)

    def meter() -> QDialog:
        chosen = point()
        assert chosen.meter is not None
        return MeterDialog(context, chosen.meter)

    return [
        ("install-meter", Permission.EDIT_CUSTOMERS,
         lambda: InstallMeterDialog(context, replace(point(), meter=None))),
        ("meter", Permission.EDIT_CUSTOMERS, meter),
        ("meter-history", None, history),
        ("billing-profile", Permission.MANAGE_TARIFFS, profile),
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
    if not dialog and root.isWindow() and (root.width() > SCREEN[0] or
                                           root.height() > SCREEN[1]):
        found.append(f"window {root.width()}×{root.height()} px on a "
                     f"{SCREEN[0]}×{SCREEN[1]} screen: something is too wide to fit")
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


__all__ = ["SCREEN", "Shot", "build_tour_office", "dialogs_not_shown", "plain", "problems",
           "repeated_mnemonics", "tour"]

