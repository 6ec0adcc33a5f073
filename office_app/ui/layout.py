"""Layout pieces every screen shares: splitters that remember where the user left them, tab
bars with room for the marks above capitals (the háček of "Č", Cyrillic "Й"), and one
Ctrl+Tab that switches only the main window's tabs."""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QSplitter, QTabBar, QTabWidget, QWidget

#: Capitals with marks above them in the four UI languages.
TALL_CAPITALS = "ČĆŠŽĐÇËЙЁЂЋ"


def remember_splitter(splitter: QSplitter, key: str, default: Sequence[int]) -> None:
    """Give ``splitter`` the user's last sizes (QSettings ``splitters/<key>``), or ``default``
    (relative sizes) the first time; remember every move."""
    splitter.setObjectName(splitter.objectName() or key)
    saved = QSettings().value(f"splitters/{key}")
    if not (isinstance(saved, QByteArray) and splitter.restoreState(saved)):
        splitter.setSizes([int(size) for size in default])
    splitter.splitterMoved.connect(
        lambda _pos, _index: QSettings().setValue(f"splitters/{key}", splitter.saveState()))


def tab_text_height(bar: QTabBar) -> int:
    """How tall a tab's text is, marks above capitals included."""
    metrics = bar.fontMetrics()
    return max(metrics.height(), metrics.boundingRect(TALL_CAPITALS).height())


def roomy_tabs(tabs: QTabWidget) -> None:
    """Tabs tall enough for "Č" and "Й" (document-mode tab bars are tight on some styles and
    clip the háček) and never elided: the bar scrolls instead."""
    bar = tabs.tabBar()
    bar.setElideMode(Qt.TextElideMode.ElideNone)
    bar.setUsesScrollButtons(True)
    pad = max(4, (tab_text_height(bar) - bar.fontMetrics().height()) // 2 + 4)
    bar.setStyleSheet(f"QTabBar::tab {{ padding: {pad}px 12px {pad}px 12px; }}")


def main_tab_keys(window: QWidget, tabs: QTabWidget) -> list[QShortcut]:
    """Ctrl+Tab / Ctrl+Shift+Tab (and Ctrl+PgDown / PgUp) switch ``tabs`` wherever the focus
    is in ``window``; nested tab widgets (billing pages, customer detail) no longer take them."""

    def step(delta: int) -> None:
        if tabs.count():
            tabs.setCurrentIndex((tabs.currentIndex() + delta) % tabs.count())

    shortcuts = []
    for keys, delta in ((("Ctrl+Tab", "Ctrl+PgDown"), 1),
                        (("Ctrl+Shift+Tab", "Ctrl+Backtab", "Ctrl+PgUp"), -1)):
        for key in keys:
            shortcut = QShortcut(QKeySequence(key), window)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda d=delta: step(d))
            shortcuts.append(shortcut)
    return shortcuts
