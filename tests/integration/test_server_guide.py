"""docs/server.md works as written: a throw-away PostgreSQL cluster with scram-sha-256 is set up
by following the guide block by block, then desks log in with real password authentication —
wrong passwords refused, eight parallel guessers locked out after five checks, a disabled user
refused, and the backup restored.

The machine's own server trusts local connections, so this is where passwords are really
checked. Skipped only when PostgreSQL's binaries are missing (and failed then under CI).
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from office_app.db import Database, desk_url
from office_app.errors import AuthenticationError, DomainError
from office_app.services import users
from office_app.services.permissions import Role

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "server.md"
ADMIN_PASSWORD = "Admin-Pass-1"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
SUBSTITUTIONS = {"192.168.1.0/24": "127.0.0.1/32", "listen_addresses = '*'":
                 "listen_addresses = '127.0.0.1'"}
#: The guide's blocks that this test cannot run, and why (anything else must be run).
NOT_RUN = ("apt-get install postgresql", "/etc/cron.d/office-backup", "pip install --upgrade")


def _binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    bin: Path
    data: Path
    socket_dir: Path
    backups: Path
    port: int
    as_postgres: list[str]

    def env(self) -> dict[str, str]:
        path = f"{self.bin}:{Path(sys.executable).parent}:{os.environ['PATH']}"
        return {**os.environ, "PATH": path, "PGHOST": str(self.socket_dir),
                "PGPORT": str(self.port), "PGDATA": str(self.data), "PGUSER": "postgres",
                "OFFICE_SETTINGS": str(self.data.parent / "settings.json")}

    def run(self, command: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
        done = subprocess.run(self.as_postgres + command, input=stdin, text=True,
                              capture_output=True, env=self.env(), timeout=120)
        assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
        return done

    def pg_ctl(self, action: str) -> None:
        self.run([str(self.bin / "pg_ctl"), action, "-w", "-l", str(self.data / "log.txt")])

    def url(self, query: str = "") -> str:
        return f"postgresql://127.0.0.1:{self.port}/office{query}"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    binaries = _binaries()
    if binaries is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's binaries are required in CI (/usr/lib/postgresql/*/bin)")
        pytest.skip("PostgreSQL's binaries are not installed")
    # not under pytest's tmp dir: that one is private to root, and the server runs as postgres
    root = Path(tempfile.mkdtemp(prefix="office-cluster-"))
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(root, "postgres")
        root.chmod(0o700)
    made = Cluster(binaries, root / "data", root / "socket", root / "backups", _free_port(),
                   as_postgres)
    made.run(["mkdir", str(made.socket_dir)])
    made.run([str(binaries / "initdb"), "-U", "postgres", "--auth-local=peer",
              "--auth-host=reject", "-D", str(made.data)])
    _configure(made, "postgresql.conf", f"port = {made.port}\n"
               f"unix_socket_directories = '{made.socket_dir}'\n")
    made.pg_ctl("start")
    try:
        yield made
    finally:
        subprocess.run(made.as_postgres + [str(binaries / "pg_ctl"), "stop", "-m", "immediate",
                                           "-D", str(made.data)], env=made.env(),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def _configure(cluster: Cluster, name: str, content: str, replace: bool = False) -> None:
    lines = content if replace else (cluster.data / name).read_text() + "\n" + content
    cluster.run(["tee", str(cluster.data / name)], stdin=lines)


def _substitute(block: str, cluster: Cluster) -> str:
    for old, new in SUBSTITUTIONS.items():
        block = block.replace(old, new)
    return block.replace("/var/backups/office", str(cluster.backups))


def follow_the_guide(cluster: Cluster) -> list[str]:
    """Run every block of docs/server.md in order; returns the text blocks not run."""
    skipped = []
    for kind, body in BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        body = _substitute(body, cluster)
        if kind == "sh":
            if body.startswith("psql -d postgres -f"):  # the disaster: the database is lost
                cluster.run(["dropdb", "--force", "office"])
            cluster.run(["bash", "-euo", "pipefail", "-c", body], stdin=ADMIN_PASSWORD + "\n")
        elif kind == "ini":
            name = body.splitlines()[0].lstrip("# ").strip()
            assert name in ("postgresql.conf", "pg_hba.conf"), body
            _configure(cluster, name, body, replace=name == "pg_hba.conf")
        elif "systemctl restart postgresql" in body:
            cluster.pg_ctl("restart")
        else:
            assert any(reason in body for reason in NOT_RUN), f"a block is not run: {body}"
            skipped.append(body)
    return skipped


def _direct(cluster: Cluster, login: str, password: str) -> str:
    """Connect as a person's login role without the program: '' or the server's refusal."""
    try:
        psycopg2.connect(host="127.0.0.1", port=cluster.port, dbname="office",
                         user=f"office_u_{login}", password=password, sslmode="require").close()
    except psycopg2.OperationalError as exc:
        return str(exc)
    return ""


def _answer(desk: Database, login: str, password: str) -> str:
    try:
        session = users.log_in(desk, login, password)
    except DomainError as exc:
        return exc.msg_id
    session.db.dispose()
    return "in"


def _cost(desk: Database, login: str) -> float:
    """Median time of three failed log-ins (a success after them resets the count)."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        assert _answer(desk, login, "wrong") == "Wrong login or password."
        times.append(time.perf_counter() - start)
    if login == "guess":
        assert _answer(desk, login, "Right-Pass-1") == "in"
    return statistics.median(times)


def test_the_server_guide_works_as_written(cluster: Cluster,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    skipped = follow_the_guide(cluster)
    assert len(skipped) == 3  # the package install, cron, pip on the desks
    desk = Database(desk_url(cluster.url("?sslmode=require")))
    try:
        # the administrator from the guide, restored from the backup, logs in over TLS
        admin = users.log_in(desk, "ana", ADMIN_PASSWORD)
        assert admin.operator.role is Role.ADMIN
        users.add_user(admin.db, admin.operator, "guess", Role.CASHIER, "Right-Pass-1")
        users.add_user(admin.db, admin.operator, "gone", Role.CLERK, "Gone-Pass-1")

        # real password authentication: wrong refused, in the program and directly
        assert _answer(desk, "guess", "Right-Pass-1") == "in"
        assert _answer(desk, "guess", "wrong") == "Wrong login or password."
        assert "password authentication failed" in _direct(cluster, "guess", "wrong")
        assert _direct(cluster, "guess", "Right-Pass-1") == ""
        assert _answer(desk, "nobody", "wrong") == "Wrong login or password."
        known, unknown = _cost(desk, "guess"), _cost(desk, "nobody")
        assert 0.5 < unknown / known < 2, (known, unknown)

        # eight parallel guessers: at most five password checks, then the account is locked
        users.log_in(desk, "guess", "Right-Pass-1").db.dispose()  # a fresh count
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda n: _answer(desk, "guess", f"guess-{n}"), range(8)))
        checked = [a for a in answers if not a.startswith("This account is locked")]
        assert len(checked) <= 5 and "in" not in answers, answers
        with capsys.disabled():
            print(f"\n8 parallel guessers: {len(checked)} password checks, "
                  f"{8 - len(checked)} refused as locked; a failed log-in costs "
                  f"{known * 1000:.0f} ms for a known login, {unknown * 1000:.0f} ms unknown")
        assert _answer(desk, "guess", "Right-Pass-1").startswith("This account is locked")
        assert "not permitted to log in" in _direct(cluster, "guess", "Right-Pass-1")
        users.reset_password(admin.db, admin.operator, "guess", "New-Pass-12")
        assert _direct(cluster, "guess", "New-Pass-12") == ""

        # a disabled user is refused by the server itself
        users.set_active(admin.db, admin.operator, "gone", False)
        assert "not permitted to log in" in _direct(cluster, "gone", "Gone-Pass-1")
        with pytest.raises(AuthenticationError):
            users.log_in(desk, "gone", "Gone-Pass-1")
        admin.db.dispose()
    finally:
        desk.dispose()
    assert time.monotonic() - started < 90
