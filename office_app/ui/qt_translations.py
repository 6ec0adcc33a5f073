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
