"""Writing planned files safely: atomic replacement, and rollback when a step fails."""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)


def write_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to a temporary file beside ``path``, then ``os.replace`` it.

    An existing file keeps its permission bits; a new one gets ``mode`` (default 0o644).
    """
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode if mode is not None else 0o644)
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
        if path.exists():
            self.replaced.append((path, path.read_bytes()))
        else:
            self.created.append(path)
        write_atomically(path, data, mode)

    def remove(self, path: Path) -> None:
        self.replaced.append((path, path.read_bytes()))
        path.unlink()

    def rollback(self) -> None:
        """Undo every write, newest first; best effort (failures are logged, not raised)."""
        for path in reversed(self.created):
            path.unlink(missing_ok=True)
        for path, data in reversed(self.replaced):
            try:
                write_atomically(path, data)
            except OSError as exc:
                logger.warning("could not restore %s: %s", path, exc)
        for folder in reversed(self.created_dirs):
            try:
                folder.rmdir()
            except OSError as exc:  # not empty: something else was written there
                logger.warning("left folder %s in place: %s", folder, exc)
