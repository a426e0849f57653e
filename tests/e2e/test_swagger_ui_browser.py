"""Swagger UI in headless Chromium, on the demo project as ``make demo`` serves it, offline.

The module makes the demo the way the Makefile does (``pyjolt new-project demo
--defaults``, ``pyjolt db upgrade``) and serves it with ``pyjolt dev`` on 127.0.0.1.
Chromium opens ``/openapi/docs`` with every request to any other address aborted, and
uses "Try it out" and "Execute" as a person would.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``, or ``PYJOLT_CHROMIUM``),
driven by Playwright for Python (the ``dev`` extra); Playwright's own browser downloads are
never used. Without them the browser tests skip, unless ``PYJOLT_REQUIRE_BROWSER=1`` (set
by .ci/run), when they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import pytest

from pyjolt import BaseConfig
from pyjolt.openapi.swagger import swagger_ui_version

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

REPOSITORY = Path(__file__).resolve().parents[2]
PYJOLT = str(Path(sys.executable).parent / "pyjolt")
COMMAND_TIMEOUT = 120
STARTUP_TIMEOUT = 30.0
UI_TIMEOUT_MS = 15_000
#: The flags that let Debian's Chromium run headless as root with nothing to phone home.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--dns-prefetch-disable",
]


def browser_unavailable(reason: str) -> None:
    """Skip, or fail when the environment says the browser tests must run."""
    if os.environ.get("PYJOLT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"PYJOLT_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"{reason} (apt-get install chromium; pip install -e '.[dev]')")


def chromium_executable() -> str | None:
    configured = os.environ.get("PYJOLT_CHROMIUM")
    candidates = [configured] if configured else [shutil.which("chromium"), "/usr/bin/chromium"]
    return next((path for path in candidates if path and os.access(path, os.X_OK)), None)


# --- the demo server ----------------------------------------------------------------------
def environment() -> dict[str, str]:
    """This environment without settings a developer's shell may export (DEBUG, ...)."""
    names = set(BaseConfig.model_fields) | {"DATABASE_URI"}
    env = {key: value for key, value in os.environ.items() if key not in names}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def pyjolt(*args: str, cwd: Path) -> None:
    result = subprocess.run(
        [PYJOLT, *args],
        cwd=cwd,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"pyjolt {' '.join(args)}:\n{result.stdout}\n{result.stderr}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class DemoServer:
    base_url: str
    log: Path

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.base_url + path, timeout=10)


def wait_until_serving(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"pyjolt dev exited with {process.returncode}:\n{log.read_text()}")
        try:
            httpx.get(f"{base_url}/health", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"pyjolt dev did not answer within {STARTUP_TIMEOUT}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """The demo project, made and served as ``make demo`` does, stopped afterwards."""
    parent = tmp_path_factory.mktemp("demo")
    pyjolt("new-project", "demo", "--defaults", "--force", cwd=parent)
    project = parent / "demo"
    pyjolt("db", "upgrade", cwd=project)
    port = free_port()
    log = parent / "dev.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [PYJOLT, "dev", "--host", "127.0.0.1", "--port", str(port)],
            cwd=project,
            env=environment(),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the reloader's worker is stopped with it
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(process, base_url, log)
        yield DemoServer(base_url, log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def demo_links_in_the_makefile() -> list[str]:
    """The paths of the links ``make demo`` prints."""
    makefile = (REPOSITORY / "Makefile").read_text(encoding="utf-8")
    return re.findall(r"http://\$\(HOST\):\$\(PORT\)(/\S*)", makefile)


def test_the_links_make_demo_prints_all_answer(demo: DemoServer) -> None:
    links = demo_links_in_the_makefile()
    assert "/openapi/docs" in links
    answers = {link: demo.get(link).status_code for link in links}
    assert answers == dict.fromkeys(links, 200)


# --- the browser --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_executable()
    if executable is None:
        browser_unavailable(
            "no Chromium found (PYJOLT_CHROMIUM, chromium on PATH, /usr/bin/chromium)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("Playwright for Python is not installed")
    # Playwright gives each launch a fresh temporary profile (--user-data-dir).
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class OfflinePage:
    page: Page
    blocked: list[str] = field(default_factory=list)


@pytest.fixture
def offline(browser: Browser, demo: DemoServer) -> Iterator[OfflinePage]:
    """A page that reaches the demo server and nothing else; aborted URLs are recorded."""
    context = browser.new_context()
    context.set_default_timeout(UI_TIMEOUT_MS)
    server = urlsplit(demo.base_url).netloc
    result = OfflinePage(context.new_page())

    def only_the_demo_server(route: Route) -> None:
        if urlsplit(route.request.url).netloc == server:
            route.continue_()
        else:
            result.blocked.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_the_demo_server)
    try:
        yield result
    finally:
        context.close()


def open_docs(offline: OfflinePage, demo: DemoServer) -> Page:
    """Open the docs page and wait until Swagger UI has rendered an operation."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = offline.page
    page.goto(f"{demo.base_url}/openapi/docs")
    try:
        page.locator(".opblock").first.wait_for()
    except PlaywrightTimeout:
        pytest.fail(f"Swagger UI rendered no operation; requests aborted: {offline.blocked}")
    return page


def test_the_guard_aborts_requests_to_other_hosts(offline: OfflinePage, demo: DemoServer) -> None:
    page = offline.page
    page.goto(f"{demo.base_url}/health")
    outcome = page.evaluate(
        "fetch('http://swagger-ui.invalid/x.js').then(() => 'loaded', () => 'refused')"
    )
    assert outcome == "refused"
    assert offline.blocked == ["http://swagger-ui.invalid/x.js"]


def test_docs_render_every_operation_of_the_document_offline(
    offline: OfflinePage, demo: DemoServer
) -> None:
    page = open_docs(offline, demo)
    spec = demo.get("/openapi/specs.json").json()
    documented = {
        (method.upper(), url) for url, operations in spec["paths"].items() for method in operations
    }
    rendered = {
        (
            block.locator(".opblock-summary-method").inner_text().strip(),
            block.locator(".opblock-summary-path").get_attribute("data-path"),
        )
        for block in page.locator(".opblock").all()
    }
    assert rendered == documented
    assert ("POST", "/api/v1/notes/") in rendered
    assert page.locator(".info .title").inner_text().startswith("Demo")
    assert "OAS 3.1" in page.locator(".info .title").inner_text()
    assert offline.blocked == []


def test_docs_load_swagger_ui_from_the_server_itself(
    offline: OfflinePage, demo: DemoServer
) -> None:
    loaded: list[str] = []
    offline.page.on("requestfinished", lambda request: loaded.append(request.url))
    open_docs(offline, demo)
    assets = f"{demo.base_url}/openapi/swagger-ui/{swagger_ui_version()}"
    assert f"{assets}/swagger-ui-bundle.js" in loaded
    assert f"{assets}/swagger-ui.css" in loaded
    assert offline.blocked == []


def test_try_it_out_and_execute_send_the_request_and_show_the_answer(
    offline: OfflinePage, demo: DemoServer
) -> None:
    page = open_docs(offline, demo)
    create = page.locator(".opblock-post").filter(
        has=page.locator('.opblock-summary-path[data-path="/api/v1/notes/"]')
    )
    create.locator(".opblock-summary").click()
    create.get_by_role("button", name="Try it out").click()
    note = {"title": "Written in Swagger UI", "body": "with no network"}
    create.locator("textarea.body-param__text").fill(json.dumps(note))
    create.get_by_role("button", name="Execute").click()

    answer = create.locator(".live-responses-table tbody tr.response")
    answer.wait_for()
    assert answer.locator(".response-col_status").inner_text().strip() == "201"
    shown = json.loads(answer.locator(".response-col_description .highlight-code pre").inner_text())
    assert shown == {**note, "id": shown["id"]}
    assert create.locator(".request-url pre").inner_text() == f"{demo.base_url}/api/v1/notes/"

    stored = demo.get(f"/api/v1/notes/{shown['id']}")
    assert (stored.status_code, stored.json()) == (200, shown)
    assert offline.blocked == []
