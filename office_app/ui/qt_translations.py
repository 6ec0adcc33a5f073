"""Qt's own texts (standard buttons, the file dialog) in the UI language.

Qt ships no Montenegrin/Serbian or Albanian catalogue, so ``CatalogTranslator`` answers Qt's
``translate(context, text)`` calls from our gettext catalogues: the texts Qt asks for are
listed below (marked ``N_`` so the catalogues carry them) and translated like every other
string. It follows the current UI language, so it is installed once per process.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

from office_app.errors import N_
from office_app.i18n import _, current

#: Qt's source texts per translation context, as Qt 6 asks for them.
QT_TEXTS: dict[str, tuple[str, ...]] = {
    "QPlatformTheme": (
        N_("OK"), N_("Save"), N_("Save All"), N_("Open"), N_("&Yes"), N_("Yes to &All"),
        N_("&No"), N_("N&o to All"), N_("Abort"), N_("Retry"), N_("Ignore"), N_("Close"),
        N_("Cancel"), N_("Discard"), N_("Help"), N_("Apply"), N_("Reset"),
        N_("Restore Defaults")),
    "QFileDialog": (
        N_("Look in:"), N_("File &name:"), N_("Files of type:"), N_("&Open"), N_("&Save"),
        N_("&Choose"), N_("Open"), N_("Save As"), N_("Back"), N_("Forward"),
        N_("Parent Directory"), N_("Create New Folder"), N_("List View"), N_("Detail View"),
        N_("New Folder"), N_("&Rename"), N_("&Delete"), N_("Show &hidden files"),
        N_("&New Folder"), N_("Directory:"), N_("Recent Places"), N_("All Files (*)"),
        N_("My Computer"), N_("Computer"), N_("Sidebar"), N_("Files"),
        N_("File name"), N_("Go back"), N_("Go forward"), N_("Go to the parent directory"),
        N_("Change to list view mode"), N_("Change to detail view mode")),
    "QFileSystemModel": (N_("Name"), N_("Size"), N_("Type"), N_("Date Modified")),
    "QMessageBox": (N_("Show Details..."), N_("Hide Details...")),
    "QProgressDialog": (N_("Cancel"),),
    # The print preview and print dialogs every document opens (ui/documents.py).
    "QPrintPreviewDialog": (
        N_("Next page"), N_("Previous page"), N_("First page"), N_("Last page"),
        N_("Fit width"), N_("Fit page"), N_("Zoom in"), N_("Zoom out"), N_("Portrait"),
        N_("Landscape"), N_("Show single page"), N_("Show facing pages"),
        N_("Show overview of all pages"), N_("Print"), N_("Page setup"), N_("Page Setup"),
        N_("Print Preview"), N_("Export to PDF"), N_("Close")),
    "QPrintDialog": (
        N_("Print"), N_("All Pages"), N_("Odd Pages"), N_("Even Pages"), N_("&Options >>"),
        N_("&Options <<"), N_("&Print"), N_("Print to File (PDF)"), N_("Local file"),
        N_("Write PDF file"), N_("Print To File ..."), N_("Print all"), N_("Print range"),
        N_("Print selection"), N_("Print current page")),
    "QPrintWidget": (N_("Printer"), N_("&Name:"), N_("P&roperties"), N_("Location:"),
                     N_("Preview"), N_("Type:"), N_("Output &file:")),
    "QPrintSettingsOutput": (
        N_("Print range"), N_("Print all"), N_("Pages from"), N_("to"), N_("Pages"),
        N_("Current Page"), N_("Selection"), N_("Page &Set:"), N_("Output Settings"),
        N_("Copies:"), N_("Collate"), N_("Reverse"), N_("Copies"), N_("Color Mode"),
        N_("Color"), N_("Grayscale"), N_("Double Sided Printing"), N_("Off"),
        N_("Long side binding"), N_("Short side binding"), N_("Options")),
    "QPageSetupWidget": (
        N_("Paper"), N_("Page size:"), N_("Width:"), N_("Height:"), N_("Paper source:"),
        N_("Orientation"), N_("Portrait"), N_("Landscape"), N_("Reverse landscape"),
        N_("Reverse portrait"), N_("Margins"), N_("top margin"), N_("left margin"),
        N_("right margin"), N_("bottom margin"), N_("Page Layout"), N_("Page &order:"),
        N_("Pages &per sheet:"), N_("Millimeters (mm)"), N_("Inches (in)"),
        N_("Points (pt)"), N_("Custom")),
    "QLineEdit": (N_("&Undo"), N_("&Redo"), N_("Cu&t"), N_("&Copy"), N_("&Paste"),
                  N_("Delete"), N_("Select All")),
}
_KNOWN = {context: frozenset(texts) for context, texts in QT_TEXTS.items()}


class CatalogTranslator(QTranslator):
    """Qt's texts listed in QT_TEXTS from the gettext catalogue of the current language."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:  # type: ignore[override]
        # None (a null string) lets Qt keep its own English text; "" would blank it out.
        if source not in _KNOWN.get(context, ()) or current().language == "en":
            return None
        text = _(source)
        return None if text == source else text

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


_installed: list[CatalogTranslator] = []


def install_qt_translator(app: QCoreApplication) -> CatalogTranslator:
    """Install the catalogue translator once; later calls return the installed one."""
    if not _installed:
        translator = CatalogTranslator(app)
        app.installTranslator(translator)
        _installed.append(translator)
    return _installed[0]
