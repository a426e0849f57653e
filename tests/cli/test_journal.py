"""The generation journal reads back what it wrote."""

from pathlib import Path

from pyjolt.cli.journal import (
    Journal,
    JournalEntry,
    JournalFile,
    JournalSetting,
    JournalWiring,
    dump_journal,
    load_journal,
    save_journal,
)


def entry(**changes: object) -> JournalEntry:
    base = JournalEntry(
        kind="deploy",
        name="deploy",
        template_version="0.1.0",
        created_at="2025-01-01T00:00:00+00:00",
        files=[JournalFile("Dockerfile", "ab" * 32)],
        wiring=[JournalWiring("app/configs.py", "EXTENSIONS", "app.scheduler:scheduler")],
        names={"image": "shop"},
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_declared_settings_are_read_back(tmp_path: Path) -> None:
    settings = [JournalSetting("app/configs.py", "TASK_MANAGER_BROKER_URL")]
    save_journal(tmp_path, Journal([entry(settings=settings)]))
    [loaded] = load_journal(tmp_path).entries
    assert loaded == entry(settings=settings)


def test_entries_without_settings_write_no_settings_key() -> None:
    assert "settings" not in dump_journal(Journal([entry()]))
