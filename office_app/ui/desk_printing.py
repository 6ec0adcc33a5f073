"""The print pipeline's last step at a desk: a PDF (from office_app.printing) previewed,
printed on the desk's printer, or saved as a file.

The pages are rendered with PDFium (pypdfium2) into images — the slow part, done off the GUI
thread — and painted onto a QPrinter. The printer is chosen per desk with Qt's print dialog
and remembered in the settings file; with none chosen the system's default printer is used.
A printer that fails raises PrintFailed: the document (a payment, say) is already posted, so
the caller offers a reprint, never a second posting."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import QMessageBox, QWidget

from office_app.config import load_settings, save_settings
from office_app.i18n import _

#: Resolution the pages are rendered at for a printer (a slip's text stays sharp).
PRINT_DPI = 200


class PrintFailed(Exception):
    """The printer refused or could not be opened; the message says which printer."""


def render_pages(pdf: bytes, dpi: int = PRINT_DPI) -> list[QImage]:
    """Every page as an image (safe on a worker thread). PDFium draws straight into the
    image's own memory: no second buffer to allocate, clear and copy (at 200 dpi an A4 page is
    11.6 MB, and those copies were two thirds of the time)."""
    import ctypes

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    images = []

    def into_image(width: int, height: int, format: int,  # noqa: A002 - pypdfium2's name
                   rev_byteorder: bool = False) -> pdfium.PdfBitmap:
        rgba = format == pdfium.raw.FPDFBitmap_BGRA
        image = QImage(width, height, QImage.Format.Format_RGBA8888 if rgba
                       else QImage.Format.Format_RGB888)
        images.append(image)
        stride = image.bytesPerLine()
        buffer = (ctypes.c_ubyte * (stride * height)).from_buffer(image.bits())
        return pdfium.PdfBitmap.new_native(width, height, format, rev_byteorder,
                                           buffer=buffer, stride=stride)

    try:
        for index in range(len(document)):
            document[index].render(scale=dpi / 72, rev_byteorder=True,
                                   bitmap_maker=into_image).close()
    finally:
        document.close()
    return images


def paint(printer: QPrinter, images: list[QImage]) -> None:
    """Each image on its own page, scaled to the page and centred."""
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintFailed(_("The printer {name} cannot be opened.",
                            name=printer.printerName() or printer.outputFileName()))
    try:
        for number, image in enumerate(images):
            if number:
                printer.newPage()
            page = QRectF(painter.viewport())
            scale = min(page.width() / image.width(), page.height() / image.height())
            width, height = image.width() * scale, image.height() * scale
            painter.drawImage(QRectF((page.width() - width) / 2, (page.height() - height) / 2,
                                     width, height), image)
    finally:
        painter.end()


class DeskPrinter:
    """The desk's printer, or a file (``output_file``: a recorded printer, as tests use)."""

    def __init__(self, output_file: str | Path | None = None) -> None:
        self.output_file = str(output_file) if output_file is not None else ""
        self.printed: list[str] = []
        #: The PDF behind the last document printed (what a test reads the text of).
        self.last_pdf = b""

    def printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self.output_file:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(self.output_file)
            return printer
        name = load_settings().printer
        if name and name in QPrinterInfo.availablePrinterNames():
            printer.setPrinterName(name)
        return printer

    def print_images(self, images: list[QImage], title: str) -> None:
        printer = self.printer()
        printer.setDocName(title)
        paint(printer, images)
        self.printed.append(title)

    def print_pdf(self, pdf: bytes, images: list[QImage], title: str) -> None:
        """A document's pages (``images``, rendered from ``pdf``) on this printer."""
        self.print_images(images, title)
        self.last_pdf = pdf

    def name(self) -> str:
        """What the user knows this printer by."""
        return self.output_file or self.printer().printerName() or _("the default printer")

    def choose(self, parent: QWidget) -> bool:
        """Qt's print dialog; the printer chosen is remembered for this desk."""
        printer = self.printer()
        dialog = QPrintDialog(printer, parent)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
        settings = load_settings()
        settings.printer = printer.printerName()
        save_settings(settings)
        return True



def preview_images(parent: QWidget, desk: DeskPrinter, images: list[QImage],
                   title: str) -> None:
    """Qt's print preview of rendered pages; its print button prints on the desk's printer
    (or the one picked in its dialog)."""
    printer = desk.printer()
    printer.setDocName(title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.paintRequested.connect(lambda chosen: paint(chosen, images))
    dialog.exec()


def save_copy(parent: QWidget, pdf: bytes, path: str) -> bool:
    """Write the PDF and say where it went ("saved to …")."""
    try:
        Path(path).write_bytes(pdf)
    except OSError as exc:
        QMessageBox.warning(parent, _("Save as PDF"), _("The file cannot be written: {detail}",
                                                         detail=exc.strerror or str(exc)))
        return False
    QMessageBox.information(parent, _("Save as PDF"), _("Saved to {path}", path=path))
    return True
