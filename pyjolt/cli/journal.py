"""The generation journal, ``.pyjolt/journal.toml``: what each generate command made.

``destroy`` needs only the kind and the name: the journal lists the files a command
created with their SHA-256 (so edited files are recognised and kept), the migrations it
wrote with the table each creates (so destroy can drop the table instead of deleting a
migration a database has applied), the entries it added to ``configs.py``, the
settings it declared there and the lists it added to other models (``Author.posts``), so
they can be taken out again, and the normalised names it used.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import CliError

JOURNAL_PATH = Path(".pyjolt") / "journal.toml"
JOURNAL_VERSION = 2


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class JournalFile:
    path: str  # relative to the project root, POSIX separators
    sha256: str


@dataclass
class JournalWiring:
    file: str
    list_name: str
    entry: str
    created_list: bool = False


@dataclass
class JournalSetting:
    """A setting a generate command declared in the Config class (``NAME: str | None``)."""

    file: str
    name: str


@dataclass
class JournalMigration:
    """A migration a generate command wrote: the table it creates and its columns."""

    path: str  # relative to the project root, POSIX separators
    sha256: str
    revision: str
    down_revision: str  # "" for the first migration
    table: str
    fields: list[str] = field(default_factory=list)  # field specs: "email:str!"
    key: str = "int"  # the id column's type: int or uuid


@dataclass
class JournalModelEdit:
    """A list of rows a generate command added to another model (``Author.posts``).

    What it records gives back the statement as written, so destroy takes it out only
    while it still reads so; ``imports`` are the names the edit imported that the file
    lacked (``typing.TYPE_CHECKING``, ``sqlalchemy.orm.relationship``,
    ``app.models.post.Post``), taken out again with it while nothing else uses them.
    """

    file: str
    model: str  # the class edited: Author
    attribute: str  # posts
    item_class: str  # Post
    item_module: str  # app.models.post
    back_populates: str  # author
    foreign_key: str = ""
    imports: list[str] = field(default_factory=list)


@dataclass
class JournalEntry:
    kind: str
    name: str
    template_version: str
    created_at: str
    files: list[JournalFile] = field(default_factory=list)
    wiring: list[JournalWiring] = field(default_factory=list)
    migrations: list[JournalMigration] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    settings: list[JournalSetting] = field(default_factory=list)
    model_edits: list[JournalModelEdit] = field(default_factory=list)


@dataclass
class Journal:
    entries: list[JournalEntry] = field(default_factory=list)

    def find(self, kind: str, name: str) -> JournalEntry | None:
        for entry in self.entries:
            if entry.kind == kind and entry.name == name:
                return entry
        return None

    def record(self, entry: JournalEntry) -> None:
        """Add ``entry``, replacing an earlier one of the same kind and name."""
        self.entries = [e for e in self.entries if (e.kind, e.name) != (entry.kind, entry.name)]
        self.entries.append(entry)

    def forget(self, kind: str, name: str) -> None:
        self.entries = [e for e in self.entries if (e.kind, e.name) != (kind, name)]

    def owner_of_table(self, table: str) -> tuple[JournalEntry, JournalMigration] | None:
        """The entry whose migration creates ``table``, if any."""
        for entry in self.entries:
            for migration in entry.migrations:
                if migration.table == table:
                    return entry, migration
        return None

    def owner_of_file(self, path: str) -> JournalEntry | None:
        for entry in self.entries:
            if any(f.path == path for f in entry.files):
                return entry
        return None


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def load_journal(root: Path) -> Journal:
    path = root / JOURNAL_PATH
    if not path.is_file():
        return Journal()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CliError(f"cannot read the generation journal {path}: {exc}") from exc
    version = data.get("version", 1)
    if not isinstance(version, int) or version > JOURNAL_VERSION:
        raise CliError(
            f"the generation journal {path} has version {version!r}, newer than this "
            f"pyjolt reads ({JOURNAL_VERSION}); nothing was changed",
            hint='upgrade PyJolt: pip install --upgrade "pyjolt"',
        )
    journal = Journal()
    for raw in data.get("entries", []):
        journal.entries.append(
            JournalEntry(
                kind=str(raw["kind"]),
                name=str(raw["name"]),
                template_version=str(raw.get("template_version", "")),
                created_at=str(raw.get("created_at", "")),
                files=[JournalFile(f["path"], f["sha256"]) for f in raw.get("files", [])],
                wiring=[
                    JournalWiring(
                        w["file"], w["list"], w["entry"], bool(w.get("created_list", False))
                    )
                    for w in raw.get("wiring", [])
                ],
                migrations=[
                    JournalMigration(
                        str(m["path"]),
                        str(m["sha256"]),
                        str(m["revision"]),
                        str(m.get("down_revision", "")),
                        str(m["table"]),
                        [str(spec) for spec in m.get("fields", [])],
                        str(m.get("key", "int")),
                    )
                    for m in raw.get("migrations", [])
                ],
                names={str(k): str(v) for k, v in raw.get("names", {}).items()},
                settings=[
                    JournalSetting(str(item["file"]), str(item["name"]))
                    for item in raw.get("settings", [])
                ],
                model_edits=[
                    JournalModelEdit(
                        str(item["file"]),
                        str(item["model"]),
                        str(item["attribute"]),
                        str(item["item_class"]),
                        str(item["item_module"]),
                        str(item["back_populates"]),
                        str(item.get("foreign_key", "")),
                        [str(name) for name in item.get("imports", [])],
                    )
                    for item in raw.get("model_edits", [])
                ],
            )
        )
    return journal


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(ch if ch >= " " else f"\\u{ord(ch):04x}" for ch in escaped)
    return f'"{escaped}"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to the journal")


def dump_journal(journal: Journal) -> str:
    """TOML text of the journal (a small writer: the journal holds strings and flags)."""
    lines = [
        "# Written by the pyjolt CLI: what each 'pyjolt generate' created, so that",
        "# 'pyjolt destroy KIND NAME' can undo it. Safe to commit.",
        f"version = {JOURNAL_VERSION}",
    ]
    for entry in journal.entries:
        lines += [
            "",
            "[[entries]]",
            f"kind = {_toml_string(entry.kind)}",
            f"name = {_toml_string(entry.name)}",
            f"template_version = {_toml_string(entry.template_version)}",
            f"created_at = {_toml_string(entry.created_at)}",
            f"names = {_toml_value(entry.names)}",
            "files = [",
            *(f"    {_toml_value({'path': f.path, 'sha256': f.sha256})}," for f in entry.files),
            "]",
            "wiring = [",
            *(
                "    "
                + _toml_value(
                    {
                        "file": w.file,
                        "list": w.list_name,
                        "entry": w.entry,
                        "created_list": w.created_list,
                    }
                )
                + ","
                for w in entry.wiring
            ),
            "]",
            "migrations = [",
            *(
                "    "
                + _toml_value(
                    {
                        "path": m.path,
                        "sha256": m.sha256,
                        "revision": m.revision,
                        "down_revision": m.down_revision,
                        "table": m.table,
                        "fields": m.fields,
                        # written for uuid keys only: int is the default of older entries
                        **({"key": m.key} if m.key != "int" else {}),
                    }
                )
                + ","
                for m in entry.migrations
            ),
            "]",
        ]
        if entry.settings:  # only kinds that declare settings write the key
            lines += [
                "settings = [",
                *(
                    f"    {_toml_value({'file': item.file, 'name': item.name})},"
                    for item in entry.settings
                ),
                "]",
            ]
        if entry.model_edits:  # only entries that edited other models write the key
            lines += [
                "model_edits = [",
                *(
                    "    "
                    + _toml_value(
                        {
                            "file": item.file,
                            "model": item.model,
                            "attribute": item.attribute,
                            "item_class": item.item_class,
                            "item_module": item.item_module,
                            "back_populates": item.back_populates,
                            "foreign_key": item.foreign_key,
                            "imports": item.imports,
                        }
                    )
                    + ","
                    for item in entry.model_edits
                ),
                "]",
            ]
    return "\n".join(lines) + "\n"


def save_journal(root: Path, journal: Journal) -> None:
    from .files import write_atomically

    path = root / JOURNAL_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, dump_journal(journal).encode("utf-8"))
