"""``pyjolt generate ...``: the generator commands (implementations imported lazily)."""

from __future__ import annotations

from typing import Annotated

import typer

from .options import AppOption, DryRunOption, ForceOption

generate_app = typer.Typer(
    help="Add code to the project from templates and wire it into app/configs.py.",
    no_args_is_help=True,
)


@generate_app.command(
    "controller",
    epilog=(
        "Examples:\n\n"
        "  pyjolt generate controller users\n\n"
        "  pyjolt generate controller user-accounts --crud\n\n"
        "  pyjolt generate controller posts --crud --model Post"
    ),
)
def generate_controller(
    name: Annotated[str, typer.Argument(help="Controller name, e.g. 'users'.")],
    crud: Annotated[
        bool, typer.Option("--crud", help="List/get/create/update/delete endpoints.")
    ] = False,
    model: Annotated[
        str | None, typer.Option("--model", help="Model class the CRUD endpoints use.")
    ] = None,
    force: ForceOption = False,
    dry_run: DryRunOption = False,
    app_spec: AppOption = None,
) -> None:
    """Add a controller (app/api/NAME.py) and its test, and register it in CONTROLLERS."""
    from .generators import controller_request, run_request

    run_request(controller_request, app_spec, force, dry_run, name=name, crud=crud, model=model)


@generate_app.command(
    "model",
    epilog=(
        "Field types: str, text, int, float, bool, datetime, date, uuid, json; "
        "append ? for nullable, ! for unique.\n\n"
        "Examples:\n\n"
        "  pyjolt generate model User email:str! full_name:str bio:text?"
    ),
)
def generate_model(
    name: Annotated[str, typer.Argument(help="Model name, e.g. 'User'.")],
    fields: Annotated[list[str] | None, typer.Argument(help="Fields as name:type[?][!].")] = None,
    force: ForceOption = False,
    dry_run: DryRunOption = False,
    app_spec: AppOption = None,
) -> None:
    """Add a SQLAlchemy model (app/models/NAME.py) and register it in MODELS."""
    from .generators import model_request, run_request

    run_request(model_request, app_spec, force, dry_run, name=name, fields=fields or [])


@generate_app.command(
    "resource",
    epilog=(
        "Examples:\n\n  pyjolt generate resource products name:str! price:float description:text?"
    ),
)
def generate_resource(
    name: Annotated[str, typer.Argument(help="Resource name, e.g. 'products'.")],
    fields: Annotated[list[str] | None, typer.Argument(help="Fields as name:type[?][!].")] = None,
    force: ForceOption = False,
    dry_run: DryRunOption = False,
    app_spec: AppOption = None,
) -> None:
    """Model + schemas + paginated CRUD controller + tests + migration, all wired."""
    from .generators import resource_request, run_request

    run_request(resource_request, app_spec, force, dry_run, name=name, fields=fields or [])


@generate_app.command(
    "exception-handler",
    epilog="Examples:\n\n  pyjolt generate exception-handler billing",
)
def generate_exception_handler(
    name: Annotated[str, typer.Argument(help="Handler name, e.g. 'billing'.")],
    force: ForceOption = False,
    dry_run: DryRunOption = False,
    app_spec: AppOption = None,
) -> None:
    """Add an ExceptionHandler with a custom exception and register it."""
    from .generators import exception_handler_request, run_request

    run_request(exception_handler_request, app_spec, force, dry_run, name=name)


@generate_app.command("auth", epilog="Examples:\n\n  pyjolt generate auth")
def generate_auth(
    force: ForceOption = False,
    dry_run: DryRunOption = False,
    app_spec: AppOption = None,
) -> None:
    """Bearer-token Auth extension, User model, register/login/me endpoints, tests."""
    from .generators import auth_request, run_request

    run_request(auth_request, app_spec, force, dry_run)


@generate_app.command("scheduler", epilog="Examples:\n\n  pyjolt generate scheduler")
def generate_scheduler(
    force: ForceOption = False,
    dry_run: DryRunOption = False,
    app_spec: AppOption = None,
) -> None:
    """A TaskManager subclass with an example job, registered in EXTENSIONS."""
    from .generators import run_request, scheduler_request

    run_request(scheduler_request, app_spec, force, dry_run)


@generate_app.command("cache", epilog="Examples:\n\n  pyjolt generate cache")
def generate_cache(
    force: ForceOption = False,
    dry_run: DryRunOption = False,
    app_spec: AppOption = None,
) -> None:
    """The Cache extension (memory, or Redis with CACHE_REDIS_URL), registered."""
    from .generators import cache_request, run_request

    run_request(cache_request, app_spec, force, dry_run)
