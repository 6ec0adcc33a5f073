"""The main window: one tab per register the operator's role may see, the menu, and a status
bar with the user, role, database and billing period.

Tabs come from ``office_app.ui.tabs.TAB_SPECS``; a tab the role lacks is never created. The
window calls a tab's ``refresh()`` the first time the tab is shown and on File ▸ Refresh (F5),
so ``create_tab`` need not load data itself. The window knows nothing of log-in or start-up:
it emits ``sig_…`` signals and the shell (ui/app.py) acts on them."""
from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence
from typing import Any

import qtawesome as qta
from PySide6.QtCore import QByteArray, QSettings, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from office_app.i18n import LANGUAGES, _, current
from office_app.services.office import OfficeInfo, get_office
from office_app.services.permissions import ROLE_LABELS
from office_app.ui import tabs as tab_registry
from office_app.ui.about import AboutDialog
from office_app.ui.context import AppContext
from office_app.ui.icons import GLYPHS, app_icon, decorate, icon
from office_app.ui.layout import main_tab_keys, roomy_tabs
from office_app.ui.tabs import TabSpec

PERIODS_MODULE = "office_app.services.periods"
GEOMETRY_KEY = "geometry/MainWindow"
MAX_URL_CHARS = 60


def shorten(text: str, limit: int = MAX_URL_CHARS) -> str:
    """Cut the middle of a long text (a file path keeps its start and its file name)."""
    if len(text) <= limit:
        return text
    keep = (limit - 1) // 2
    return text[:keep] + "…" + text[-keep:]


class MainWindow(QMainWindow):
    sig_switch_user = Signal()
    sig_change_connection = Signal()
    sig_language_chosen = Signal(str)
    sig_quit_requested = Signal()

    def __init__(self, context: AppContext, specs: Sequence[TabSpec] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._discarding = False
        self._shown: set[int] = set()
        self._keys: list[str] = []
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        roomy_tabs(self.tabs)
        main_tab_keys(self, self.tabs)
        self._build_tabs(tab_registry.TAB_SPECS if specs is None else specs)
        self._build_menus()
        self._build_status_bar()
        self.setWindowTitle(_("Commercial office"))
        self.setWindowIcon(app_icon())
        self._restore_geometry()
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self._on_tabs_current_changed(self.tabs.currentIndex())
        self._load_office()
        self._load_period()

    # -- tabs --------------------------------------------------------------------------------
    def _build_tabs(self, specs: Sequence[TabSpec]) -> None:
        operator = self.context.operator
        for spec in specs:
            if not operator.can(spec.permission):
                continue
            widget = spec.factory()(self.context)
            self.tabs.addTab(widget, icon(spec.key) if spec.key in GLYPHS else QIcon(),
                             _(spec.title))
            decorate(widget)
            self._keys.append(spec.key)
            period_changed = getattr(widget, "sig_period_changed", None)
            if period_changed is not None:  # a tab that opens or closes billing periods
                period_changed.connect(self.refresh_period)
        for number in range(min(self.tabs.count(), 9)):
            shortcut = QShortcut(QKeySequence(f"Alt+{number + 1}"), self)
            shortcut.activated.connect(lambda n=number: self.tabs.setCurrentIndex(n))

    def tab_keys(self) -> list[str]:
        return list(self._keys)

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def tab(self, key: str) -> QWidget | None:
        return self.tabs.widget(self._keys.index(key)) if key in self._keys else None

    def current_tab_key(self) -> str | None:
        index = self.tabs.currentIndex()
        return self._keys[index] if index >= 0 else None

    def show_tab(self, key: str) -> None:
        if key in self._keys:
            self.tabs.setCurrentIndex(self._keys.index(key))

    def _on_tabs_current_changed(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if widget is not None and id(widget) not in self._shown:
            self._shown.add(id(widget))
            self._refresh(widget)

    def refresh_current(self) -> None:
        widget = self.tabs.currentWidget()
        if widget is not None:
            self._refresh(widget)

    @staticmethod
    def _refresh(widget: QWidget) -> None:
        refresh = getattr(widget, "refresh", None)
        if callable(refresh):
            refresh()

    # -- menus -------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu(_("&File"))
        self.action_switch_user = self._action(self.file_menu, _("Switch &user…"),
                                               self.sig_switch_user.emit, "Ctrl+Shift+U")
        self.action_refresh = self._action(self.file_menu, _("&Refresh"), self.refresh_current,
                                           QKeySequence.StandardKey.Refresh)
        self.action_switch_user.setIcon(icon("switch_user"))
        self.action_refresh.setIcon(icon("refresh"))
        self.file_menu.addSeparator()
        self.action_quit = self._action(self.file_menu, _("&Quit"), self.close, "Ctrl+Q")
        self.settings_menu = bar.addMenu(_("&Settings"))
        self.action_connection = self._action(self.settings_menu, _("&Connection…"),
                                              self.sig_change_connection.emit)
        self.language_menu = self.settings_menu.addMenu(_("&Language"))
        self._build_language_menu()
        self.help_menu = bar.addMenu(_("&Help"))
        self.action_about = self._action(self.help_menu, _("&About"), self.show_about)
        self.action_quit.setIcon(icon("quit"))
        self.action_connection.setIcon(icon("connection"))
        self.action_about.setIcon(icon("about"))
        self.language_menu.setIcon(icon("language"))

    def _action(self, menu: Any, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _build_language_menu(self) -> None:
        group = QActionGroup(self)
        group.setExclusive(True)
        self.language_actions: dict[str, QAction] = {}
        for number, (code, name) in enumerate(LANGUAGES.items(), start=1):
            action = QAction(f"&{number} {name}", self, checkable=True)
            action.setChecked(code == current().language)
            action.triggered.connect(lambda _checked=False, c=code: self._on_language_chosen(c))
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action

    def _on_language_chosen(self, code: str) -> None:
        if code != current().language:
            self.sig_language_chosen.emit(code)

    def show_about(self) -> None:
        AboutDialog(self.context, self).exec()

    # -- status bar --------------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        user, operator = self.context.user, self.context.operator
        self._status_icons: dict[str, QLabel] = {}
        self.user_label = self._status_label(
            "user", "mdi6.account", f"{user.full_name} ({operator.code})", _("Logged-in user"))
        self.role_label = self._status_label(
            "role", "mdi6.shield-account", _(ROLE_LABELS[operator.role]), _("Role"))
        url = self.context.db.display_url
        self.database_label = self._status_label("database", "mdi6.database", shorten(url), url)
        self.period_label = self._status_label("period", "mdi6.calendar-month", "",
                                               _("Billing period"))
        self.set_period_text("")

    def _status_label(self, name: str, icon: str, text: str, tooltip: str) -> QLabel:
        picture = QLabel()
        picture.setPixmap(qta.icon(icon, color="#555").pixmap(16, 16))
        label = QLabel(text)
        label.setToolTip(tooltip)
        picture.setToolTip(tooltip)
        bar = self.statusBar()
        add = bar.addPermanentWidget if name == "period" else bar.addWidget
        picture.setContentsMargins(6, 0, 0, 0)
        add(picture)
        add(label)
        self._status_icons[name] = picture
        label.setContentsMargins(0, 0, 12, 0)
        return label

    def set_period_text(self, text: str) -> None:
        """Show the current billing period (blank hides it)."""
        self.period_label.setText(_("Billing period: {period}", period=text) if text else "")
        self.period_label.setVisible(bool(text))
        self._status_icons["period"].setVisible(bool(text))

    def refresh_period(self) -> None:
        """Read the billing period again (a tab opened or closed one)."""
        self._load_period()

    def _load_period(self) -> None:
        if importlib.util.find_spec(PERIODS_MODULE) is None:
            return
        label = importlib.import_module(PERIODS_MODULE).current_period_label
        db = self.context.db
        self.context.runner.run(lambda: label(db), self.set_period_text,
                                lambda _exc: self.set_period_text(""))

    def _load_office(self) -> None:
        db = self.context.db
        self.context.runner.run(lambda: get_office(db), self._on_office_loaded,
                                lambda _exc: None)

    def _on_office_loaded(self, office: OfficeInfo) -> None:
        self.setWindowTitle(f"{office.name} — {_('Commercial office')}")

    # -- closing -----------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        saved = QSettings().value(GEOMETRY_KEY)
        if isinstance(saved, QByteArray):
            self.restoreGeometry(saved)
        else:
            self.resize(1100, 700)

    def discard(self) -> None:
        """Close without asking the application to quit (switch user, rebuild, reconnect)."""
        self._discarding = True
        self.close()
        self.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue(GEOMETRY_KEY, self.saveGeometry())
        super().closeEvent(event)
        if not self._discarding:
            self._discarding = True
            self.sig_quit_requested.emit()
