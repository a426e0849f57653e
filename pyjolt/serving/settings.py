"""ServerSettings: what ``pyjolt run`` tells the server, with defaults safe on the internet."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

#: A client must finish sending its request head this quickly (slowloris guard); an
#: idle keep-alive connection is closed after the same time.
DEFAULT_HEADER_TIMEOUT = 10.0
#: Read buffer of one HTTP/1 connection: a request head larger than this is refused.
DEFAULT_MAX_HEADER_SIZE = 64 * 1024
#: Fixed by hyper (granian's HTTP library): more header lines than this are refused.
MAX_HEADER_COUNT = 100
DEFAULT_GRACEFUL_TIMEOUT = 30.0
#: Environment variables the server's processes read (set by ``pyjolt run``).
WORKERS_ENV = "PYJOLT_WORKERS"
APP_ENV = "PYJOLT_APP"
FORWARDED_ALLOW_IPS_ENV = "PYJOLT_FORWARDED_ALLOW_IPS"


def default_workers() -> int:
    """One worker per CPU the process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def configured_workers() -> int:
    """How many server worker processes this process is one of (1 outside ``pyjolt run``)."""
    try:
        return max(1, int(os.environ.get(WORKERS_ENV, "1")))
    except ValueError:
        return 1


@dataclass(frozen=True)
class ServerSettings:
    """Options of one ``pyjolt run``; validated when created."""

    app_spec: str
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = field(default_factory=default_workers)
    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    max_header_size: int = DEFAULT_MAX_HEADER_SIZE
    keep_alive: bool = True
    graceful_timeout: float = DEFAULT_GRACEFUL_TIMEOUT
    backpressure: int | None = None
    proxy_headers: bool = True
    forwarded_allow_ips: str = "127.0.0.1"
    access_log: bool = False
    log_level: str = "info"

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise ValueError(f"--port {self.port} is not a TCP port (1-65535)")
        if self.workers < 1:
            raise ValueError(f"--workers must be at least 1, got {self.workers}")
        if not 0.001 <= self.header_timeout <= 60:
            # granian's limit: 1 ms to 60 s.
            raise ValueError(
                f"--header-timeout must be 0.001-60 seconds, got {self.header_timeout}"
            )
        if self.max_header_size < 8192:
            raise ValueError(
                f"--max-header-size must be at least 8192 bytes, got {self.max_header_size}"
            )
        if not 1 <= self.graceful_timeout <= 1800:
            raise ValueError(
                f"--graceful-timeout must be 1-1800 seconds, got {self.graceful_timeout}"
            )
        if self.backpressure is not None and self.backpressure < 1:
            raise ValueError(f"--backpressure must be at least 1, got {self.backpressure}")

    @property
    def trusted_proxies(self) -> list[str]:
        """Addresses whose X-Forwarded-For/-Proto are believed (empty: proxy headers off)."""
        if not self.proxy_headers:
            return []
        return [item.strip() for item in self.forwarded_allow_ips.split(",") if item.strip()]

    def worker_environment(self) -> dict[str, str]:
        """Variables every worker process reads to build the app the same way."""
        return {
            APP_ENV: self.app_spec,
            WORKERS_ENV: str(self.workers),
            FORWARDED_ALLOW_IPS_ENV: ",".join(self.trusted_proxies),
        }
