"""One icon set: every main tab, menu action and named action button shows an icon from it;
the application icon comes from resources/; the office logo slot falls back to it."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from office_app.services.permissions import Role
from office_app.ui import icons
from office_app.ui.context import AppContext
from office_app.ui.main_window import MainWindow


def test_tabs_actions_and_buttons_carry_icons(qtbot: QtBot,
                                              login_as: Callable[..., AppContext]) -> None:
    window = MainWindow(login_as(Role.SUPERVISOR))
    qtbot.addWidget(window)
    for number in range(window.tabs.count()):
        assert not window.tabs.tabIcon(number).isNull(), window.tabs.tabText(number)
    for action in (window.action_switch_user, window.action_refresh, window.action_quit,
                   window.action_connection, window.action_about):
        assert not action.icon().isNull(), action.text()
    named = [b for b in window.findChildren(QAbstractButton)
             if b.objectName() in icons.BUTTON_ICONS]
    assert len(named) >= 15
    for button in named:
        shown = button.icon()
        if shown.isNull() and hasattr(button, "defaultAction") and button.defaultAction():
            shown = button.defaultAction().icon()
        assert not shown.isNull(), button.objectName()


def test_every_glyph_exists_in_the_installed_set(qapp: object) -> None:
    for meaning in icons.GLYPHS:
        assert not icons.icon(meaning).isNull(), meaning
    assert set(icons.BUTTON_ICONS.values()) <= set(icons.GLYPHS)


def test_application_icon_and_the_office_logo_slot(
        qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert icons.APP_ICON.exists() and not icons.app_icon().isNull()
    monkeypatch.setattr(icons, "LOGO_DIR", tmp_path)
    fallback = icons.office_logo(48)
    assert fallback.height() == 48
    logo = tmp_path / "office-logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100">'
                    '<rect width="300" height="100" fill="#c00"/></svg>', encoding="utf-8")
    own = icons.office_logo(48)
    assert (own.width(), own.height()) == (144, 48)  # the office's own, in proportion
