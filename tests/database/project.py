"""A small PyJolt project written into a temporary folder, driven like a user would.

``python cli.py db-...`` runs as a subprocess in the project folder; ``load_app()``
imports the same project in-process (under a unique package name) for the test client.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyjolt import BaseConfig, PyJolt

CLI_TIMEOUT = 120

MODELS = """
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pyjolt.database import create_declerative_base

Base = create_declerative_base("db")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    fullname: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(50), unique=True)


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(100))
"""

ANALYTICS_MODELS = """
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from pyjolt.database import create_declarative_base

AnalyticsBase = create_declarative_base("analytics")


class Event(AnalyticsBase):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
"""

EXTENSIONS = """
from pyjolt.database import SqlDatabase
from pyjolt.database.migrate import Migrate

db = SqlDatabase()
migrate = Migrate(db)
"""

TWO_DATABASE_EXTENSIONS = (
    EXTENSIONS
    + """
analytics = SqlDatabase(db_name="analytics", variable_prefix="ANALYTICS_")
analytics_migrate = Migrate(analytics, command_prefix="analytics-")
"""
)

API = '''
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from pyjolt import Controller, HttpStatus, MediaType, Request, Response
from pyjolt import consumes, get, path, post, produces
from pyjolt.database import InvalidPaginationError
from pyjolt.exceptions import ExceptionHandler, handles

from .extensions import db
from .models import User

SEEN_SESSIONS: list[AsyncSession] = []


class UserData(BaseModel):
    id: int | None = None
    fullname: str
    email: str


class UserPage(BaseModel):
    items: list[UserData]
    total: int
    page: int
    pages: int
    per_page: int
    limit: int
    offset: int
    has_next: bool
    has_prev: bool


def as_data(user: User) -> UserData:
    return UserData(id=user.id, fullname=user.fullname, email=user.email)


@path("/api/users")
class UsersApi(Controller):
    @post("/")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    @db.managed_session
    async def create_user(
        self, req: Request, user_data: UserData, session: AsyncSession
    ) -> Response[UserData]:
        """The SPEC's example: add, commit, then read the generated id."""
        user = User(fullname=user_data.fullname, email=user_data.email)
        session.add(user)
        await session.commit()
        return req.response.json(as_data(user)).status(HttpStatus.CREATED)

    @post("/failing")
    @consumes(MediaType.APPLICATION_JSON)
    @db.managed_session
    async def create_then_fail(
        self, req: Request, user_data: UserData, session: AsyncSession
    ) -> Response[UserData]:
        """Adds a user, flushes it, then fails: the session must roll it back."""
        SEEN_SESSIONS.append(session)
        session.add(User(fullname=user_data.fullname, email=user_data.email))
        await session.flush()
        raise RuntimeError("handler failed after flush")

    @get("/")
    @produces(MediaType.APPLICATION_JSON)
    @db.managed_session
    async def list_users(self, req: Request, session: AsyncSession) -> Response[UserPage]:
        SEEN_SESSIONS.append(session)
        params = req.query_params
        query = User.query(session).order_by(User.id)
        if "limit" in params or "offset" in params:
            result = await query.paginate(
                limit=params.get("limit", "10"), offset=params.get("offset", "0")
            )
        else:
            result = await query.paginate(
                page=params.get("page", "1"), per_page=params.get("per_page", "10")
            )
        items = [as_data(user) for user in result["items"]]
        return req.response.json(UserPage(**{**result, "items": items}))

    @get("/<int:user_id>")
    @produces(MediaType.APPLICATION_JSON)
    @db.managed_session
    async def get_user(self, req: Request, user_id: int, session: AsyncSession) -> Response:
        user = await User.query(session).filter_by(id=user_id).first()
        if user is None:
            return req.response.json({"message": "no such user"}).status(HttpStatus.NOT_FOUND)
        return req.response.json(as_data(user))


class PaginationErrors(ExceptionHandler):
    @handles(InvalidPaginationError)
    async def bad_page(self, req: Request, exc: InvalidPaginationError) -> Response:
        return req.response.json(
            {"message": str(exc), "parameter": exc.parameter}
        ).status(HttpStatus.BAD_REQUEST)
'''

APP_INIT = """
from pyjolt import PyJolt, app

from .configs import Config


@app(__name__, configs=Config)
class Application(PyJolt):
    pass
"""

CLI = '''
"""CLI utility script"""

if __name__ == "__main__":
    from {package} import Application

    app = Application()
    app.run_cli()
'''


def cli_environment() -> dict[str, str]:
    """The current environment without config keys a developer's shell may export."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in BaseConfig.model_fields and "DATABASE_" not in key and "ALEMBIC_" not in key
    }
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@dataclass
class Project:
    """A project folder: ``cli.py`` next to the package ``<package>/``."""

    root: Path
    package: str
    config: dict[str, Any]
    models: str = MODELS
    extensions: str = EXTENSIONS
    imported: list[str] = field(default_factory=list)

    @property
    def package_dir(self) -> Path:
        return self.root / self.package

    @property
    def migrations(self) -> Path:
        return self.package_dir / self.config.get("ALEMBIC_MIGRATION_DIR", "migrations")

    def versions(self, folder: Path | None = None) -> list[Path]:
        return sorted(((folder or self.migrations) / "versions").glob("*.py"))

    def write(self) -> Project:
        self.package_dir.mkdir(parents=True, exist_ok=True)
        files = {
            "__init__.py": APP_INIT,
            "configs.py": self._configs_source(),
            "extensions.py": self.extensions,
            "models.py": self.models,
            "api.py": API,
        }
        for name, source in files.items():
            (self.package_dir / name).write_text(textwrap.dedent(source).lstrip(), "utf-8")
        cli = textwrap.dedent(CLI).format(package=self.package).lstrip()
        (self.root / "cli.py").write_text(cli, "utf-8")
        return self

    def _configs_source(self) -> str:
        lines = [
            "import os",
            "",
            "from pyjolt import BaseConfig",
            "",
            "",
            "class Config(BaseConfig):",
            "    BASE_PATH: str = os.path.dirname(__file__)",
            "    DEBUG: bool = False",
        ]
        for key, value in self.config.items():
            lines.append(f"    {key} = {value!r}")
        return "\n".join(lines) + "\n"

    def add_model_source(self, source: str) -> None:
        """Append code to models.py (e.g. a new column) as a developer would."""
        path = self.package_dir / "models.py"
        path.write_text(path.read_text("utf-8") + textwrap.dedent(source), "utf-8")

    def cli(self, *args: str, verbose: bool = False) -> subprocess.CompletedProcess[str]:
        """``python cli.py <args>`` in the project folder; never interactive."""
        command = [sys.executable, "cli.py", *(["--verbose"] if verbose else []), *args]
        return subprocess.run(
            command,
            cwd=self.root,
            env=cli_environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
        )

    def cli_ok(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = self.cli(*args)
        assert result.returncode == 0, (
            f"cli.py {' '.join(args)} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
        return result

    def load_app(self) -> PyJolt:
        """Import the project in this process and build its Application."""
        sys.path.insert(0, str(self.root))
        try:
            module = importlib.import_module(self.package)
            self.imported.append(self.package)
            application: PyJolt = module.Application()
        finally:
            sys.path.remove(str(self.root))
        return application

    def module(self, name: str) -> Any:
        """An already imported module of the project, e.g. ``module("extensions")``."""
        return sys.modules[f"{self.package}.{name}"]

    def unload(self) -> None:
        for name in list(sys.modules):
            if any(name == p or name.startswith(p + ".") for p in self.imported):
                del sys.modules[name]


def _with_package(value: Any, package: str) -> Any:
    if isinstance(value, str):
        return value.replace("{package}", package)
    if isinstance(value, list):
        return [_with_package(item, package) for item in value]
    return value


def new_project(root: Path, config: dict[str, Any], **sources: str) -> Project:
    """Write a project whose package name is unique in this test session.

    ``{package}`` in config values (import strings) becomes the package name.
    """
    package = f"dbproj_{uuid.uuid4().hex[:10]}"
    settings = {key: _with_package(value, package) for key, value in config.items()}
    return Project(root=root, package=package, config=settings, **sources).write()


def single_error_line(stderr: str) -> str:
    """The one line a failing command printed; fails when there is more than one."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one error line, got:\n{stderr}"
    assert "Traceback" not in stderr
    return lines[0]
