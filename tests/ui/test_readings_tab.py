"""The reading books tab driven by the keyboard only: open a book, key it row by row with
Enter, confirm an implausible value by keying it again, estimate a point with no access."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from reading_setup import OFFICE, Book, build_book

from office_app.db import Database
from office_app.i18n import set_language
from office_app.services import books
from office_app.services.consumption import period_consumption, unresolved_implausible
from office_app.services.office import save_office
from office_app.services.permissions import Operator, Role
from office_app.ui.context import AppContext
from office_app.ui.readings import create_tab
from office_app.ui.readings.book_model import COL_MT, COL_PEAK, COL_REMARK, COL_VT
from office_app.ui.readings.widget import ReadingsWidget
from tests.ui.conftest import MessageBoxes

pytestmark = pytest.mark.ui


@pytest.fixture
def book(sqlite_db: Database, supervisor: Operator) -> Book:
    with sqlite_db.unit_of_work() as s:
        save_office(s, OFFICE)
    return build_book(sqlite_db, supervisor)


@pytest.fixture
def tab(qtbot: object, login_as: Callable[..., AppContext], book: Book) -> ReadingsWidget:
    set_language("en")                 # the assertions read English texts
    context = login_as(Role.CLERK)
    widget = create_tab(context)
    assert isinstance(widget, ReadingsWidget)
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    widget.resize(1400, 600)
    widget.show()
    widget.activateWindow()
    widget.refresh()
    widget.books_table.setFocus()
    return widget


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def type_keys(text: str) -> None:
    """Each key goes where the keyboard focus is at that moment, as with a real keyboard."""
    for char in text:
        press(char)


def press(key: str | Qt.Key) -> None:
    QTest.keyClick(focused(), key)
    QApplication.processEvents()   # the delegate closes its editor on the next loop turn


def enter() -> None:
    press(Qt.Key.Key_Return)


def key_row(*cells: str) -> None:
    for cell in cells:
        type_keys(cell)
        enter()


def cursor(tab: ReadingsWidget) -> tuple[str, int]:
    index = tab.keying.view.currentIndex()
    return tab.keying.model.row_state(index.row()).book.point_number, index.column()


def test_key_a_whole_book_by_keyboard(tab: ReadingsWidget, sqlite_db: Database,
                                      book: Book) -> None:
    assert tab.books_model.rowCount() == 1
    enter()                                            # Enter on the book opens it
    assert tab.stack.currentIndex() == 1
    assert cursor(tab) == ("P-100", COL_VT)
    type_keys("13910")
    enter()
    assert cursor(tab) == ("P-100", COL_MT)
    type_keys("6290")
    enter()
    assert cursor(tab) == ("P-100", COL_REMARK)
    enter()                                            # no remark: the row is stored
    assert cursor(tab) == ("P-200", COL_VT)
    assert tab.keying.model.row_state(0).state == "keyed"
    assert "Keyed 1 of 3" in tab.keying.counter.text()
    key_row("00100")                                   # single-rate: VT, then the remark
    assert cursor(tab) == ("P-200", COL_REMARK)
    key_row("S")                                       # self-reading
    assert cursor(tab) == ("P-300", COL_VT)
    key_row("9999", "1025")
    assert cursor(tab) == ("P-300", COL_PEAK)
    key_row("31,5", "")
    state = tab.keying.model.row_state(2)
    assert state.state == "confirming" and cursor(tab) == ("P-300", COL_VT)
    assert "above" in tab.keying.message.text()
    assert tab.keying.model.value(2, COL_VT) == ""     # emptied for keying again
    shown = tab.keying.model.index(2, COL_VT)          # but what was keyed stays visible
    assert shown.data() == "9999" and shown.data(Qt.ItemDataRole.FontRole).italic()
    assert shown.data(Qt.ItemDataRole.EditRole) == ""  # an editor starts empty
    key_row("9999", "1025", "31,5", "")                # the same values again: confirmed
    assert tab.keying.model.row_state(2).state == "pending"
    assert "Keyed 3 of 3 · left 0 · implausible 1" in tab.keying.counter.text()
    with sqlite_db.unit_of_work() as s:
        assert unresolved_implausible(s, "2025-03") == [book.points["P-300"]]
        lines = period_consumption(s, "2025-03")
    assert [(x.point_id, x.vt_quantity, x.self_read) for x in lines] == [
        (book.points["P-100"], 310, False), (book.points["P-200"], 200, True)]
    press(Qt.Key.Key_Escape)       # back to the list
    assert tab.stack.currentIndex() == 0
    assert tab.books_model.record_at(0).keyed == 3


def test_correcting_a_keying_error_and_escape_cancels(tab: ReadingsWidget,
                                                      sqlite_db: Database) -> None:
    enter()
    key_row("19000", "6300", "")                       # implausible: a slip of the finger
    assert tab.keying.model.row_state(0).state == "confirming"
    type_keys("777")
    press(Qt.Key.Key_Escape)       # Escape cancels the edit only
    assert tab.stack.currentIndex() == 1
    assert tab.keying.model.value(0, COL_VT) == ""
    key_row("13910", "6300", "")                       # different values: a correction
    assert tab.keying.model.row_state(0).state == "keyed"
    assert cursor(tab) == ("P-200", COL_VT)


def test_no_access_and_bad_input(tab: ReadingsWidget, sqlite_db: Database, book: Book) -> None:
    enter()
    type_keys("13a")                                   # a letter: refused as it is typed
    assert "VT: digits only" in tab.keying.message.text()
    assert focused().text() == "13"                    # what was typed before stays
    type_keys("91012")                                 # a 7th digit on a 6-digit register
    assert focused().text() == "139101"
    assert "6 digits" in tab.keying.message.text()
    press(Qt.Key.Key_Escape)                           # cancel the edit: nothing kept
    assert tab.keying.model.row_state(0).state == "open"
    assert cursor(tab) == ("P-100", COL_VT)
    enter()
    enter()
    key_row("N")                                       # no access: estimate
    assert tab.keying.model.row_state(0).state == "estimate"
    opened = books.open_book(sqlite_db, tab.context.operator, "2025-03", book.zone_id,
                             book.reader_id)
    assert opened.rows[0].reading is not None
    assert opened.rows[0].reading.source == "estimate"
    assert opened.rows[0].reading.read_on == date(2025, 4, 3)


def test_models_pass_the_model_tester(qtmodeltester: object, tab: ReadingsWidget) -> None:
    enter()
    key_row("13910", "6290", "")
    qtmodeltester.check(tab.keying.model)  # type: ignore[attr-defined]
    qtmodeltester.check(tab.books_model)  # type: ignore[attr-defined]


def test_energy_card_page_in_the_customer_detail(qtbot: object, tab: ReadingsWidget,
                                                 book: Book, tmp_path: object,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    import pypdf
    from PySide6.QtWidgets import QFileDialog

    from office_app.ui.customers.pages import CUSTOMER_PAGES

    [(title, factory)] = [(t, f) for t, f in CUSTOMER_PAGES if t == "Energy card"]
    page = factory(tab.context)
    qtbot.addWidget(page)  # type: ignore[attr-defined]
    page.load(book.customers["P-300"])  # type: ignore[attr-defined]
    # twelve months of history, the reading before them and the meter's initial reading
    assert page.model.rowCount() == 14  # type: ignore[attr-defined]
    assert len(page.chart.periods) == 12  # type: ignore[attr-defined]
    target = Path(str(tmp_path)) / "card.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (str(target), "PDF documents (*.pdf)"))
    page.print_button.save_action.trigger()  # type: ignore[attr-defined]
    assert "Žabljak Trade" in pypdf.PdfReader(target).pages[0].extract_text()


def test_supervisor_opens_a_period_and_applies_a_field_record(
        qtbot: object, login_as: Callable[..., AppContext], sqlite_db: Database,
        book: Book, monkeypatch: pytest.MonkeyPatch) -> None:
    from office_app.services import periods
    from office_app.services.field_records import implausible_report
    from office_app.services.readings import ReadingEntry, key_reading
    from office_app.ui.readings.field_records import FieldRecordDialog
    from office_app.ui.readings.period_dialogs import PeriodDialog

    set_language("en")
    context = login_as(Role.SUPERVISOR)
    key_reading(sqlite_db, context.operator, ReadingEntry(
        book.points["P-100"], "2025-03", date(2025, 3, 31), "19000", "6300"), confirm=True)
    dialog = FieldRecordDialog(context, "2025-03")
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    assert dialog.model.rowCount() == 1
    dialog.outcome.setCurrentIndex(1)
    dialog.field("checked_on").setText("02.04.2025")
    dialog.field("vt").setText("13900")
    dialog.submit()
    assert "MT" in dialog.error_text("mt")
    dialog.field("mt").setText("6300")
    dialog.submit()
    assert dialog.applied == 1 and dialog.model.rowCount() == 0
    assert implausible_report(sqlite_db, context.operator, "2025-03").groups == ()
    periods.close_period(sqlite_db, context.operator, "2025-03")
    new = PeriodDialog(context, None, "2025-04")
    qtbot.addWidget(new)  # type: ignore[attr-defined]
    assert new.field("last_reading_on").text() == "03.05.2025"
    new.submit()
    assert periods.current_period_label(sqlite_db) == "2025-04"


def test_meter_replacement_dialog_with_a_photograph(
        qtbot: object, login_as: Callable[..., AppContext], sqlite_db: Database, book: Book,
        tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog

    from office_app.services import meter_events
    from office_app.services.consumption import period_consumption
    from office_app.ui.meter_event_dialogs import ReplacementDialog

    set_language("en")
    context = login_as(Role.CLERK)
    photo = Path(str(tmp_path)) / "seal.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *_a, **_k: ([str(photo)], "Pictures"))
    dialog = ReplacementDialog(context, "P-100")
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog._look_up()
    assert "E-100" in dialog.point_info.text() and dialog.field("two_rate").isChecked()
    dialog.field("date").setText("15.03.2025")
    dialog.field("final_vt").setText("13750")
    dialog.field("final_mt").setText("6260")
    dialog.field("number").setText("E-101")
    dialog.field("initial_vt").setText("0")
    dialog.field("initial_mt").setText("0")
    dialog.field("seal_numbers").setText("ZP-45, ZP-46")
    dialog._choose_photos()
    dialog.submit()
    assert dialog.result() == 1, dialog.general_error.text()
    [photo_info] = meter_events.photos_of(sqlite_db, context.operator, book.points["P-100"])
    assert photo_info.file_name == "seal.png"
    with sqlite_db.unit_of_work() as s:
        [line] = period_consumption(s, "2025-03")
    assert line.meter_numbers == ("E-100", "E-101") and line.vt_quantity == 150
    again = ReplacementDialog(context, "P-200")
    qtbot.addWidget(again)  # type: ignore[attr-defined]
    again._look_up()
    again.field("date").setText("15.03.2025")
    again.field("final_vt").setText("12a")
    again.field("number").setText("E-201")
    again.field("initial_vt").setText("0")
    again.submit()
    assert "digits only" in again.error_text("final_vt")


def test_import_dialog_shows_what_was_refused(
        qtbot: object, tab: ReadingsWidget, sqlite_db: Database, tmp_path: object,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from PySide6.QtWidgets import QDialog, QFileDialog

    from office_app.ui.readings import import_dialog

    data = Path(str(tmp_path)) / "handheld.csv"
    data.write_text("point;date;vt;mt\nP-100;31.03.2025;13910;6290\nP-999;31.03.2025;1;\n",
                    encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(data), ""))
    shown: list[import_dialog.ImportReportDialog] = []
    monkeypatch.setattr(import_dialog.ImportReportDialog, "exec",
                        lambda self: shown.append(self) or 0)
    monkeypatch.setattr(import_dialog.ImportPreviewDialog, "exec",
                        lambda self: QDialog.DialogCode.Accepted)
    tab.import_readings()
    [report] = shown
    assert "1 taken" in report.summary.text() and "1 refused" in report.summary.text()
    assert [(r.line, r.point, r.outcome) for r in report.lines()] == [(3, "P-999", "refused")]
    assert tab.books_model.record_at(0).keyed == 1


def test_print_books_and_the_report_from_the_tab(
        tab: ReadingsWidget, tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    import pypdf
    from PySide6.QtWidgets import QFileDialog


    targets = iter([Path(str(tmp_path)) / "books.pdf", Path(str(tmp_path)) / "report.pdf"])
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *_a, **_k: (str(next(targets)), ""))
    tab.buttons["print_books"].save_action.trigger()  # type: ignore[attr-defined]
    tab.buttons["implausible"].save_action.trigger()  # type: ignore[attr-defined]
    books_pdf, report_pdf = (pypdf.PdfReader(Path(str(tmp_path)) / name)
                             for name in ("books.pdf", "report.pdf"))
    assert "Reading book" in books_pdf.pages[0].extract_text()
    assert "no reading waits" in report_pdf.pages[0].extract_text()


@pytest.mark.parametrize("confirm", [False, True])
def test_import_previews_every_line_and_posts_only_on_confirmation(
        qtbot: object, tab: ReadingsWidget, tmp_path: object,
        monkeypatch: pytest.MonkeyPatch, confirm: bool) -> None:
    from pathlib import Path

    from PySide6.QtWidgets import QDialog, QFileDialog

    from office_app.ui.readings import import_dialog

    data = Path(str(tmp_path)) / "handheld.csv"
    data.write_text("point;date;vt;mt\nP-100;31.03.2025;13910;6290\nP-999;31.03.2025;1;\n"
                    "P-300;31.03.2025;99999;1025\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(data), ""))
    previews: list[import_dialog.ImportPreviewDialog] = []
    reports: list[import_dialog.ImportReportDialog] = []

    def answer(dialog: import_dialog.ImportPreviewDialog) -> int:
        previews.append(dialog)
        assert tab.books_model.record_at(0).keyed == 0  # nothing posted while it is shown
        return QDialog.DialogCode.Accepted if confirm else QDialog.DialogCode.Rejected

    monkeypatch.setattr(import_dialog.ImportPreviewDialog, "exec", answer)
    monkeypatch.setattr(import_dialog.ImportReportDialog, "exec",
                        lambda self: reports.append(self) or 0)
    tab.import_readings()
    [preview] = previews
    model = preview.model
    rows = [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]
    assert rows == [["2", "P-100", "accepted"], ["3", "P-999", "refused"],
                    ["4", "P-300", "implausible: to the field"]]
    assert "1 accepted, 1 implausible" in preview.summary.text()
    assert "1 refused" in preview.summary.text()
    assert preview.post_button.text() == "&Post 2 readings"
    tab.refresh()
    assert len(reports) == (1 if confirm else 0)
    assert tab.books_model.record_at(0).keyed == (2 if confirm else 0)


def test_the_grid_explains_the_remark_codes(tab: ReadingsWidget) -> None:
    enter()
    legend = tab.keying.legend
    assert legend.isVisible()
    for text in ("N = No access to the meter (estimate)", "S = Self-reading by the customer",
                 "O = ", "P = ", "Z = ", "X = Other, see the remark"):
        assert text in legend.text()
    header = tab.keying.model.headerData(COL_REMARK, Qt.Orientation.Horizontal,
                                         Qt.ItemDataRole.ToolTipRole)
    assert "Z = Premises closed or empty" in header


def test_a_refused_keystroke_is_explained_in_the_status_bar(qtbot: object,
                                                            tab: ReadingsWidget) -> None:
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.setCentralWidget(tab)
    window.show()
    QTest.keyClick(tab.books_table, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert tab.stack.currentIndex() == 1
    QTest.keyClick(tab.keying.view, "-")
    assert "VT: digits only" in window.statusBar().currentMessage()
    window.takeCentralWidget()  # the tab fixture closes the tab itself


def test_closing_the_period_asks_once_with_its_counts(
        qtbot: object, login_as: Callable[..., AppContext], sqlite_db: Database, book: Book,
        message_boxes: MessageBoxes) -> None:
    """Issue 13: closing a period asks once and says what is still missing in its books."""
    from PySide6.QtWidgets import QMessageBox

    from office_app.services import periods

    set_language("en")
    widget = create_tab(login_as(Role.SUPERVISOR))
    assert isinstance(widget, ReadingsWidget)
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    widget.refresh()
    message_boxes.answer = QMessageBox.StandardButton.No
    widget.buttons["close_period"].click()
    assert message_boxes.texts("question") == [
        "Close period 2025-03? Its readings can no longer be changed afterwards.\n\n"
        "1 books: 0 of 3 points keyed, 3 without a reading, 0 implausible."]
    assert [p.status for p in periods.list_periods(sqlite_db, widget.context.operator)] == [
        "open"]
