"""What every tab is given: the database, the logged-in operator and the operation runner."""
from __future__ import annotations

from dataclasses import dataclass

from office_app.db import Database
from office_app.services.permissions import Operator
from office_app.services.users import UserInfo
from office_app.ui.operations import OperationRunner


@dataclass
class AppContext:
    db: Database
    operator: Operator
    user: UserInfo
    runner: OperationRunner
