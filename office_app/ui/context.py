"""What every tab is given: the database, the logged-in operator, the operation runner and
the desk's printer."""
from __future__ import annotations

from dataclasses import dataclass, field

from office_app.db import Database
from office_app.services.permissions import Operator
from office_app.services.users import UserInfo
from office_app.ui.desk_printing import DeskPrinter
from office_app.ui.operations import OperationRunner


@dataclass
class AppContext:
    db: Database
    operator: Operator
    user: UserInfo
    runner: OperationRunner
    #: Where Print sends a document (tests give a recorded printer writing a PDF file).
    desk_printer: DeskPrinter = field(default_factory=DeskPrinter)
