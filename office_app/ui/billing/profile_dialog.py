"""How one of the customer's points is billed: its tariff group (as its meter implies, or set
by hand), whether it is on the sewage network (water), and for a building's common meter
whether its consumption goes to the representative or is split among the flats (003 II)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QWidget

from office_app.errors import N_
from office_app.i18n import _
from office_app.services.billing import points
from office_app.services.billing.elements import GROUP_LABELS, groups_for
from office_app.services.metering import PointRecord
from office_app.ui.context import AppContext
from office_app.ui.forms import BaseDialog

COMMON_LABELS = {"split": N_("Split equally among the flats, a line on each flat's invoice"),
                 "representative": N_("Billed to the representative (the holder of the point)")}


class BillingProfileDialog(BaseDialog):
    def __init__(self, context: AppContext, point: PointRecord, profile: points.BillingProfile,
                 utility: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Billing of point {number}", number=point.number), context.runner,
                         parent)
        self.context, self.point = context, point
        info = QLabel(_("As its meter implies: {group}",
                        group=_(GROUP_LABELS.get(profile.derived_group, profile.derived_group))))
        info.setWordWrap(True)
        self.form.addRow(info)
        group = QComboBox()
        group.addItem(_("As the meter implies"), None)
        for code in groups_for(utility):
            group.addItem(_(GROUP_LABELS[code]), code)
        group.setCurrentIndex(max(group.findData(profile.tariff_group), 0))
        self.add_row("tariff_group", _("Tariff group"), group)
        sewage = QCheckBox(_("On the sewage network (water)"))
        sewage.setChecked(profile.sewage)
        self.add_row("sewage", "", sewage)
        common = QComboBox()
        for code, label in COMMON_LABELS.items():
            common.addItem(_(label), code)
        common.setCurrentIndex(max(common.findData(profile.common_billing), 0))
        common.setEnabled(point.kind == "common")
        self.add_row("common_billing", _("Common consumption"), common)

    def save(self) -> Callable[[], Any]:
        ctx, point_id = self.context, self.point.id
        group = self.field("tariff_group").currentData()
        sewage = self.field("sewage").isChecked()
        common = self.field("common_billing").currentData()
        return lambda: points.set_profile(ctx.db, ctx.operator, point_id, group, sewage, common)
