"""The copy of Swagger UI shipped in pyjolt/openapi/swagger_ui/, and the script that fetches it."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import re
import tarfile
from pathlib import Path
from types import ModuleType

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
SHIPPED = REPOSITORY / "pyjolt" / "openapi" / "swagger_ui"
SCRIPT = REPOSITORY / "scripts" / "update_swagger_ui.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_swagger_ui", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return load_script()


@pytest.fixture(scope="module")
def source() -> dict[str, object]:
    return dict(json.loads((SHIPPED / "SOURCE.json").read_text(encoding="utf-8")))


# --- the shipped files ------------------------------------------------------------------
def test_every_shipped_file_matches_the_hash_recorded_when_it_was_fetched(source):
    recorded = source["files"]
    assert isinstance(recorded, dict)
    actual = {name: hashlib.sha256((SHIPPED / name).read_bytes()).hexdigest() for name in recorded}
    assert actual == recorded


def test_the_folder_holds_the_recorded_files_and_nothing_else(source, script):
    names = {entry.name for entry in SHIPPED.iterdir()}
    assert names == {*script.FILES, "VERSION", "SOURCE.json"}
    assert set(source["files"]) == set(script.FILES)  # type: ignore[arg-type]


def test_version_file_names_the_recorded_swagger_ui_5_release(source):
    version = (SHIPPED / "VERSION").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"5\.\d+\.\d+", version)
    assert source["version"] == version
    assert source["package"] == "swagger-ui-dist"
    assert source["tarball"] == (
        f"https://registry.npmjs.org/swagger-ui-dist/-/swagger-ui-dist-{version}.tgz"
    )
    assert str(source["integrity"]).startswith("sha512-")


def test_the_apache_license_and_notice_travel_with_the_code():
    assert "Apache License" in (SHIPPED / "LICENSE").read_text(encoding="utf-8")
    assert "swagger-ui" in (SHIPPED / "NOTICE").read_text(encoding="utf-8")


# --- the fetch script, against a fake registry ------------------------------------------
def tarball_with(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


@pytest.fixture
def registry(monkeypatch, script):
    """Serve one fake swagger-ui-dist 9.9.9 to the script; returns a dict to tamper with."""
    files = {name: f"content of {name}".encode() for name in script.FILES}
    tarball = tarball_with(files)
    state = {"tarball": tarball, "integrity": sri(tarball), "files": files}
    url = "https://registry.npmjs.org/swagger-ui-dist/-/swagger-ui-dist-9.9.9.tgz"

    def fake_fetch(requested: str) -> bytes:
        if requested == "https://registry.npmjs.org/swagger-ui-dist/9.9.9":
            return json.dumps({"dist": {"tarball": url, "integrity": state["integrity"]}}).encode()
        if requested == url:
            return state["tarball"]  # type: ignore[return-value]
        raise AssertionError(f"unexpected fetch of {requested}")

    monkeypatch.setattr(script, "fetch", fake_fetch)
    return state


def test_script_returns_the_listed_files_of_a_verified_tarball(script, registry):
    url, integrity, files = script.download("9.9.9", None)
    assert url.endswith("swagger-ui-dist-9.9.9.tgz")
    assert integrity == registry["integrity"]
    assert files == registry["files"]


def test_script_refuses_a_tarball_that_does_not_match_its_integrity(script, registry):
    registry["tarball"] = tarball_with({"swagger-ui-bundle.js": b"tampered"})
    with pytest.raises(script.FetchError, match="does not match integrity"):
        script.download("9.9.9", None)


def test_script_refuses_a_pinned_version_whose_integrity_changed(script, registry):
    with pytest.raises(script.FetchError, match=r"SOURCE\.json recorded sha512-old"):
        script.download("9.9.9", "sha512-old")


def test_script_refuses_a_tarball_missing_a_needed_file(script, registry):
    del registry["files"]["swagger-ui.css"]
    registry["tarball"] = tarball_with(registry["files"])
    registry["integrity"] = sri(registry["tarball"])
    with pytest.raises(script.FetchError, match=r"has no swagger-ui\.css"):
        script.download("9.9.9", None)


@pytest.mark.parametrize("version", ["latest", "5", "5.0.0/../../x", "5.0.0-beta.1"])
def test_script_accepts_only_plain_release_versions(script, version):
    with pytest.raises(script.FetchError, match="not a release version"):
        script.download(version, None)


def test_script_writes_the_files_version_and_source(script, registry, monkeypatch, tmp_path):
    monkeypatch.setattr(script, "DESTINATION", tmp_path)
    (tmp_path / "dropped-upstream.js").write_text("old")
    url, integrity, files = script.download("9.9.9", None)
    script.write("9.9.9", url, integrity, files)
    assert (tmp_path / "VERSION").read_text() == "9.9.9\n"
    written = json.loads((tmp_path / "SOURCE.json").read_text())
    assert written["integrity"] == integrity
    assert written["files"]["NOTICE"] == hashlib.sha256(b"content of NOTICE").hexdigest()
    assert (tmp_path / "swagger-ui.css").read_bytes() == b"content of swagger-ui.css"
    assert not (tmp_path / "dropped-upstream.js").exists()


def test_the_docs_name_the_shipped_release():
    version = (SHIPPED / "VERSION").read_text(encoding="utf-8").strip()
    docs = (REPOSITORY / "docs" / "openapi.md").read_text(encoding="utf-8")
    assert f"Swagger UI {version}" in docs
    assert f"/openapi/swagger-ui/{version}/swagger-ui-bundle.js" in docs
