"""Writing planned files safely: atomic replacement, and rollback when a step fails."""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

logger = logging.getLogger(__name__)


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def default_file_mode() -> int:
    """What ``open()`` would give a new file: 0o666 less the user's umask."""
    return 0o666 & ~current_umask()


def default_folder_mode() -> int:
    """What ``mkdir`` would give a new folder: 0o777 less the user's umask (a folder
    made with ``tempfile.mkdtemp`` is 0o700 whatever the umask)."""
    return 0o777 & ~current_umask()


def write_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to a temporary file beside ``path``, then ``os.replace`` it.

    An existing file keeps its permission bits; a new one gets ``mode`` (default: as
    ``open()`` would, from the umask).
    """
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode if mode is not None else default_file_mode())
        os.replace(tmp_name, path)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


@dataclass
class Transaction:
    """Files written so far, with what they replaced, so a failure can undo them all."""

    created: list[Path] = field(default_factory=list)
    created_dirs: list[Path] = field(default_factory=list)
    replaced: list[tuple[Path, bytes]] = field(default_factory=list)

    def make_dirs(self, folder: Path) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            path.mkdir()
            self.created_dirs.append(path)

    def write(self, path: Path, data: bytes, mode: int | None = None) -> None:
        self.make_dirs(path.parent)
        previous = path.read_bytes() if path.is_file() else None
        write_atomically(path, data, mode)
        if previous is None:
            self.created.append(path)
        else:
            self.replaced.append((path, previous))

    def remove(self, path: Path) -> None:
        data = path.read_bytes()
        path.unlink()
        self.replaced.append((path, data))

    def rollback(self) -> None:
        """Undo every write, newest first.

        Each step is tried on its own: one that fails is logged and the rest still run,
        so a failure while undoing never leaves the other written files behind.
        """
        for path in reversed(self.created):
            _attempt(f"remove {path}", partial(path.unlink, missing_ok=True))
        for path, data in reversed(self.replaced):
            _attempt(f"restore {path}", partial(write_atomically, path, data))
        for folder in reversed(self.created_dirs):
            _attempt(f"remove folder {folder}", folder.rmdir)


def _attempt(what: str, action: Callable[[], object]) -> None:
    try:
        action()
    except OSError as exc:
        logger.warning("rollback could not %s: %s", what, exc)
