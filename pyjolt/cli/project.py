"""Finding the project and its application: ``--app``, ``[tool.pyjolt] app``, ``app:Application``.

The project root is the folder of the nearest ``pyproject.toml`` (searching upwards from
the working directory). It is a PyJolt project when that file has a ``[tool.pyjolt]``
table or the folder holds the default ``app`` package.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CliError, UsageError

if TYPE_CHECKING:
    from pyjolt.app import PyJolt

DEFAULT_APP = "app:Application"
_APP_SPEC = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*:[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$")
NOT_A_PROJECT_HINT = (
    "run the command inside a project made by 'pyjolt new-project' (a folder whose "
    'pyproject.toml has [tool.pyjolt] app = "app:Application"), or pass --app module:Class'
)


@dataclass
class Project:
    """A PyJolt project on disk: its root, its settings and the app import string."""

    root: Path
    app_spec: str
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def app_module(self) -> str:
        return self.app_spec.partition(":")[0]

    @property
    def package_dir(self) -> Path:
        """The folder of the application package (``app/`` for ``app:Application``)."""
        return self.root.joinpath(*self.app_module.split("."))

    @property
    def configs_path(self) -> Path:
        return self.package_dir / "configs.py"

    def relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def relative_or_abs(self, path: str | Path) -> str:
        return self.relative(Path(path).resolve())


def nearest_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def read_pyjolt_settings(pyproject: Path) -> dict[str, Any] | None:
    """The ``[tool.pyjolt]`` table, or None when the file has none."""
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CliError(f"cannot read {pyproject}: {exc}") from exc
    table = data.get("tool", {}).get("pyjolt")
    return table if isinstance(table, dict) else None


def check_app_spec(spec: str, source: str) -> str:
    if not _APP_SPEC.match(spec):
        raise UsageError(
            f"{source}: {spec!r} is not an import string like 'app:Application'",
            hint="write it as 'package.module:ClassName'",
        )
    return spec


def find_project(app_option: str | None = None, start: Path | None = None) -> Project:
    """Locate the project around ``start`` (default: the working directory)."""
    start = (start or Path.cwd()).resolve()
    if app_option:
        check_app_spec(app_option, "--app")
    pyproject = nearest_pyproject(start)
    settings = read_pyjolt_settings(pyproject) if pyproject else None
    if pyproject is not None and (
        settings is not None or (pyproject.parent / "app" / "__init__.py").is_file()
    ):
        settings = settings or {}
        configured = settings.get("app")
        if configured is not None and not isinstance(configured, str):
            raise UsageError(f"{pyproject}: [tool.pyjolt] app must be a string")
        spec = app_option or (configured and check_app_spec(configured, f"{pyproject}")) or None
        return Project(pyproject.parent, spec or DEFAULT_APP, settings)
    if app_option:
        return Project(start, app_option, {})
    raise CliError(f"no PyJolt project found in {start} or its parents", hint=NOT_A_PROJECT_HINT)


def load_dotenv_file(root: Path) -> set[str]:
    """Load ``root/.env`` into the environment without overriding what is already set.

    Returns the names of the variables it set (those not set before).
    """
    env_file = root / ".env"
    if not env_file.is_file():
        return set()
    from dotenv import dotenv_values

    loaded = set()
    for name, value in dotenv_values(env_file).items():
        if value is not None and name not in os.environ:
            os.environ[name] = value
            loaded.add(name)
    return loaded


def put_first_on_path(root: Path) -> None:
    """Make ``root``'s packages the ones imported, even when it is already on sys.path:
    an editable install of another project in the same venv puts that project's root,
    with its own ``app`` package, on the path too."""
    entry = str(root)
    if entry in sys.path:
        sys.path.remove(entry)
    sys.path.insert(0, entry)


def import_app_object(project: Project) -> Any:
    """Import the object named by the project's app import string."""
    put_first_on_path(project.root)
    module_name, _, attr_path = project.app_spec.partition(":")
    try:
        target: Any = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise CliError(
                f"cannot import the app module {module_name!r} from {project.root}",
                hint=NOT_A_PROJECT_HINT,
            ) from exc
        raise CliError(f"importing {module_name!r} failed: {exc}") from exc
    except SyntaxError as exc:
        where = f"{exc.filename}:{exc.lineno}" if exc.filename else module_name
        raise CliError(f"syntax error in {where}: {exc.msg}") from exc
    except CliError:
        raise
    except Exception as exc:
        raise CliError(
            f"importing {module_name!r} failed: {type(exc).__name__}: {exc}",
            hint="run with --verbose to see the traceback",
        ) from exc
    for part in attr_path.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise CliError(
                f"module {module_name!r} has no attribute {part!r} (app {project.app_spec!r})",
                hint="set [tool.pyjolt] app in pyproject.toml or pass --app module:Class",
            ) from None
    return target


def load_application(project: Project, build: bool = True) -> PyJolt:
    """Import and instantiate the application (``.env`` loaded first), built for routing."""
    load_dotenv_file(project.root)
    from pyjolt.app import PyJolt

    target = import_app_object(project)
    try:
        application = target if isinstance(target, PyJolt) else target()
    except CliError:
        raise
    except Exception as exc:
        raise CliError(
            f"creating the application {project.app_spec!r} failed: {type(exc).__name__}: {exc}",
            hint="run with --verbose to see the traceback",
        ) from exc
    if not isinstance(application, PyJolt):
        raise CliError(f"{project.app_spec!r} is not a PyJolt application class or instance")
    if build:
        try:
            application.build()
        except Exception as exc:
            raise CliError(
                f"building the application failed: {type(exc).__name__}: {exc}",
                hint="run with --verbose to see the traceback",
            ) from exc
    return application


def working_directory_env(project: Project) -> dict[str, str]:
    """The environment for a child process serving the project."""
    env = dict(os.environ)
    existing = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(project.root) + (os.pathsep + existing if existing else "")
    return env
