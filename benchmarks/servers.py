"""Which ASGI server ``pyjolt run`` should start: throughput and hostile-connection behaviour.

Serves the PyJolt benchmark app under uvicorn (its process manager), granian and
hypercorn, each with 2 workers and the timeouts it offers set to 10 s, then measures:

- ``GET /hello`` and ``GET /users/42`` throughput with wrk (1 thread, 64 connections);
- slowloris: a request line, then one header byte per second — seconds until the
  server closes the connection (capped at ``--cap`` seconds);
- silent: a connection that sends nothing — seconds until it is closed;
- a 32 MiB header: the status line answered (or "closed"), and after how long.

Run it with ``benchmarks/.venv/bin/python benchmarks/servers.py`` (needs wrk, granian and
hypercorn installed); it prints a Markdown table for docs/deployment.md.
"""

from __future__ import annotations

import argparse
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
TARGET = "apps.pyjolt_app:app"
TIMEOUT_S = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(server: str, port: int, workers: int) -> list[str]:
    python = sys.executable
    if server == "uvicorn":
        # uvicorn has no header-read timeout; --timeout-keep-alive is the closest option.
        return [
            python, "-m", "uvicorn", TARGET, "--port", str(port), "--workers", str(workers),
            "--loop", "uvloop", "--http", "httptools", "--no-access-log",
            "--log-level", "warning", "--timeout-keep-alive", str(TIMEOUT_S),
        ]  # fmt: skip
    if server == "uvicorn-h11":
        return [
            python, "-m", "uvicorn", TARGET, "--port", str(port), "--workers", str(workers),
            "--loop", "uvloop", "--http", "h11", "--no-access-log",
            "--log-level", "warning", "--timeout-keep-alive", str(TIMEOUT_S),
        ]  # fmt: skip
    if server == "granian":
        return [
            python, "-m", "granian", "--interface", "asgi", "--port", str(port),
            "--workers", str(workers), "--loop", "uvloop", "--no-access-log",
            "--log-level", "warning", "--http", "1",
            "--http1-header-read-timeout", str(TIMEOUT_S * 1000), TARGET,
        ]  # fmt: skip
    if server == "hypercorn":
        return [
            python, "-m", "hypercorn", TARGET, "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--worker-class", "uvloop",
            "--read-timeout", str(TIMEOUT_S), "--keep-alive", str(TIMEOUT_S),
        ]  # fmt: skip
    raise ValueError(server)


def start(server: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        server_command(server, port, workers),
        cwd=HERE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/hello", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"{server} did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wrk(url: str, seconds: int) -> float:
    out = subprocess.run(
        ["wrk", "-t1", "-c64", f"-d{seconds}s", url], capture_output=True, text=True
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(match.group(1)) if match else float("nan")


def closed_after(sock: socket.socket, started: float, cap: float, drip: bytes = b"") -> str:
    """Seconds until the peer closes ``sock``; ``drip`` is sent one byte per second."""
    sock.settimeout(1.0)
    index = 0
    while time.monotonic() - started < cap:
        if drip:
            try:
                sock.send(drip[index % len(drip) : index % len(drip) + 1])
            except OSError:
                return f"{time.monotonic() - started:.1f} s"
            index += 1
        try:
            data = sock.recv(65536)
        except TimeoutError:
            continue
        except OSError:
            return f"{time.monotonic() - started:.1f} s"
        if not data:
            return f"{time.monotonic() - started:.1f} s"
        status = data.split(b"\r\n", 1)[0].decode("latin-1")
        return f"{time.monotonic() - started:.1f} s ({status})"
    return f"open after {cap:.0f} s"


def slowloris(port: int, cap: float) -> str:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        started = time.monotonic()
        sock.sendall(b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        return closed_after(sock, started, cap, drip=b"X-Padding: aaaaaaaa\r\n")


def silent(port: int, cap: float) -> str:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        return closed_after(sock, time.monotonic(), cap)


def huge_header(port: int) -> str:
    value = b"a" * (32 * 1024 * 1024)
    with socket.create_connection(("127.0.0.1", port)) as sock:
        started = time.monotonic()
        try:
            sock.sendall(b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + value + b"\r\n\r\n")
        except OSError:
            return f"closed while sending ({time.monotonic() - started:.1f} s)"
        return "answered " + closed_after(sock, started, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--servers", default="uvicorn,uvicorn-h11,granian,hypercorn")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--cap", type=float, default=40.0)
    args = parser.parse_args()
    rows = []
    for server in args.servers.split(","):
        port = free_port()
        process = start(server, port, args.workers)
        try:
            base = f"http://127.0.0.1:{port}"
            hello = wrk(base + "/hello", args.seconds)
            user = wrk(base + "/users/42", args.seconds)
            rows.append(
                f"| {server} | {hello:,.0f} | {user:,.0f} | {slowloris(port, args.cap)} | "
                f"{silent(port, args.cap)} | {huge_header(port)} |"
            )
            print(rows[-1], flush=True)
        finally:
            stop(process)
    print()
    print(
        f"| server ({args.workers} workers) | hello req/s | /users/42 req/s | slowloris closed "
        "after | silent closed after | 32 MiB header |"
    )
    print("|---|---:|---:|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
