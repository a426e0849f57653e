"""The generated deployment recipe read as Docker and Compose read it, and built without
a container engine.

``read_dockerfile`` parses a Dockerfile with BuildKit's own parser (the ``dockerfile``
package) into stages. :class:`Build` runs the instructions as processes on this machine,
with every absolute path of the image mapped under one folder (``root``): ``ARG`` and
``ENV`` values are expanded as Docker expands them, ``WORKDIR`` and ``COPY`` act on the
mapped paths (``COPY`` from the context honours ``.dockerignore``), and ``RUN`` runs its
command with ``sh -c`` in the mapped working directory with the stage's environment. So
the install command the image runs is exactly the one run here.

Not reproducible without an engine, and checked as text instead: the base image (this
machine's Python stands in for it) and the final stage's ``groupadd``/``useradd`` lines,
which would change this machine's users.

``interpolate`` resolves compose.yaml's ``${VAR}``, ``${VAR:-default}`` and
``${VAR:?error}`` as Compose does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

RUN_TIMEOUT = 900
USER_SETUP = re.compile(r"^(groupadd|useradd)\b")


@dataclass(frozen=True)
class Instruction:
    cmd: str  # upper case: FROM, RUN, COPY...
    flags: tuple[str, ...]
    value: tuple[str, ...]
    json: bool  # exec form (["a", "b"]) rather than shell form


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, cmd: str) -> list[Instruction]:
        return [item for item in self.instructions if item.cmd == cmd]

    def last(self, cmd: str) -> Instruction | None:
        found = self.all(cmd)
        return found[-1] if found else None


@dataclass
class Dockerfile:
    global_args: dict[str, str]
    stages: list[Stage]

    def stage(self, name: str) -> Stage:
        return next(stage for stage in self.stages if stage.name == name)


def read_dockerfile(text: str) -> Dockerfile:
    """Stages and their instructions, as BuildKit's parser reads the file."""
    import dockerfile

    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for command in dockerfile.parse_string(text):
        item = Instruction(command.cmd.upper(), command.flags, command.value, command.json)
        if item.cmd == "FROM":
            base, *alias = item.value
            name = alias[1] if len(alias) == 2 and alias[0].upper() == "AS" else str(len(stages))
            stages.append(Stage(name, base))
        elif not stages:
            if item.cmd == "ARG":
                key, _, default = item.value[0].partition("=")
                global_args[key] = default
        else:
            stages[-1].instructions.append(item)
    return Dockerfile(global_args, stages)


def key_values(item: Instruction) -> list[tuple[str, str]]:
    """``ENV A=1 B=2`` (or ``ENV A 1``) as pairs, values still quoted as written."""
    values = list(item.value)
    return list(zip(values[::2], values[1::2], strict=True))


_VARIABLE = re.compile(r"\$(?:\{(?P<braced>\w+)(?::-(?P<default>[^}]*))?\}|(?P<plain>\w+))")


def expand(value: str, env: Mapping[str, str]) -> str:
    """Docker's expansion of ``$VAR``, ``${VAR}`` and ``${VAR:-default}``; quotes removed."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        quote, value = value[0], value[1:-1]
        if quote == "'":
            return value

    def replace(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("plain")
        found = env.get(name, "")
        if not found and match.group("default") is not None:
            return match.group("default")
        return found

    return _VARIABLE.sub(replace, value)


class InterpolationError(ValueError):
    """compose.yaml needs a variable that is not set (``${VAR:?message}``)."""


_COMPOSE_VARIABLE = re.compile(
    r"\$\$|\$\{(?P<name>\w+)(?:(?P<op>:-|:\?|-|\?)(?P<arg>[^}]*))?\}|\$(?P<plain>\w+)"
)


def interpolate(value: Any, env: Mapping[str, str]) -> Any:
    """Compose's interpolation of every string in a parsed compose.yaml value."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("name") or match.group("plain")
        op, arg = match.group("op"), match.group("arg")
        found = env.get(name)
        unset = found is None or (found == "" and op in (":-", ":?"))
        if unset and op in (":?", "?"):
            raise InterpolationError(f"{name}: {arg}")
        if unset and op in (":-", "-"):
            return str(arg)
        return found or ""

    return _COMPOSE_VARIABLE.sub(replace, value)


def _ignore_pattern(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern (Go's filepath.Match, plus ``**``) as a regex."""
    out = ""
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out, index = out + "(?:.*/)?", index + 3
        elif pattern.startswith("**", index):
            out, index = out + ".*", index + 2
        elif pattern[index] == "*":
            out, index = out + "[^/]*", index + 1
        elif pattern[index] == "?":
            out, index = out + "[^/]", index + 1
        elif pattern[index] == "[":
            end = pattern.index("]", index)
            out, index = out + pattern[index : end + 1], end + 1
        else:
            out, index = out + re.escape(pattern[index]), index + 1
    return re.compile(out + "$")


def dockerignore(context: Path) -> list[tuple[bool, re.Pattern[str]]]:
    """``(excluded, pattern)`` rules of the context's .dockerignore, in order."""
    path = context / ".dockerignore"
    rules = []
    for line in path.read_text().splitlines() if path.is_file() else []:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        cleaned = PurePosixPath(line.lstrip("!").strip("/")).as_posix()
        rules.append((not negated, _ignore_pattern(cleaned)))
    return rules


def is_ignored(relative: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker's rule: the last pattern matching the path, or a folder above it, decides."""
    parts = relative.split("/")
    prefixes = ["/".join(parts[: depth + 1]) for depth in range(len(parts))]
    ignored = False
    for excluded, pattern in rules:
        if any(pattern.match(prefix) for prefix in prefixes):
            ignored = excluded
    return ignored


def context_files(context: Path) -> list[str]:
    """The files ``COPY . .`` takes from the build context."""
    rules = dockerignore(context)
    found = []
    for path in sorted(context.rglob("*")):
        relative = path.relative_to(context).as_posix()
        if path.is_file() and not is_ignored(relative, rules):
            found.append(relative)
    return found


@dataclass
class Image:
    """What the final stage leaves for ``docker run``."""

    root: Path
    env: dict[str, str]
    workdir: Path
    user: str
    cmd: list[str]
    healthcheck: list[str]

    def path(self, image_path: str) -> Path:
        return self.root / image_path.lstrip("/")


@dataclass
class Build:
    """Runs a Dockerfile's stages on this machine, the image's ``/`` mapped to ``root``."""

    dockerfile: Dockerfile
    context: Path
    root: Path
    base_env: dict[str, str]  # the base image's environment (PATH with its python)
    log: list[str] = field(default_factory=list)

    def map(self, image_path: str, workdir: Path) -> Path:
        if image_path.startswith("/"):
            return self.root / image_path.lstrip("/")
        return workdir / image_path

    def run(self) -> Image:
        self.root.mkdir(parents=True, exist_ok=True)
        image: Image | None = None
        for index, stage in enumerate(self.dockerfile.stages):
            image = self._stage(stage, final=index == len(self.dockerfile.stages) - 1)
        assert image is not None
        return image

    def _stage(self, stage: Stage, final: bool) -> Image:
        env = dict(self.base_env)
        args = dict(self.dockerfile.global_args)
        workdir = self.root
        user, cmd, healthcheck = "root", [], []
        for item in stage.instructions:
            if item.cmd == "ARG":
                key, _, default = item.value[0].partition("=")
                args[key] = expand(default, {**args, **env}) if default else args.get(key, "")
            elif item.cmd == "ENV":
                for key, raw in key_values(item):
                    value = expand(raw, {**args, **env})
                    # A path written in the Dockerfile is the image's; one that came from
                    # a variable is mapped already.
                    if raw.strip("\"'").startswith("/"):
                        value = str(self.map(value, workdir))
                    env[key] = value
            elif item.cmd == "WORKDIR":
                workdir = self.map(expand(item.value[0], env), workdir)
                workdir.mkdir(parents=True, exist_ok=True)
            elif item.cmd == "COPY":
                self._copy(item, workdir, env)
            elif item.cmd == "RUN":
                self._run(item, workdir, env, final)
            elif item.cmd == "USER":
                user = item.value[0]
            elif item.cmd == "CMD":
                cmd = list(item.value)
            elif item.cmd == "HEALTHCHECK":
                healthcheck = list(item.value[1:]) if item.value[0] == "CMD" else []
            elif item.cmd not in {"EXPOSE", "LABEL"}:
                raise NotImplementedError(f"{item.cmd} is not emulated; extend Build")
        return Image(self.root, env, workdir, user, cmd, healthcheck)

    def _copy(self, item: Instruction, workdir: Path, env: Mapping[str, str]) -> None:
        *sources, destination = (expand(value, env) for value in item.value)
        source_stage = next((f[7:] for f in item.flags if f.startswith("--from=")), None)
        target = self.map(destination, workdir)
        for source in sources:
            if source_stage is None:
                self._copy_context(source, target, destination)
                continue
            origin = self.root / source.lstrip("/")
            into_folder = destination.endswith("/") or destination in {".", "./"}
            final = target / origin.name if into_folder else target
            if final.resolve() == origin.resolve():
                continue  # the stages share this root: the path is already there
            if origin.is_dir():
                shutil.copytree(origin, final, symlinks=True, dirs_exist_ok=True)
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, final)

    def _copy_context(self, source: str, target: Path, destination: str) -> None:
        prefix = "" if source in {".", "./"} else source.strip("/")
        for relative in context_files(self.context):
            if prefix and relative != prefix and not relative.startswith(prefix + "/"):
                continue
            inner = relative[len(prefix) :].lstrip("/") if prefix else relative
            final = target / (inner or Path(relative).name)
            if not inner and not destination.endswith("/"):
                final = target
            final.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(self.context / relative, final)

    def _run(self, item: Instruction, workdir: Path, env: dict[str, str], final: bool) -> None:
        command = list(item.value) if item.json else ["sh", "-c", item.value[0]]
        if final and not item.json and USER_SETUP.match(item.value[0]):
            self.log.append(f"not run (would change this machine's users): {item.value[0]}")
            return
        result = subprocess.run(
            command,
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
        self.log.append(f"RUN {item.value[0]} -> {result.returncode}")
        if result.returncode != 0:
            raise RuntimeError(
                f"RUN {item.value[0]} exited {result.returncode}\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )


def base_image_env(shims: Path, python: str) -> dict[str, str]:
    """The environment a ``python:*-slim`` image starts with, this machine's Python as its
    ``python``: PATH finds ``python`` in ``shims`` first, then the system's tools."""
    shims.mkdir(parents=True, exist_ok=True)
    for name in ("python", "python3"):
        link = shims / name
        if not link.exists():
            link.symlink_to(python)
    keep = ("HOME", "LANG", "LC_ALL", "TMPDIR", "PIP_CERT", "PIP_FIND_LINKS", "PIP_DEFAULT_TIMEOUT")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env["PATH"] = f"{shims}{os.pathsep}/usr/local/bin:/usr/bin:/bin"
    return env
