"""Throughput, latency, memory and CLI timings of PyJolt next to its peers.

Each app runs under the same uvicorn flags (1 worker, uvloop, httptools, no access log)
on 127.0.0.1; wrk drives it for a fixed time and connection count; apps are interleaved
over several rounds and medians reported. Every app's answers are checked before timing.

Two more tables use 2 worker processes: ``pyjolt run --workers 2`` (granian) against
Starlette and FastAPI under ``uvicorn --workers 2``, and a database pair (list and
get-by-id of a generated resource on PostgreSQL through SqlDatabase) against FastAPI
with the same SQLAlchemy model. Run it with ``make bench`` (or ``python
benchmarks/run.py --help``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
APPS = {
    "raw ASGI": "apps.raw_asgi:app",
    "PyJolt": "apps.pyjolt_app:app",
    "Starlette": "apps.starlette_app:app",
    "FastAPI": "apps.fastapi_app:app",
    "Litestar": "apps.litestar_app:app",
}
VALID_USER = {"name": "Ada", "email": "ada@example.com", "age": 36}
INVALID_USER = {"name": "", "email": "not-an-email", "age": -1}
POST_SCRIPT = f"""wrk.method = "POST"
wrk.body = '{json.dumps(VALID_USER)}'
wrk.headers["Content-Type"] = "application/json"
"""
ENDPOINTS = {
    "hello": ("/hello", None),
    "path-param": ("/users/42", None),
    "validated POST": ("/users", "post.lua"),
}
#: name -> (server, target): PyJolt as ``pyjolt run`` serves it, peers under uvicorn.
MULTI_WORKER_APPS = {
    "PyJolt": ("pyjolt run", "apps.pyjolt_app:app"),
    "Starlette": ("uvicorn", "apps.starlette_app:app"),
    "FastAPI": ("uvicorn", "apps.fastapi_app:app"),
}
DB_APPS = {
    "PyJolt": ("pyjolt run", "apps.pyjolt_db_app:app"),
    "FastAPI": ("uvicorn", "apps.fastapi_db_app:app"),
}
DB_ENDPOINTS = {
    "list (page 2 of 20)": ("/api/v1/products/?page=2&per_page=20", None),
    "get by id": ("/api/v1/products/42", None),
}
DB_ROWS = 1000
DB_TABLE = "bench_products"
WORKERS = 2
#: Apps with a WebSocket echo at /ws/echo, timed in messages per second.
WEBSOCKET_APPS = ("raw ASGI", "PyJolt", "Starlette")
WEBSOCKET_ENDPOINT = "WebSocket echo"


@dataclass
class Sample:
    rps: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(server: str, target: str, port: int, workers: int) -> list[str]:
    if server == "pyjolt run":
        return [
            str(Path(sys.executable).parent / "pyjolt"),
            "run",
            "--app",
            target,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
        ]
    return [
        sys.executable,
        "-m",
        "uvicorn",
        target,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
    ]


def start_server(
    target: str,
    port: int,
    server: str = "uvicorn",
    workers: int = 1,
    ready_path: str = "/hello",
) -> subprocess.Popen[bytes]:
    command = server_command(server, target, port, workers)
    process = subprocess.Popen(
        command,
        cwd=HERE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{target} exited: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            httpx.get(f"http://127.0.0.1:{port}{ready_path}", timeout=1)
            # Every worker must be up before timing: ask a few more times.
            time.sleep(1.0 if workers > 1 else 0)
            return process
        except httpx.HTTPError:
            time.sleep(0.1)
    stop_server(process)
    raise RuntimeError(f"{target} did not start within 30 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def check_answers(name: str, base: str) -> None:
    """Every app must give the same answers before it is timed."""
    with httpx.Client(base_url=base, timeout=5) as client:
        hello = client.get("/hello")
        assert hello.status_code == 200 and hello.json() == {"message": "hello"}, (name, hello.text)
        user = client.get("/users/42")
        assert user.status_code == 200 and user.json() == {"id": 42, "name": "user"}, (
            name,
            user.text,
        )
        created = client.post("/users", json=VALID_USER)
        assert created.status_code == 201 and created.json() == VALID_USER, (name, created.text)
        invalid = client.post("/users", json=INVALID_USER)
        assert invalid.status_code in (400, 422), (name, invalid.status_code)


def rss_after_requests(pid: int, base: str, count: int) -> float:
    """Resident memory (MiB) of the server after ``count`` sequential requests."""
    with httpx.Client(base_url=base, timeout=5) as client:
        for index in range(count):
            client.get(f"/users/{index}")
    time.sleep(0.5)
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else float("nan")


def run_wrk(
    url: str, script: str | None, seconds: int, connections: int, threads: int = 1
) -> tuple[float, float]:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", str(HERE / script)]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99_match = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p99 = float(p99_match.group(1)) * unit[p99_match.group(2)] if p99_match else float("nan")
    if "Non-2xx" in output:
        raise RuntimeError(f"wrk saw error answers from {url}:\n{output}")
    return rps, p99


async def _websocket_echo(url: str, seconds: float, connections: int) -> float:
    """Messages per second echoed over ``connections`` sockets, each one message in flight."""
    from websockets.asyncio.client import connect

    loop = asyncio.get_running_loop()
    counts = [0] * connections

    async def one(index: int, deadline: float) -> None:
        # No permessage-deflate: time the framework, not zlib.
        async with connect(url, compression=None, max_queue=None) as ws:
            while loop.time() < deadline:
                await ws.send("hello")
                assert await ws.recv() == "hello"
                counts[index] += 1

    async with connect(url, compression=None) as probe:  # check the answer first
        await probe.send("check")
        assert await probe.recv() == "check", url
    deadline = loop.time() + seconds
    await asyncio.gather(*(one(i, deadline) for i in range(connections)))
    return sum(counts) / seconds


def websocket_echo_rate(base: str, seconds: float, connections: int) -> float:
    url = base.replace("http://", "ws://") + "/ws/echo"
    return asyncio.run(_websocket_echo(url, seconds, connections))


def websocket_inprocess_us(target: str) -> float:
    """Microseconds per echoed message inside the app (ws_inprocess.py, its own process)."""
    done = subprocess.run(
        [sys.executable, str(HERE / "ws_inprocess.py"), target],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return float(done.stdout.strip())


def time_each(runs: int, command_for: Callable[[int], list[str]], cwd: Path | None = None) -> float:
    """Median wall time (ms) of ``command_for(i)`` for i in range(runs); NaN if it fails."""
    times = []
    for index in range(runs):
        command = command_for(index)
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, capture_output=True, timeout=120)
        times.append((time.perf_counter() - start) * 1000)
        if done.returncode != 0:
            print(f"skipped {' '.join(command)}: exit {done.returncode}", file=sys.stderr)
            return float("nan")
    return statistics.median(times)


def cli_timings(runs: int) -> dict[str, float]:
    bin_dir = Path(sys.executable).parent
    results = {"python -c pass": time_each(runs, lambda i: [sys.executable, "-c", "pass"])}
    for tool in ("pyjolt", "fastapi", "litestar"):
        exe = bin_dir / tool
        if exe.exists():
            results[f"{tool} --help"] = time_each(runs, lambda i, exe=exe: [str(exe), "--help"])
    pyjolt = bin_dir / "pyjolt"
    if pyjolt.exists():
        with tempfile.TemporaryDirectory(prefix="pyjolt-bench-") as scratch:
            work = Path(scratch)
            subprocess.run(
                [str(pyjolt), "new-project", "bench", "--defaults"],
                cwd=work,
                check=True,
                capture_output=True,
                timeout=120,
            )
            # Each run makes something new, as a user would: a new project folder, a new
            # controller name.
            results["pyjolt new-project --defaults"] = time_each(
                runs, lambda i: [str(pyjolt), "new-project", f"p{i}x", "--defaults"], work
            )
            results["pyjolt generate controller"] = time_each(
                runs, lambda i: [str(pyjolt), "generate", "controller", f"c{i}x"], work / "bench"
            )
    return results


def versions() -> dict[str, str]:
    found = {}
    for package in (
        "pyjolt",
        "starlette",
        "fastapi",
        "litestar",
        "uvicorn",
        "granian",
        "pydantic",
        "uvloop",
        "httptools",
    ):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores"
    return f"{system}, {cpu}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--cli-runs", type=int, default=10)
    parser.add_argument(
        "--ws-connections", type=int, default=16, help="sockets for the WebSocket echo row"
    )
    parser.add_argument("--apps", default=",".join(APPS), help="comma-separated subset")
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "PYJOLT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
        ),
        help="PostgreSQL for the database pair (empty: skip it)",
    )
    parser.add_argument("--no-multi", action="store_true", help="skip the 2-worker tables")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    (HERE / "post.lua").write_text(POST_SCRIPT)
    args.load_before = os.getloadavg()
    chosen = [name for name in APPS if name in args.apps.split(",")]
    samples = {(app, endpoint): Sample() for app in chosen for endpoint in ENDPOINTS}
    samples.update({(app, WEBSOCKET_ENDPOINT): Sample() for app in chosen})
    inprocess: dict[str, list[float]] = {app: [] for app in chosen if app in WEBSOCKET_APPS}
    rss: dict[str, list[float]] = {app: [] for app in chosen}
    for round_number in range(1, args.rounds + 1):
        order = chosen if round_number % 2 else list(reversed(chosen))
        for name in order:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server = start_server(APPS[name], port)
            try:
                check_answers(name, base)
                rss[name].append(rss_after_requests(server.pid, base, 1000))
                for endpoint, (url_path, script) in ENDPOINTS.items():
                    rps, p99 = run_wrk(base + url_path, script, args.seconds, args.connections)
                    samples[(name, endpoint)].rps.append(rps)
                    samples[(name, endpoint)].p99_ms.append(p99)
                    print(
                        f"round {round_number} {name:10} {endpoint:15} "
                        f"{rps:10.0f} req/s  p99 {p99:.2f} ms",
                        flush=True,
                    )
                if name in WEBSOCKET_APPS:
                    inprocess[name].append(websocket_inprocess_us(APPS[name]))
                    rate = websocket_echo_rate(base, args.seconds, args.ws_connections)
                    samples[(name, WEBSOCKET_ENDPOINT)].rps.append(rate)
                    print(
                        f"round {round_number} {name:10} {WEBSOCKET_ENDPOINT:15} "
                        f"{rate:10.0f} msg/s  in-process {inprocess[name][-1]:.2f} us/msg",
                        flush=True,
                    )
            finally:
                stop_server(server)
    multi = {} if args.no_multi else run_pairs(MULTI_WORKER_APPS, ENDPOINTS, args, "/hello")
    database = {}
    if args.database_url and not args.no_multi:
        with ProductsTable(args.database_url):
            database = run_pairs(DB_APPS, DB_ENDPOINTS, args, "/api/v1/products/1", check_db)
    raw = {
        "samples": {f"{a}|{e}": vars(v) for (a, e), v in samples.items()},
        "rss": rss,
        "multi": {f"{a}|{e}": vars(v) for (a, e), v in multi.items()},
        "database": {f"{a}|{e}": vars(v) for (a, e), v in database.items()},
    }
    (HERE / "raw-results.json").write_text(json.dumps(raw, indent=1))
    timings = cli_timings(args.cli_runs) if args.cli_runs else {}
    args.load_after = os.getloadavg()
    report = render_report(chosen, samples, rss, timings, args, inprocess)
    report += render_pairs(
        f"## {WORKERS} worker processes: `pyjolt run --workers {WORKERS}` vs "
        f"`uvicorn --workers {WORKERS}`",
        MULTI_WORKER_APPS,
        ENDPOINTS,
        multi,
        ("Starlette", "FastAPI"),
    )
    report += render_pairs(
        f"## Database: a generated resource on PostgreSQL, {WORKERS} workers each ({DB_ROWS} rows)",
        DB_APPS,
        DB_ENDPOINTS,
        database,
        ("FastAPI",),
    )
    Path(args.output).write_text(report)
    print(report)


def run_pairs(
    apps: dict[str, tuple[str, str]],
    endpoints: dict[str, tuple[str, str | None]],
    args: argparse.Namespace,
    ready_path: str,
    check: Callable[[str, str], None] | None = None,
) -> dict[tuple[str, str], Sample]:
    """Each app with WORKERS processes, interleaved over the rounds; wrk with 2 threads."""
    samples = {(app, endpoint): Sample() for app in apps for endpoint in endpoints}
    env_target = {"BENCH_DATABASE_URL": args.database_url, "BENCH_TABLE": DB_TABLE}
    os.environ.update(env_target)
    for round_number in range(1, args.rounds + 1):
        order = list(apps) if round_number % 2 else list(reversed(apps))
        for name in order:
            server, target = apps[name]
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            process = start_server(target, port, server, WORKERS, ready_path)
            try:
                (check or check_answers)(name, base)
                for endpoint, (url_path, script) in endpoints.items():
                    rps, p99 = run_wrk(
                        base + url_path, script, args.seconds, args.connections, threads=2
                    )
                    samples[(name, endpoint)].rps.append(rps)
                    samples[(name, endpoint)].p99_ms.append(p99)
                    print(
                        f"round {round_number} {name:10} x{WORKERS} {endpoint:20} "
                        f"{rps:10.0f} req/s  p99 {p99:.2f} ms",
                        flush=True,
                    )
            finally:
                stop_server(process)
    return samples


def check_db(name: str, base: str) -> None:
    """Both database apps answer the same rows."""
    with httpx.Client(base_url=base, timeout=5) as client:
        one = client.get("/api/v1/products/42")
        assert one.status_code == 200, (name, one.text)
        assert one.json() == {"id": 42, "name": "product 42", "price": 42.5}, (name, one.text)
        page = client.get("/api/v1/products/?page=2&per_page=20")
        assert page.status_code == 200, (name, page.text)
        assert [item["id"] for item in page.json()["items"]] == list(range(21, 41)), name
        assert page.json()["total"] == DB_ROWS, (name, page.text)
        assert client.get("/api/v1/products/999999").status_code == 404, name


class ProductsTable:
    """The benchmark's products table with DB_ROWS rows, dropped afterwards."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> None:
        import asyncio

        asyncio.run(self._run(create=True))

    def __exit__(self, *exc: object) -> None:
        import asyncio

        asyncio.run(self._run(create=False))

    async def _run(self, create: bool) -> None:
        from sqlalchemy import insert
        from sqlalchemy.ext.asyncio import create_async_engine

        os.environ["BENCH_TABLE"] = DB_TABLE
        from apps.db_models import Base, Product

        engine = create_async_engine(self.url)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(Base.metadata.drop_all)
                if create:
                    await connection.run_sync(Base.metadata.create_all)
                    rows = [
                        {"id": i, "name": f"product {i}", "price": i + 0.5}
                        for i in range(1, DB_ROWS + 1)
                    ]
                    await connection.execute(insert(Product), rows)
        finally:
            await engine.dispose()


def render_pairs(
    title: str,
    apps: dict[str, tuple[str, str]],
    endpoints: dict[str, tuple[str, str | None]],
    samples: dict[tuple[str, str], Sample],
    peers: tuple[str, ...],
) -> str:
    if not samples:
        return ""
    median = statistics.median
    head = "| app | server | endpoint | req/s | p99 ms | " + " | ".join(
        f"vs {peer}" for peer in peers
    )
    lines = ["", title, "", head + " |", "|---|---|---|---:|---:|" + "---:|" * len(peers)]
    for endpoint in endpoints:
        for name, (server, _) in apps.items():
            sample = samples[(name, endpoint)]
            rps = median(sample.rps)
            ratios = [f"{rps / median(samples[(peer, endpoint)].rps):.2f}x" for peer in peers]
            lines.append(
                f"| {name} | {server} | {endpoint} | {rps:,.0f} | {median(sample.p99_ms):.2f} | "
                + " | ".join(ratios)
                + " |"
            )
    return "\n".join(lines) + "\n"


def render_report(chosen, samples, rss, timings, args, inprocess=None) -> str:
    median = statistics.median
    lines = [
        "# Benchmark results",
        "",
        f"- date: {date.today().isoformat()}",
        f"- machine: {machine()}",
        f"- load: wrk, 1 thread, {args.connections} connections, {args.seconds} s per endpoint, "
        f"{args.rounds} interleaved rounds (medians)",
        "- servers: uvicorn, 1 worker, uvloop, httptools, no access log, 127.0.0.1",
        "- load average (1 min) at start and end: "
        f"{args.load_before[0]:.1f} / {args.load_after[0]:.1f} on {os.cpu_count()} cores "
        "(other processes on the machine share the cores: compare ratios, not req/s)",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()),
        "",
        "| app | endpoint | req/s | p99 ms | vs raw ASGI | vs FastAPI | vs Starlette |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for endpoint in ENDPOINTS:
        for name in chosen:
            sample = samples[(name, endpoint)]
            rps = median(sample.rps)

            ratios = [
                f"{rps / median(samples[(other, endpoint)].rps):.2f}x" if other in chosen else "-"
                for other in ("raw ASGI", "FastAPI", "Starlette")
            ]
            lines.append(
                f"| {name} | {endpoint} | {rps:,.0f} | {median(sample.p99_ms):.2f} | "
                + " | ".join(ratios)
                + " |"
            )
    socket_apps = [name for name in chosen if samples[(name, WEBSOCKET_ENDPOINT)].rps]
    if socket_apps:
        lines += [
            "",
            f"## WebSocket echo ({args.ws_connections} sockets, one message in flight each, "
            "websockets client without compression)",
            "",
            "messages/s is over the network with a Python client on the same cores (it is",
            "mostly the client's speed); us/message is the app's own time per echoed message",
            "with an in-memory ASGI channel (ws_inprocess.py), the framework cost.",
            "",
            "| app | messages/s | us/message in-process | vs raw ASGI | vs Starlette |",
            "|---|---:|---:|---:|---:|",
        ]
        rates = {name: median(samples[(name, WEBSOCKET_ENDPOINT)].rps) for name in socket_apps}
        costs = {name: median(values) for name, values in (inprocess or {}).items() if values}
        for name in socket_apps:
            cost = costs.get(name)
            # Ratios of speed (1 / time), so higher is faster as in the other tables.
            ratios = [
                f"{costs[other] / cost:.2f}x" if cost and other in costs else "-"
                for other in ("raw ASGI", "Starlette")
            ]
            cost_text = f"{cost:.2f}" if cost else "-"
            lines.append(
                f"| {name} | {rates[name]:,.0f} | {cost_text} | " + " | ".join(ratios) + " |"
            )
    lines += ["", "## Idle memory after 1,000 requests", "", "| app | RSS MiB |", "|---|---:|"]
    lines += [f"| {name} | {median(values):.1f} |" for name, values in rss.items()]
    if timings:
        lines += [
            "",
            f"## CLI wall time (median of {args.cli_runs})",
            "",
            "| command | ms |",
            "|---|---:|",
        ]
        lines += [f"| {command} | {ms:.0f} |" for command, ms in timings.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
