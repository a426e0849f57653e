"""The application class: ``@app``, ``@app_path``, BASE_PATH and the config's import strings."""

from __future__ import annotations

import sys
import textwrap
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pyjolt import (
    AppBuildError,
    BaseConfig,
    ImportStringError,
    PyJolt,
    Request,
    app,
    app_path,
)
from pyjolt.controller import Controller, get, path
from pyjolt.testing import PyJoltTestClient

PackageWriter = Callable[[dict[str, str]], str]

SPEC_INIT = """
from {pkg}.configs import Config
from pyjolt import PyJolt, app, on_shutdown, on_startup

@app(__name__, configs = Config)
class Application(PyJolt):
    pass
"""

SPEC_CONFIGS = """
import os
from typing import List
from pyjolt import BaseConfig

class Config(BaseConfig): #must inherit from BaseConfig
    \"\"\"Config class\"\"\"
    APP_NAME: str = "Test app"
    VERSION: str = "1.0"
    SECRET_KEY: str = "46373hdnsfshf73462twvdngnghjdgsfd"
    BASE_PATH: str = os.path.dirname(__file__)
    DEBUG: bool = False
    CONTROLLERS: List[str] = ['{pkg}.api.users.user_api:UserApi']
    EXCEPTION_HANDLERS: List[str] = [
        '{pkg}.api.exceptions.exception_handler:CustomExceptionHandler'
    ]
    EXTENSIONS: List[str] = ['{pkg}.extensions:recorder']
    MODELS: List[str] = ['{pkg}.api.models.user_model:User']
"""

USER_API = """
from pyjolt import Request, Response, HttpStatus, MediaType
from pyjolt.controller import Controller, path, get, produces

from {pkg}.api.exceptions.custom_exceptions import EntityNotFound

@path("/api/v1/users")
class UserApi(Controller):

    @get("/<int:user_id>")
    @produces(MediaType.APPLICATION_JSON)
    async def get_user(self, req: Request, user_id: int) -> Response:
        if user_id > 100:
            raise EntityNotFound(f"User {{user_id}} not found")
        return req.response.json({{
            "id": user_id,
            "app": self.app.configs.APP_NAME,
        }}).status(HttpStatus.OK)
"""

CUSTOM_EXCEPTIONS = """
class EntityNotFound(Exception):
    pass
"""

EXCEPTION_HANDLER = """
from pyjolt import Request, Response, HttpStatus
from pyjolt.exceptions import ExceptionHandler, handles

from .custom_exceptions import EntityNotFound

class CustomExceptionHandler(ExceptionHandler):

    @handles(EntityNotFound)
    async def not_found(self, req: Request, exc: EntityNotFound) -> Response:
        return req.response.json({{"message": str(exc), "handled_by": "custom"}}).status(
            HttpStatus.NOT_FOUND
        )
"""

EXTENSIONS = """
events = []

class Recorder:
    def __init__(self):
        self.app = None

    def init_app(self, app):
        self.app = app
        app.add_on_startup(self.connect)
        app.add_on_shutdown(self.disconnect)

    async def connect(self):
        events.append("connect")

    async def disconnect(self):
        events.append("disconnect")

recorder = Recorder()
"""

USER_MODEL = """
class User:
    __tablename__ = "users"
"""


def spec_project() -> dict[str, str]:
    """The SPEC's recommended layout: app package, configs, controller, handler, extension."""
    return {
        "{pkg}/__init__.py": SPEC_INIT,
        "{pkg}/configs.py": SPEC_CONFIGS,
        "{pkg}/extensions.py": EXTENSIONS,
        "{pkg}/api/__init__.py": "",
        "{pkg}/api/users/__init__.py": "",
        "{pkg}/api/users/user_api.py": USER_API,
        "{pkg}/api/exceptions/__init__.py": "",
        "{pkg}/api/exceptions/custom_exceptions.py": CUSTOM_EXCEPTIONS,
        "{pkg}/api/exceptions/exception_handler.py": EXCEPTION_HANDLER,
        "{pkg}/api/models/__init__.py": "",
        "{pkg}/api/models/user_model.py": USER_MODEL,
    }


@pytest.fixture
def write_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PackageWriter]:
    """Write modules under a fresh sys.path entry; ``{pkg}`` becomes a unique package name.

    Sources are ``str.format``-ed with ``pkg`` (so literal braces are doubled). The
    imported modules are dropped from ``sys.modules`` afterwards.
    """
    names: list[str] = []
    root = tmp_path / "src"

    def write(files: dict[str, str]) -> str:
        name = f"pjtest_{uuid.uuid4().hex[:10]}"
        names.append(name)
        for relative, source in files.items():
            target = root / relative.format(pkg=name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(source).format(pkg=name), encoding="utf-8")
        monkeypatch.syspath_prepend(str(root))
        return name

    yield write
    for module in list(sys.modules):
        if any(module == n or module.startswith((f"{n}.", f"{n}_")) for n in names):
            del sys.modules[module]


def import_module(name: str) -> Any:
    __import__(name)
    return sys.modules[name]


# --- @app ------------------------------------------------------------------------------
def test_app_decorator_makes_the_class_build_from_its_config(write_package: PackageWriter) -> None:
    pkg = write_package(spec_project())
    application = import_module(pkg).Application()
    assert isinstance(application, PyJolt)
    assert type(application.configs).__name__ == "Config"
    assert application.configs.APP_NAME == "Test app"
    assert application.configs.VERSION == "1.0"


async def test_spec_style_application_serves_its_configured_controller(
    write_package: PackageWriter,
) -> None:
    pkg = write_package(spec_project())
    async with PyJoltTestClient(import_module(pkg).Application()) as client:
        response = await client.get("/api/v1/users/7")
    assert response.status_code == 200
    assert response.json() == {"id": 7, "app": "Test app"}


def test_config_passed_to_the_constructor_replaces_the_decorator_config(
    write_package: PackageWriter,
) -> None:
    pkg = write_package(spec_project())
    application = import_module(pkg).Application(BaseConfig(APP_NAME="Other", DEBUG=False))
    assert application.configs.APP_NAME == "Other"
    assert not any(c.__name__ == "UserApi" for c in application.controllers)


def test_app_without_configs_uses_base_config_defaults() -> None:
    @app(__name__)
    class Application(PyJolt):
        pass

    application = Application()
    assert type(application.configs) is BaseConfig
    assert application.configs.APP_NAME == "PyJolt App"


@pytest.mark.parametrize(
    ("files", "module_suffix", "expected_folder"),
    [
        (
            {
                "{pkg}/__init__.py": """
                    from pyjolt import BaseConfig, PyJolt, app

                    class Config(BaseConfig):
                        APP_NAME: str = "No base path"

                    @app(__name__, configs=Config)
                    class Application(PyJolt):
                        pass
                """
            },
            "",
            "{pkg}",
        ),
        (
            {
                "{pkg}/__init__.py": "",
                "{pkg}/web/__init__.py": "",
                "{pkg}/web/application.py": """
                    from pyjolt import PyJolt, app

                    @app(__name__, configs={{"DEBUG": False}})
                    class Application(PyJolt):
                        pass
                """,
            },
            ".web.application",
            "{pkg}/web",
        ),
    ],
    ids=["package", "module"],
)
def test_base_path_defaults_to_the_folder_of_the_app_module(
    write_package: PackageWriter,
    tmp_path: Path,
    files: dict[str, str],
    module_suffix: str,
    expected_folder: str,
) -> None:
    pkg = write_package(files)
    application = import_module(pkg + module_suffix).Application()
    expected = tmp_path / "src" / expected_folder.format(pkg=pkg)
    assert Path(application.configs.BASE_PATH) == expected


def test_base_path_of_the_spec_config_is_the_configs_folder(
    write_package: PackageWriter, tmp_path: Path
) -> None:
    pkg = write_package(spec_project())
    application = import_module(pkg).Application()
    assert Path(application.configs.BASE_PATH) == tmp_path / "src" / pkg


def test_base_path_set_in_config_is_kept(write_package: PackageWriter, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    pkg = write_package(
        {
            "{pkg}/__init__.py": f"""
                from pyjolt import BaseConfig, PyJolt, app

                class Config(BaseConfig):
                    BASE_PATH: str = {str(elsewhere)!r}

                @app(__name__, configs=Config)
                class Application(PyJolt):
                    pass
            """
        }
    )
    application = import_module(pkg).Application()
    assert Path(application.configs.BASE_PATH) == elsewhere


# --- @app_path -------------------------------------------------------------------------
@path("/users")
class PrefixedUsersApi(Controller):
    @get("/")
    async def list_users(self, req: Request) -> dict[str, str]:
        return {"route": "list"}

    @get("/<int:user_id>")
    async def get_user(self, req: Request, user_id: int) -> dict[str, Any]:
        return {"route": "one", "id": user_id}


class RootApi(Controller):
    @get("/health")
    async def health(self, req: Request) -> dict[str, str]:
        return {"route": "health"}


@app_path("/api/v2")
@app(__name__, configs={"DEBUG": False})
class PrefixedApplication(PyJolt):
    pass


@app(__name__, configs={"DEBUG": False})
@app_path("/api/v2")
class PrefixedFirstApplication(PyJolt):
    pass


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/v2/users/", {"route": "list"}),
        ("/api/v2/users/3", {"route": "one", "id": 3}),
        ("/api/v2/health", {"route": "health"}),
    ],
)
@pytest.mark.parametrize("app_class", [PrefixedApplication, PrefixedFirstApplication])
async def test_app_path_mounts_every_route_under_the_prefix(
    make_app: Callable[..., PyJolt], app_class: type[PyJolt], url: str, expected: dict[str, Any]
) -> None:
    application = make_app(PrefixedUsersApi, RootApi, app_class=app_class)
    async with PyJoltTestClient(application) as client:
        response = await client.get(url)
    assert response.status_code == 200
    assert response.json() == expected


@pytest.mark.parametrize("url", ["/users/", "/users/3", "/health", "/api/users/"])
async def test_app_path_routes_are_not_served_without_the_prefix(
    make_app: Callable[..., PyJolt], url: str
) -> None:
    application = make_app(PrefixedUsersApi, RootApi, app_class=PrefixedApplication)
    async with PyJoltTestClient(application) as client:
        response = await client.get(url)
    assert response.status_code == 404


async def test_app_path_is_kept_on_the_strict_slash_redirect(
    make_app: Callable[..., PyJolt],
) -> None:
    application = make_app(PrefixedUsersApi, app_class=PrefixedApplication, STRICT_SLASHES=True)
    async with PyJoltTestClient(application) as client:
        response = await client.get("/api/v2/users")
    assert response.status_code == 308
    assert response.headers["location"] == "/api/v2/users/"


def test_app_path_is_part_of_url_for(make_app: Callable[..., PyJolt]) -> None:
    application = make_app(PrefixedUsersApi, app_class=PrefixedApplication)
    assert application.url_for("PrefixedUsersApi.get_user", user_id=9) == "/api/v2/users/9"


@pytest.mark.parametrize("prefix", ["api", "", "api/v1/"])
def test_app_path_must_start_with_a_slash(prefix: str) -> None:
    with pytest.raises(ValueError, match="/"):
        app_path(prefix)


# --- import strings in the config ------------------------------------------------------
async def test_exception_handlers_from_config_are_used(write_package: PackageWriter) -> None:
    pkg = write_package(spec_project())
    async with PyJoltTestClient(import_module(pkg).Application()) as client:
        response = await client.get("/api/v1/users/404")
    assert response.status_code == 404
    assert response.json() == {"message": "User 404 not found", "handled_by": "custom"}


def test_models_from_config_are_loaded(write_package: PackageWriter) -> None:
    pkg = write_package(spec_project())
    application = import_module(pkg).Application()
    user_model = import_module(f"{pkg}.api.models.user_model").User
    assert application.models == [user_model]


def test_extension_from_config_is_initialised_with_the_app(write_package: PackageWriter) -> None:
    pkg = write_package(spec_project())
    application = import_module(pkg).Application()
    assert import_module(f"{pkg}.extensions").recorder.app is application


async def test_extension_hooks_run_at_startup_and_shutdown(write_package: PackageWriter) -> None:
    pkg = write_package(spec_project())
    application = import_module(pkg).Application()
    events = import_module(f"{pkg}.extensions").events
    assert events == []
    async with PyJoltTestClient(application):
        assert events == ["connect"]
    assert events == ["connect", "disconnect"]


async def test_extension_can_register_a_controller(write_package: PackageWriter) -> None:
    pkg = write_package(
        {
            "{pkg}/__init__.py": """
                from pyjolt import Request
                from pyjolt.controller import Controller, get, path

                @path("/ext")
                class ExtensionApi(Controller):
                    @get("/")
                    async def index(self, req: Request) -> dict:
                        return {{"from": "extension"}}

                class Adds:
                    def init_app(self, app):
                        app.register_controller(ExtensionApi)

                adds = Adds()
            """
        }
    )
    application = PyJolt({"DEBUG": False, "EXTENSIONS": [f"{pkg}:adds"]})
    async with PyJoltTestClient(application) as client:
        response = await client.get("/ext/")
    assert response.json() == {"from": "extension"}


def test_nested_attribute_import_string_is_resolved(write_package: PackageWriter) -> None:
    pkg = write_package(
        {
            "{pkg}/__init__.py": """
                from pyjolt.controller import Controller

                class Registry:
                    class InnerApi(Controller):
                        pass
            """
        }
    )
    application = PyJolt({"DEBUG": False, "CONTROLLERS": [f"{pkg}:Registry.InnerApi"]})
    assert import_module(pkg).Registry.InnerApi in application.controllers


BAD_IMPORT_TARGETS = {
    "{pkg}/__init__.py": "",
    "{pkg}/api.py": "EXISTING = 1\n",
    "{pkg}_redis_cache.py": "import {pkg}_redis\n",
}


@pytest.mark.parametrize("key", ["CONTROLLERS", "EXTENSIONS", "MODELS", "EXCEPTION_HANDLERS"])
@pytest.mark.parametrize(
    ("entry", "fragments"),
    [
        ("{pkg}.api:Missing", ["module '{pkg}.api'", "attribute 'Missing'"]),
        ("{pkg}.api:EXISTING.real.Missing", ["attribute 'Missing'"]),
        ("{pkg}.nowhere:Thing", ["module '{pkg}.nowhere'", "could not be found"]),
        ("{pkg}_absent:Thing", ["module '{pkg}_absent'", "could not be found"]),
        ("{pkg}.api.EXISTING", ["package.module:Name"]),
        ("{pkg}.api:", ["package.module:Name"]),
        (":EXISTING", ["package.module:Name"]),
        ("{pkg}.api:EXISTING:x", ["package.module:Name"]),
    ],
    ids=[
        "missing-attribute",
        "missing-nested-attribute",
        "missing-submodule",
        "missing-module",
        "no-colon",
        "no-attribute",
        "no-module",
        "two-colons",
    ],
)
def test_bad_import_string_names_key_entry_and_problem(
    write_package: PackageWriter, key: str, entry: str, fragments: list[str]
) -> None:
    pkg = write_package(BAD_IMPORT_TARGETS)
    entry = entry.format(pkg=pkg)
    with pytest.raises(ImportStringError) as info:
        PyJolt({"DEBUG": False, key: [entry]})
    message = str(info.value)
    assert f"{key} entry {entry!r}" in message
    for fragment in fragments:
        assert fragment.format(pkg=pkg) in message


def test_import_string_error_for_a_missing_dependency_names_the_dependency(
    write_package: PackageWriter,
) -> None:
    """The module exists; it is what it imports that is missing (a redis-less redis_cache)."""
    pkg = write_package(BAD_IMPORT_TARGETS)
    entry = f"{pkg}_redis_cache:cache"
    with pytest.raises(ImportStringError) as info:
        PyJolt({"DEBUG": False, "EXTENSIONS": [entry]})
    message = str(info.value)
    assert f"EXTENSIONS entry {entry!r}" in message
    assert f"'{pkg}_redis'" in message
    assert f"module '{pkg}_redis_cache' could not be found" not in message


def test_import_string_error_is_an_import_error() -> None:
    assert issubclass(ImportStringError, ImportError)


NOT_A_CONTROLLER = {
    "{pkg}/__init__.py": """
        from pyjolt.controller import Controller
        from pyjolt.exceptions import ExceptionHandler

        def helper():
            pass

        class Plain:
            pass

        class RealApi(Controller):
            pass

        class RealHandler(ExceptionHandler):
            pass

        NUMBER = 42
        api_instance = object.__new__(RealApi)
    """
}


@pytest.mark.parametrize("target", ["helper", "Plain", "NUMBER", "api_instance", "RealHandler"])
def test_controllers_entry_that_is_not_a_controller_is_an_app_build_error(
    write_package: PackageWriter, target: str
) -> None:
    pkg = write_package(NOT_A_CONTROLLER)
    entry = f"{pkg}:{target}"
    with pytest.raises(AppBuildError) as info:
        PyJolt({"DEBUG": False, "CONTROLLERS": [entry]})
    assert f"CONTROLLERS entry {entry!r}" in str(info.value)
    assert "Controller" in str(info.value)


@pytest.mark.parametrize("target", ["helper", "Plain", "NUMBER", "RealApi"])
def test_exception_handlers_entry_that_is_not_a_handler_is_an_app_build_error(
    write_package: PackageWriter, target: str
) -> None:
    pkg = write_package(NOT_A_CONTROLLER)
    entry = f"{pkg}:{target}"
    with pytest.raises(AppBuildError) as info:
        PyJolt({"DEBUG": False, "EXCEPTION_HANDLERS": [entry]})
    assert f"EXCEPTION_HANDLERS entry {entry!r}" in str(info.value)
    assert "ExceptionHandler" in str(info.value)


@pytest.mark.parametrize("target", ["Plain", "NUMBER", "RealApi"])
def test_extensions_entry_without_init_app_is_an_app_build_error(
    write_package: PackageWriter, target: str
) -> None:
    pkg = write_package(NOT_A_CONTROLLER)
    entry = f"{pkg}:{target}"
    with pytest.raises(AppBuildError) as info:
        PyJolt({"DEBUG": False, "EXTENSIONS": [entry]})
    assert f"EXTENSIONS entry {entry!r}" in str(info.value)
    assert "init_app" in str(info.value)


def test_app_build_error_names_a_registered_non_controller() -> None:
    application = PyJolt({"DEBUG": False})
    with pytest.raises(AppBuildError, match="Controller"):
        application.register_controller(dict)  # type: ignore[arg-type]


def test_registering_a_controller_twice_keeps_one_copy(make_app: Callable[..., PyJolt]) -> None:
    application = make_app(RootApi)
    application.register_controller(RootApi)
    assert application.controllers.count(RootApi) == 1
