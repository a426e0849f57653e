"""Every project template version a project can record stays renderable, unchanged."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from pyjolt.cli.errors import CliError
from pyjolt.cli.template_versions import (
    current_version,
    history_dir,
    known_versions,
    template_of,
)
from pyjolt.cli.templates import template_dir

from .conftest import CliRunner

FIXTURE = Path(__file__).parent / "fixtures" / "project_template_v1"
#: sha256 of the current project template (see fingerprint()). A change to the template
#: is a new version: follow project_templates/history/README.md, then update this.
FINGERPRINTS = {"2": "8bcc740374bd6f25fabea3c291eed90af79247b4cfd25774791914e430bb83c5"}


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for name, data in files_of(folder).items():
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def test_the_current_template_is_the_version_it_says() -> None:
    version, found = current_version(), fingerprint(template_dir("project"))
    assert FINGERPRINTS.get(version) == found, (
        f"project_templates/project changed (fingerprint {found}) but still says it is "
        f"version {version}. If version {version} was released, copy it unchanged into "
        f"project_templates/history/project/{version}/ from git and bump "
        "_pyjolt_template_version; otherwise record the new fingerprint here."
    )


def test_version_1_is_kept_exactly_as_projects_were_made_from_it() -> None:
    assert files_of(history_dir() / "1") == files_of(FIXTURE)


def test_every_known_version_has_a_template() -> None:
    assert known_versions()[0] == "1" and known_versions()[-1] == current_version()
    for version in known_versions():
        assert (template_of(version) / "copier.yml").is_file()
    with pytest.raises(CliError, match="does not know project template version '99'"):
        template_of("99")


def test_new_project_records_the_template_version_and_pyjolt_version(
    cli: CliRunner, tmp_path: Path
) -> None:
    from pyjolt import __version__

    result = cli("new-project", str(tmp_path / "shop"), "--defaults")

    assert result.code == 0, result.err
    answers = yaml.safe_load((tmp_path / "shop" / ".copier-answers.yml").read_text())
    assert answers["_commit"] == current_version()
    assert answers["pyjolt_version"] == __version__
