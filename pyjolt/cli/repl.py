"""``pyjolt console``: a REPL with the app built and started, where ``await`` works.

The extensions start (the app's lifespan startup) on one event loop, and everything typed
runs on that same loop, so database connections, Redis clients and sessions made at
startup work from the prompt. IPython is used when it is installed (its ``autoawait``
runs cells on its own loop, which the app is started on); otherwise the standard
library's ``code`` module, with top-level ``await`` compiled in, the way
``python -m asyncio`` does it: the loop runs in the main thread (so Ctrl+C cancels the
running statement), the prompt in a second thread. Leaving the console shuts the
extensions down.
"""

from __future__ import annotations

import ast
import asyncio
import code
import concurrent.futures
import contextlib
import inspect
import sys
import threading
import types
from typing import TYPE_CHECKING, Any

from . import console
from .errors import CliError, UsageError
from .project import Project, find_project, load_application

if TYPE_CHECKING:
    from pyjolt.app import PyJolt

SHELLS = ("auto", "ipython", "python")


class AsyncConsole(code.InteractiveConsole):
    """An InteractiveConsole that accepts top-level ``await`` and runs input on ``loop``."""

    def __init__(self, namespace: dict[str, Any], loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(namespace)
        self.compile.compiler.flags |= ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        self.loop = loop
        #: The task running the statement typed last (cancelled by Ctrl+C).
        self.running: asyncio.Task[Any] | None = None

    def runcode(self, code: types.CodeType) -> None:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()

        def start() -> None:
            # Runs on the loop's thread: plain statements run here, awaits become a task.
            try:
                result = types.FunctionType(code, self.locals)()
            except BaseException as exc:
                future.set_exception(exc)
                return
            if not inspect.iscoroutine(result):
                future.set_result(result)
                return
            self.running = self.loop.create_task(result)
            self.running.add_done_callback(lambda task: _copy_outcome(task, future))

        self.loop.call_soon_threadsafe(start)
        try:
            future.result()
        except SystemExit:
            raise
        except (KeyboardInterrupt, concurrent.futures.CancelledError):
            self.write("\nKeyboardInterrupt\n")
        except BaseException:
            self.showtraceback()


def _copy_outcome(task: asyncio.Task[Any], future: concurrent.futures.Future[Any]) -> None:
    if task.cancelled():
        future.cancel()
    elif task.exception() is not None:
        future.set_exception(task.exception())
    else:
        future.set_result(task.result())


def console_namespace(application: PyJolt) -> tuple[dict[str, Any], list[str]]:
    """The console's variables, and the lines of the banner that name them."""
    from pyjolt.database import SqlDatabase

    databases = [e for e in application.extensions.values() if isinstance(e, SqlDatabase)]
    namespace: dict[str, Any] = {
        "asyncio": asyncio,
        "app": application,
        "config": application.configs,
        "db": databases[0] if databases else None,
        "dbs": {database.db_name: database for database in databases},
    }
    lines = ["app, config: the application and its settings"]
    if databases:
        namespace["session"] = databases[0].create_session()
        lines.append(f"db, session: database {databases[0].db_name!r} and a session on it")
    models = {model.__name__: model for model in application.models}
    namespace.update(models)
    if models:
        lines.append(f"models: {', '.join(sorted(models))}")
        if databases:
            example = sorted(models)[0]
            lines.append(f"e.g. await {example}.query(session).count()")
    return namespace, lines


async def _close(application: PyJolt, namespace: dict[str, Any]) -> None:
    session = namespace.get("session")
    try:
        if session is not None:
            await session.close()
    finally:
        await application.shutdown()


def run_console(app_spec: str | None, shell: str) -> None:
    if shell not in SHELLS:
        raise UsageError(f"--shell {shell!r} is not one of {', '.join(SHELLS)}")
    project = find_project(app_spec)
    application = load_application(project)
    use_ipython = shell == "ipython" or (shell == "auto" and _ipython_installed())
    if shell == "ipython" and not _ipython_installed():
        raise UsageError("--shell ipython: IPython is not installed", hint="pip install ipython")
    if use_ipython:
        from IPython.core.async_helpers import get_asyncio_loop

        loop = get_asyncio_loop()
    else:
        loop = asyncio.new_event_loop()
    _start(application, loop)
    namespace, lines = console_namespace(application)
    banner = _banner(project, lines)
    try:
        if use_ipython:
            _run_ipython(namespace, banner)
        else:
            _run_python(namespace, banner, loop)
    finally:
        loop.run_until_complete(_close(application, namespace))
        if not use_ipython:
            loop.close()
        console.info("[dim]console closed; the app's extensions are shut down[/dim]")


def _ipython_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("IPython") is not None


def _start(application: PyJolt, loop: asyncio.AbstractEventLoop) -> None:
    try:
        loop.run_until_complete(application.startup())
    except Exception as exc:
        loop.run_until_complete(application.shutdown())
        raise CliError(
            f"starting the application failed: {type(exc).__name__}: {exc}",
            hint="run with --verbose to see the traceback",
        ) from exc


def _banner(project: Project, lines: list[str]) -> str:
    described = "\n".join(f"  {line}" for line in lines)
    return (
        f"PyJolt console for {project.app_spec} (extensions started; "
        f"Python {sys.version.split()[0]})\n"
        f"{described}\n"
        "Use await directly. Ctrl+D or exit() leaves and shuts the extensions down."
    )


def _run_python(namespace: dict[str, Any], banner: str, loop: asyncio.AbstractEventLoop) -> None:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401 - line editing and history for input()
    repl = AsyncConsole(namespace, loop)

    def prompt() -> None:
        try:
            repl.interact(banner=banner, exitmsg="")
        except SystemExit:
            pass
        finally:
            loop.call_soon_threadsafe(loop.stop)

    thread = threading.Thread(target=prompt, name="pyjolt-console", daemon=True)
    thread.start()
    while True:
        try:
            loop.run_forever()
        except KeyboardInterrupt:
            if repl.running is not None and not repl.running.done():
                repl.running.cancel()
            continue
        break
    thread.join(timeout=1)


def _run_ipython(namespace: dict[str, Any], banner: str) -> None:
    from IPython.terminal.embed import InteractiveShellEmbed

    shell = InteractiveShellEmbed(banner1=banner + "\n", user_ns=namespace)
    shell.autoawait = True
    shell.confirm_exit = False
    shell.loop_runner = "asyncio"
    shell()
