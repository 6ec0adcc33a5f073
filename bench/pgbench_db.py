"""What every benchmark shares: a scratch PostgreSQL database and percentiles."""
from __future__ import annotations

from sqlalchemy import create_engine, text


def create_database(server: str, name: str, template: str | None = None) -> str:
    """A fresh database ``name`` on ``server`` (dropped first if left over), a copy of
    ``template`` if given; returns its URL."""
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'
                          + (f' TEMPLATE "{template}"' if template else "")))
    admin.dispose()
    return f"{server}/{name}"


def drop_database(server: str, name: str) -> None:
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def drop_roles_of(server: str, name: str) -> None:
    """The roles ``upgrade`` made for the database ``name`` (global to the server)."""
    from office_app.privileges import drop_roles, names_for

    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        drop_roles(conn, names_for(name))
    engine.dispose()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
