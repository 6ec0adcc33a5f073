"""Saving a document made in the background as a PDF and opening it for printing; every tab
that prints goes through here."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from office_app.i18n import _
from office_app.ui.context import AppContext
from office_app.ui.forms import show_error


def open_file(path: str) -> None:
    """Open a saved document in the system's viewer (tests replace this)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def ask_pdf_path(parent: QWidget, title: str, file_name: str) -> str:
    """Where to save a PDF; the user's documents folder is offered first. '' = cancelled."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path, _chosen = QFileDialog.getSaveFileName(parent, title, str(Path(folder) / file_name),
                                                _("PDF documents (*.pdf)"))
    return path


def save_pdf(parent: QWidget, context: AppContext, title: str, file_name: str,
             make: Callable[[], bytes], busy_label: str,
             done: Callable[[], None] | None = None) -> None:
    """Ask where to save, make the PDF on the runner, write it and open it."""
    path = ask_pdf_path(parent, title, file_name)
    if not path:
        return

    def ready(pdf: bytes) -> None:
        try:
            Path(path).write_bytes(pdf)
        except OSError as exc:
            show_error(parent, exc)
            return
        open_file(path)
        if done is not None:
            done()

    context.runner.run(make, ready, lambda exc: show_error(parent, exc), parent=parent,
                       label=busy_label)


def preview_and_print(parent: QWidget, context: AppContext, title: str,
                      make: Callable[[], bytes], busy_label: str) -> None:
    """Make the PDF on the runner, render its pages there too, then show Qt's print preview
    for the desk's printer (print from there, or pick another printer)."""
    from office_app.ui.desk_printing import DeskPrinter, preview_images, render_pages

    def ready(images: list) -> None:
        preview_images(parent, DeskPrinter(), images, title)

    context.runner.run(lambda: render_pages(make()), ready,
                       lambda exc: show_error(parent, exc), parent=parent, label=busy_label)
