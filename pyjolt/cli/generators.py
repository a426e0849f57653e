"""What each ``pyjolt generate KIND`` renders and wires, as a GenerationRequest.

Names are normalised here once (see :mod:`pyjolt.cli.naming`) and handed to the copier
templates as answers, together with the import strings wired into ``configs.py``, so
the file names, class names, URLs and config entries always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .fields import FieldSpec, parse_fields
from .generate import GenerationRequest, TemplatePart, apply_plan, plan_generation
from .migrations import migration_part
from .model_fields import read_model_fields
from .naming import Name, normalise_name
from .project import Project, find_project
from .runtime import require_runtime
from .wiring import WiringEdit

RequestBuilder = Callable[..., GenerationRequest]


def run_request(
    builder: RequestBuilder, app_spec: str | None, force: bool, dry_run: bool, **options: Any
) -> None:
    """Find the project, build the request, plan it and write it (or print the plan)."""
    project = find_project(app_spec)
    request = builder(project, **options)
    plan = plan_generation(project, request)
    apply_plan(project, plan, force=force, dry_run=dry_run)


def base_data(project: Project) -> dict[str, Any]:
    package = project.app_module
    return {"package": package, "package_dir": package.replace(".", "/")}


def _class_name(name: Name, suffix: str) -> str:
    return name.pascal if name.pascal.endswith(suffix) else f"{name.pascal}{suffix}"


def _model_data(project: Project, model: Name, fields: list[FieldSpec]) -> dict[str, Any]:
    table = model.plural.snake
    return {
        **base_data(project),
        "model_module": model.snake,
        "model_class": model.pascal,
        "model_title": model.title,
        "table_name": table,
        "fields": [field.as_data() for field in fields],
    }


def _model_import(project: Project, model: Name) -> str:
    return f"{project.app_module}.models.{model.snake}:{model.pascal}"


def controller_request(
    project: Project,
    name: str,
    crud: bool = False,
    model: str | None = None,
    fields: list[FieldSpec] | None = None,
) -> GenerationRequest:
    """``generate controller NAME [--crud] [--model Model]``."""
    controller = normalise_name(name, "controller name")
    data: dict[str, Any] = {
        **base_data(project),
        "module_name": controller.snake,
        "class_name": _class_name(controller, "Api"),
        "url_path": f"/api/v1/{controller.kebab}",
        "title": controller.title,
        "crud": crud or model is not None,
        "item_class": controller.singular.pascal,
        "item_name": controller.singular.snake,
        "model": None,
    }
    if model is not None:
        require_runtime("database", "generate controller --model")
        model_name = normalise_name(model, "model name")
        if fields is None:
            fields = read_model_fields(project, model_name)
        data["model"] = _model_data(project, model_name, fields)
        data["item_class"] = model_name.pascal
        data["item_name"] = model_name.snake
    entry = f"{project.app_module}.api.{controller.snake}:{data['class_name']}"
    return GenerationRequest(
        kind="controller",
        name=controller.snake,
        parts=[TemplatePart("controller", data)],
        wiring=[WiringEdit("CONTROLLERS", entry)],
        summary=f"controller {data['class_name']} at {data['url_path']}",
    )


def model_request(project: Project, name: str, fields: list[str]) -> GenerationRequest:
    """``generate model NAME field:type ...``."""
    require_runtime("database", "generate model")
    model = normalise_name(name, "model name").singular
    specs = parse_fields(fields)
    return GenerationRequest(
        kind="model",
        name=model.snake,
        parts=[TemplatePart("model", _model_data(project, model, specs))],
        wiring=[WiringEdit("MODELS", _model_import(project, model))],
        summary=f"model {model.pascal} (table {model.plural.snake})",
    )


def resource_request(project: Project, name: str, fields: list[str]) -> GenerationRequest:
    """``generate resource NAME field:type ...``: model, schemas, CRUD, tests, migration."""
    require_runtime("database", "generate resource")
    resource = normalise_name(name, "resource name")
    model = resource.singular
    specs = parse_fields(fields)
    model_part = TemplatePart("model", _model_data(project, model, specs))
    controller = controller_request(
        project, resource.plural.snake, model=model.pascal, fields=specs
    )
    parts = [model_part, *controller.parts]
    migration = migration_part(project, model_part.data, f"create {model.plural.snake} table")
    if migration is not None:
        parts.append(migration)
    return GenerationRequest(
        kind="resource",
        name=resource.plural.snake,
        parts=parts,
        wiring=[WiringEdit("MODELS", _model_import(project, model)), *controller.wiring],
        summary=(
            f"resource {model.pascal}: model, schemas, {controller.parts[0].data['class_name']} "
            f"at {controller.parts[0].data['url_path']}, tests"
            + (", migration" if migration else "")
        ),
    )


def exception_handler_request(project: Project, name: str) -> GenerationRequest:
    """``generate exception-handler NAME``."""
    handler = normalise_name(name, "exception handler name")
    base = handler.pascal.removesuffix("ExceptionHandler").removesuffix("Handler") or handler.pascal
    data = {
        **base_data(project),
        "module_name": handler.snake,
        "class_name": f"{base}ExceptionHandler",
        "exception_class": f"{base}Error",
        "title": handler.title,
    }
    entry = f"{project.app_module}.api.exceptions.{handler.snake}:{data['class_name']}"
    return GenerationRequest(
        kind="exception-handler",
        name=handler.snake,
        parts=[TemplatePart("exception_handler", data)],
        wiring=[WiringEdit("EXCEPTION_HANDLERS", entry)],
        summary=f"exception handler {data['class_name']} with {data['exception_class']}",
    )


def auth_request(project: Project) -> GenerationRequest:
    """``generate auth``: Authentication subclass, User model, login endpoints, tests."""
    require_runtime("auth", "generate auth")
    require_runtime("database", "generate auth")
    user = normalise_name("user")
    specs = parse_fields(["email:str!", "password_hash:str", "is_active:bool"])
    model_part = TemplatePart("model", _model_data(project, user, specs))
    data = {**base_data(project), "model": model_part.data}
    parts = [model_part, TemplatePart("auth", data)]
    migration = migration_part(project, model_part.data, "create users table")
    if migration is not None:
        parts.append(migration)
    package = project.app_module
    return GenerationRequest(
        kind="auth",
        name="auth",
        parts=parts,
        wiring=[
            WiringEdit("EXTENSIONS", f"{package}.authentication:auth"),
            WiringEdit("MODELS", _model_import(project, user)),
            WiringEdit("CONTROLLERS", f"{package}.api.auth:AuthApi"),
        ],
        summary="authentication: Auth extension, User model, /api/v1/auth endpoints, tests",
    )


def scheduler_request(project: Project) -> GenerationRequest:
    """``generate scheduler``: a TaskManager subclass with an example job."""
    require_runtime("task_manager", "generate scheduler")
    return GenerationRequest(
        kind="scheduler",
        name="scheduler",
        parts=[TemplatePart("scheduler", base_data(project))],
        wiring=[WiringEdit("EXTENSIONS", f"{project.app_module}.scheduler:scheduler")],
        summary="scheduler: TaskManager subclass with an example job",
    )


def cache_request(project: Project) -> GenerationRequest:
    """``generate cache``: the Cache extension instance."""
    require_runtime("caching", "generate cache")
    return GenerationRequest(
        kind="cache",
        name="cache",
        parts=[TemplatePart("cache", base_data(project))],
        wiring=[WiringEdit("EXTENSIONS", f"{project.app_module}.cache:cache")],
        summary="cache: Cache extension (memory; Redis with CACHE_REDIS_URL)",
    )


BUILDERS: dict[str, RequestBuilder] = {
    "controller": controller_request,
    "model": model_request,
    "resource": resource_request,
    "exception-handler": exception_handler_request,
    "auth": auth_request,
    "scheduler": scheduler_request,
    "cache": cache_request,
}
