"""SQLAlchemy models, one module per register. Importing this package registers them all."""
from office_app.models.base import Base
from office_app.models.billing import (
    BilledInterval,
    BillingHold,
    BillingRun,
    CorrectionNote,
    InterestRate,
    Invoice,
    InvoiceLine,
    InvoicePrint,
    OtherCharge,
    PointBillingProfile,
    Tariff,
    VatRate,
)
from office_app.models.calendar import OfficeClosedDay
from office_app.models.cashdesk import (
    CashReceipt,
    CashReceiptLine,
    CashReceiptPrint,
    CashSession,
)
from office_app.models.collection import (
    DebtWarning,
    DisconnectionOrder,
    DisconnectionRecord,
    DunningRun,
    WarningItem,
)
from office_app.models.customers import Customer, CustomerStatusChange
from office_app.models.ledger import InterestCharge, LedgerEntry
from office_app.models.legal import (
    CaseAttachment,
    CaseEvent,
    Complaint,
    ComplaintInvoice,
    LegalCase,
)
from office_app.models.metering import Meter, MeteringPoint, MeterInstallation, PointHolding
from office_app.models.network import MeterReader, Zone
from office_app.models.numbering import Counter
from office_app.models.office import Office
from office_app.models.plans import InstallmentPlan, PlanCoveredItem, PlanInstallment
from office_app.models.readings import (
    BillingPeriod,
    FieldRecord,
    MeterPhoto,
    MeterReplacement,
    Reading,
    ReadingSettings,
)
from office_app.models.seals import PostingSeal
from office_app.models.statements import Statement, StatementLine, StatementPosting
from office_app.models.users import AuditEntry, User

__all__ = [
    "AuditEntry", "Base", "Counter", "Customer", "CustomerStatusChange", "Meter",
    "MeterInstallation", "MeterReader", "MeteringPoint", "Office", "OfficeClosedDay",
    "PointHolding", "User", "Zone",
    "BillingPeriod", "FieldRecord", "MeterPhoto", "MeterReplacement", "Reading",
    "ReadingSettings",
    "BilledInterval", "BillingHold", "BillingRun", "CorrectionNote", "InterestCharge",
    "InterestRate", "Invoice",
    "InvoiceLine", "InvoicePrint", "LedgerEntry", "OtherCharge", "PointBillingProfile", "Tariff",
    "VatRate",
    "PostingSeal",
    "CaseAttachment", "CaseEvent", "Complaint", "ComplaintInvoice", "LegalCase",
    "DebtWarning", "DisconnectionOrder", "DisconnectionRecord", "DunningRun", "WarningItem",
    "InstallmentPlan", "PlanCoveredItem", "PlanInstallment",
    "Statement", "StatementLine", "StatementPosting",
    "CashReceipt", "CashReceiptLine", "CashReceiptPrint", "CashSession",
]
