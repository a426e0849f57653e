"""``pyjolt run`` serving a project on granian with two workers, probed with raw sockets.

A client that sends its headers at one byte a second, or nothing at all, must be cut off
within the header timeout (10 s by default); oversized heads are refused; other Host
values answer 400; SIGHUP restarts the workers and SIGTERM stops the server cleanly.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from pyjolt.serving.settings import DEFAULT_HEADER_TIMEOUT

from .test_uvicorn import copy_project, free_port, server_environment

PYJOLT = str(Path(sys.executable).parent / "pyjolt")
STARTUP_TIMEOUT = 40.0
#: Scheduling slack on a busy two-core machine, added to every timeout we wait for.
SLACK = 3.0


@dataclass
class RunningServer:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_pyjolt_run(project: Path, *options: str) -> RunningServer:
    port = free_port()
    log = project / "run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [PYJOLT, "run", "--port", str(port), *options],
            cwd=project,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=server_environment(),
            start_new_session=True,
        )
    server = RunningServer(process, port, log)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"pyjolt run exited with {process.returncode}:\n{server.output()}")
        try:
            if httpx.get(f"{server.base_url}/hello", timeout=1.0).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    stop_group(process)
    pytest.fail(f"pyjolt run did not answer within {STARTUP_TIMEOUT} s:\n{server.output()}")


def stop_group(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    project = copy_project("production", tmp_path_factory.mktemp("production"))
    running = start_pyjolt_run(project, "--workers", "2")
    try:
        yield running
    finally:
        stop_group(running.process)


def seconds_until_closed(port: int, drip: bytes, cap: float) -> float | None:
    """Connect, send ``drip`` one byte per second; seconds until the server closes."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(1.0)
        started = time.monotonic()
        index = 0
        while time.monotonic() - started < cap:
            if index < len(drip):
                try:
                    sock.send(drip[index : index + 1])
                except OSError:
                    return time.monotonic() - started
                index += 1
            try:
                data = sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return time.monotonic() - started
            if not data or data.startswith(b"HTTP/1.1 408"):
                return time.monotonic() - started
            raise AssertionError(f"the server answered an unfinished request: {data[:80]!r}")
    return None


def seconds_idle_until_closed(port: int, cap: float) -> float | None:
    """One whole request on a keep-alive connection, then silence: seconds until closed."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        sock.settimeout(cap)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        try:
            while sock.recv(4096):
                pass
        except TimeoutError:
            return None
        return time.monotonic() - started


def test_the_default_header_timeout_is_at_most_ten_seconds() -> None:
    assert DEFAULT_HEADER_TIMEOUT <= 10


def test_slowloris_silent_and_idle_connections_are_closed_within_the_header_timeout(
    server: RunningServer,
) -> None:
    cap = DEFAULT_HEADER_TIMEOUT + SLACK
    slow = b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Slow: " + b"a" * 60
    results: dict[str, float | None] = {}

    def probe(name: str, drip: bytes) -> None:
        results[name] = seconds_until_closed(server.port, drip, cap)

    def idle() -> None:
        results["idle keep-alive"] = seconds_idle_until_closed(server.port, cap)

    threads = [
        threading.Thread(target=probe, args=("slowloris", slow)),
        threading.Thread(target=probe, args=("silent", b"")),
        threading.Thread(target=idle),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results["silent"] is not None, "a silent connection stayed open"
    assert results["slowloris"] is not None, "a slowloris connection stayed open"
    assert results["idle keep-alive"] is not None, "an idle keep-alive connection stayed open"
    assert results["silent"] >= DEFAULT_HEADER_TIMEOUT - 1
    # Still serving for everyone else.
    assert httpx.get(f"{server.base_url}/hello").status_code == 200


def send_raw(port: int, head: bytes) -> bytes:
    """Send a request head; what the server answered before closing (b"" if nothing)."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(15)
        try:
            sock.sendall(head)
        except OSError:
            return b""
        try:
            return sock.recv(4096)
        except OSError:
            return b""


def test_a_32_mib_header_is_refused(server: RunningServer) -> None:
    huge = b"a" * (32 * 1024 * 1024)
    answer = send_raw(server.port, b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + huge)
    assert not answer.startswith(b"HTTP/1.1 200"), answer[:80]


def test_more_than_a_hundred_headers_are_refused(server: RunningServer) -> None:
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(150))
    answer = send_raw(server.port, b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n" + many + b"\r\n")
    assert not answer.startswith(b"HTTP/1.1 200"), answer[:80]


def test_an_ordinary_request_with_many_headers_is_served(server: RunningServer) -> None:
    some = b"".join(b"X-H%d: v\r\n" % i for i in range(40))
    answer = send_raw(server.port, b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n" + some + b"\r\n")
    assert answer.startswith(b"HTTP/1.1 200"), answer[:80]


def test_other_hosts_get_400_and_never_reach_the_cache(server: RunningServer) -> None:
    refused = httpx.get(f"{server.base_url}/cached", headers={"host": "evil.example"})
    assert refused.status_code == 400
    for _ in range(4):  # both workers, whichever answers
        body = httpx.get(f"{server.base_url}/cached").json()
        assert body == {"url": f"http://127.0.0.1:{server.port}/cached"}


def test_proxy_headers_are_read_from_trusted_proxies(server: RunningServer) -> None:
    answer = httpx.get(
        f"{server.base_url}/forwarded",
        headers={"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.7"},
    ).json()
    assert answer["scheme"] == "https"
    assert answer["client"][0] == "203.0.113.7"


def test_two_workers_serve_and_the_memory_cache_is_warned_about(server: RunningServer) -> None:
    pids = {httpx.get(f"{server.base_url}/hello").json()["pid"] for _ in range(40)}
    assert len(pids) >= 1
    assert "each worker process has its own cache" in server.output()


def test_sighup_restarts_workers_and_sigterm_stops_cleanly(tmp_path: Path) -> None:
    project = copy_project("production", tmp_path)
    running = start_pyjolt_run(project, "--workers", "1", "--graceful-timeout", "5")
    try:
        before = httpx.get(f"{running.base_url}/hello").json()["pid"]
        running.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        after = before
        while time.monotonic() < deadline and after == before:
            time.sleep(0.5)
            try:
                after = httpx.get(f"{running.base_url}/hello", timeout=2).json()["pid"]
            except httpx.TransportError:
                continue
        assert after != before, running.output()
    finally:
        code = stop_group(running.process)
    assert code == 0, running.output()
