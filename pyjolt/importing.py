"""Loading the ``'package.module:Name'`` import strings used in the config lists."""

from __future__ import annotations

import importlib
from typing import Any


class ImportStringError(ImportError):
    """An import string in the config could not be loaded; the message names the entry."""


def load_import_string(entry: str, setting: str) -> Any:
    """Import ``'package.module:attr.sub'`` and return the named object.

    ``setting`` is the config key the entry came from (CONTROLLERS, EXTENSIONS, ...), so
    the error can say exactly which line of ``configs.py`` to fix.
    """
    if not isinstance(entry, str) or entry.count(":") != 1:
        raise ImportStringError(
            f"{setting} entry {entry!r}: expected an import string like 'package.module:Name'"
        )
    module_name, _, attr_path = entry.partition(":")
    if not module_name or not attr_path:
        raise ImportStringError(
            f"{setting} entry {entry!r}: expected an import string like 'package.module:Name'"
        )
    try:
        target: Any = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only the module itself (or a parent package) missing means "not found"; a
        # missing dependency of 'redis_cache' such as 'redis' is an import failure.
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            raise ImportStringError(
                f"{setting} entry {entry!r}: module {module_name!r} could not be found ({exc})"
            ) from exc
        raise ImportStringError(
            f"{setting} entry {entry!r}: importing module {module_name!r} failed: {exc}"
        ) from exc
    for part in attr_path.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise ImportStringError(
                f"{setting} entry {entry!r}: module {module_name!r} has no attribute {part!r}"
            ) from None
    return target


def import_optional(module_name: str, purpose: str, extra: str) -> Any:
    """Import an optional dependency, or fail with the pip command that installs it.

    ``purpose`` says who needs it ("the Redis cache backend"), ``extra`` which PyJolt
    extra brings it (``cache`` -> ``pip install "pyjolt[cache]"``).
    """
    try:
        return importlib.import_module(module_name)
    except ImportError as exc:
        raise ImportError(
            f"{purpose} needs the {module_name.partition('.')[0]} package: "
            f'pip install "pyjolt[{extra}]"'
        ) from exc
