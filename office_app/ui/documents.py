"""The one way a screen hands a document to the person at the desk: Preview, Print on the
desk's printer, Save as PDF. Every tab that makes a document goes through here, usually
through a ``DocumentButton`` (a click previews; its menu prints, saves or picks the printer).

The PDF is made on the runner (off the GUI thread), and so are its pages for the printer;
a printer that fails says so and nothing else is undone (the caller's document is already
issued, so the user prints again, never issues again)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QImage, QKeyEvent
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox, QToolButton, QWidget

from office_app.errors import DomainError
from office_app.i18n import _
from office_app.ui.context import AppContext
from office_app.ui.desk_printing import PrintFailed, preview_images, render_pages
from office_app.ui.forms import show_error


@dataclass(frozen=True)
class Document:
    """One document as a screen offers it. ``make`` runs on the runner and returns the PDF;
    ``done`` runs on the GUI thread after it was made (a list that shows "copy printed")."""

    title: str
    file_name: str
    make: Callable[[], bytes]
    busy_label: str = ""
    done: Callable[[], None] | None = None


#: What a screen gives a DocumentButton: the document for the current choice, or None when
#: nothing is chosen (the button then shows its ``missing`` message).
DocumentSource = Callable[[], Document | None]


def open_file(path: str) -> None:
    """Open a saved file in the system's viewer (tests replace this)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def ask_pdf_path(parent: QWidget, title: str, file_name: str) -> str:
    """Where to save a PDF; the user's documents folder is offered first. '' = cancelled."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path, _chosen = QFileDialog.getSaveFileName(parent, title, str(Path(folder) / file_name),
                                                _("PDF documents (*.pdf)"))
    return path


def say_saved(parent: QWidget, path: str) -> None:
    QMessageBox.information(parent, _("Save as PDF"), _("Saved to {path}", path=path))


def save_document(parent: QWidget, context: AppContext, document: Document) -> None:
    """Ask where to save, make the PDF on the runner, write it and say where it went."""
    path = ask_pdf_path(parent, document.title, document.file_name)
    if not path:
        return

    def ready(pdf: bytes) -> None:
        _finished(document)
        try:
            Path(path).write_bytes(pdf)
        except OSError as exc:
            show_error(parent, exc)
            return
        say_saved(parent, path)

    context.runner.run(document.make, ready, lambda exc: show_error(parent, exc),
                       parent=parent, label=document.busy_label)


def save_pdf(parent: QWidget, context: AppContext, title: str, file_name: str,
             make: Callable[[], bytes], busy_label: str,
             done: Callable[[], None] | None = None) -> None:
    """Save as PDF only (kept for callers not yet on DocumentButton)."""
    save_document(parent, context, Document(title, file_name, make, busy_label, done))


def _pages(document: Document) -> Callable[[], tuple[bytes, list[QImage]]]:
    def work() -> tuple[bytes, list[QImage]]:
        pdf = document.make()
        return pdf, render_pages(pdf)
    return work


def _finished(document: Document) -> None:
    if document.done is not None:
        document.done()


def preview_document(parent: QWidget, context: AppContext, document: Document) -> None:
    """Qt's print preview of the document for the desk's printer (print from there, or pick
    another printer)."""
    def ready(made: tuple[bytes, list[QImage]]) -> None:
        _finished(document)
        preview_images(parent, context.desk_printer, made[1], document.title)

    context.runner.run(_pages(document), ready, lambda exc: show_error(parent, exc),
                       parent=parent, label=document.busy_label)


def print_document(parent: QWidget, context: AppContext, document: Document) -> None:
    """Straight to the desk's printer; the main window's status bar says where it went."""
    desk = context.desk_printer

    def ready(made: tuple[bytes, list[QImage]]) -> None:
        _finished(document)
        try:
            desk.print_pdf(made[0], made[1], document.title)
        except (PrintFailed, OSError, RuntimeError) as exc:
            QMessageBox.warning(parent, document.title, _(
                "The document was not printed: {detail} Choose another printer in the "
                "document's menu, or print it again.", detail=str(exc)))
            return
        window = parent.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(_("{title}: sent to {printer}",
                                             title=document.title, printer=desk.name()), 8000)

    context.runner.run(_pages(document), ready, lambda exc: show_error(parent, exc),
                       parent=parent, label=document.busy_label)


def preview_and_print(parent: QWidget, context: AppContext, title: str,
                      make: Callable[[], bytes], busy_label: str) -> None:
    """Preview only (kept for callers not yet on DocumentButton)."""
    preview_document(parent, context, Document(title, "", make, busy_label))


class DocumentButton(QToolButton):
    """A document's actions in one button: a click previews; the menu has Print (on the
    desk's printer), Save as PDF and the choice of the desk's printer. When ``source`` has
    no document, ``missing`` (an N_ message id: what to choose first) is shown."""

    def __init__(self, context: AppContext, text: str, source: DocumentSource,
                 name: str = "", parent: QWidget | None = None, missing: str = "") -> None:
        super().__init__(parent)
        self.context = context
        self.source = source
        self.missing = missing
        self.setText(text)
        if name:
            self.setObjectName(name)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        menu = QMenu(self)
        self.preview_action = self._action(menu, _("Pre&view…"), preview_document)
        self.print_action = self._action(menu, _("&Print on the desk's printer"),
                                         print_document)
        self.save_action = self._action(menu, _("&Save as PDF…"), save_document)
        menu.addSeparator()
        self.printer_action = QAction(_("&Desk's printer…"), menu)
        self.printer_action.triggered.connect(lambda: context.desk_printer.choose(self))
        menu.addAction(self.printer_action)
        self.setMenu(menu)
        self.setToolTip(_("A click shows the preview; the arrow (or Down) prints on the desk's "
                          "printer or saves a PDF."))
        self.clicked.connect(self.preview_action.trigger)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Down or F4 opens the menu from the keyboard (Space previews, as a click does)."""
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_F4):
            self.showMenu()
        else:
            super().keyPressEvent(event)

    def _action(self, menu: QMenu, text: str,
                act: Callable[[QWidget, AppContext, Document], None]) -> QAction:
        action = QAction(text, menu)
        action.triggered.connect(lambda: self._with_document(act))
        menu.addAction(action)
        return action

    def _with_document(self, act: Callable[[QWidget, AppContext, Document], None]) -> None:
        document = self.source()
        if document is not None:
            act(self, self.context, document)
        elif self.missing:
            show_error(self, DomainError(self.missing))


__all__ = ["Document", "DocumentButton", "DocumentSource", "ask_pdf_path", "open_file",
           "preview_document", "print_document", "save_document", "save_pdf"]
