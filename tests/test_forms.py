"""Form bodies through @consumes: url-encoded and multipart into models, uploads, limits."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from pyjolt import MediaType, Request, Response, UploadedFile
from pyjolt.controller import Controller, consumes, path, post
from pyjolt.testing import PyJoltTestClient

BOUNDARY = "pyjolt-test-boundary"
ONE_MIB = 1024 * 1024


class Signup(BaseModel):
    name: str
    age: int
    tags: list[str] = []
    newsletter: bool = False


class Avatar(BaseModel):
    name: str
    avatar: UploadedFile


class Gallery(BaseModel):
    title: str
    photos: list[UploadedFile]


async def describe(upload: UploadedFile) -> dict[str, Any]:
    content = await upload.read()
    return {
        "filename": upload.filename,
        "content_type": upload.content_type,
        "size": upload.size,
        "read_size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }


@path("/forms")
class FormApi(Controller):
    @post("/signup")
    @consumes(MediaType.APPLICATION_X_WWW_FORM_URLENCODED)
    async def signup(self, req: Request, data: Signup) -> Response:
        return req.response.json({"type": type(data).__name__, **data.model_dump()})

    @post("/signup-multipart")
    @consumes(MediaType.MULTIPART_FORM_DATA)
    async def signup_multipart(self, req: Request, data: Signup) -> Response:
        return req.response.json(data.model_dump())

    @post("/fields")
    @consumes(MediaType.APPLICATION_X_WWW_FORM_URLENCODED)
    async def fields(self, req: Request, data: dict[str, str]) -> Response:
        return req.response.json({"count": len(data)})

    @post("/multipart-fields")
    @consumes(MediaType.MULTIPART_FORM_DATA)
    async def multipart_fields(self, req: Request, data: dict[str, Any]) -> Response:
        sizes = {
            key: value.size if isinstance(value, UploadedFile) else len(value)
            for key, value in data.items()
        }
        return req.response.json({"count": len(data), "sizes": sizes})

    @post("/avatar")
    @consumes(MediaType.MULTIPART_FORM_DATA)
    async def avatar(self, req: Request, data: Avatar) -> Response:
        return req.response.json(
            {
                "name": data.name,
                "is_upload": isinstance(data.avatar, UploadedFile),
                **(await describe(data.avatar)),
            }
        )

    @post("/avatar/save")
    @consumes(MediaType.MULTIPART_FORM_DATA)
    async def save_avatar(self, req: Request, data: Avatar) -> Response:
        folder = Path(self.app.configs.UPLOAD_DIR)
        written = await data.avatar.save(folder / data.avatar.filename)
        again = await data.avatar.read()
        return req.response.json(
            {"written": written, "filename": data.avatar.filename, "read_after": len(again)}
        )

    @post("/gallery")
    @consumes(MediaType.MULTIPART_FORM_DATA)
    async def gallery(self, req: Request, data: Gallery) -> Response:
        return req.response.json(
            {"title": data.title, "photos": [await describe(photo) for photo in data.photos]}
        )


@pytest.fixture
def upload_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads" / "inner"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
async def client(make_app: Any, upload_dir: Path) -> AsyncIterator[PyJoltTestClient]:
    application = make_app(FormApi, UPLOAD_DIR=str(upload_dir), MAX_BODY_SIZE=8 * ONE_MIB)
    async with PyJoltTestClient(application, raise_server_exceptions=False) as test_client:
        yield test_client


def multipart(*parts: tuple[bytes, bytes], boundary: str = BOUNDARY) -> bytes:
    """Build a multipart body by hand from ``(headers, content)`` pairs."""
    body = b""
    for headers, content in parts:
        body += b"--" + boundary.encode() + b"\r\n" + headers + b"\r\n\r\n" + content + b"\r\n"
    return body + b"--" + boundary.encode() + b"--\r\n"


def field(name: str, value: bytes) -> tuple[bytes, bytes]:
    return (f'Content-Disposition: form-data; name="{name}"'.encode(), value)


def file_part(
    name: str, filename: str, content: bytes, content_type: str = "text/plain"
) -> tuple[bytes, bytes]:
    headers = (
        f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}"
    ).encode()
    return (headers, content)


def post_multipart(
    client: PyJoltTestClient, url: str, body: bytes, boundary: str | None = BOUNDARY
) -> Any:
    content_type = "multipart/form-data"
    if boundary is not None:
        content_type += f"; boundary={boundary}"
    return client.post(url, content=body, headers={"content-type": content_type})


# --- url-encoded forms into models --------------------------------------------------------


async def test_urlencoded_form_is_injected_as_the_pydantic_model(client):
    response = await client.post("/forms/signup", data={"name": "Ann", "age": "31"})
    assert response.status_code == 200
    assert response.json() == {
        "type": "Signup",
        "name": "Ann",
        "age": 31,
        "tags": [],
        "newsletter": False,
    }


@pytest.mark.parametrize(
    ("query", "tags"),
    [
        ("tags=a&tags=b&tags=c", ["a", "b", "c"]),
        ("tags=only", ["only"]),
        ("tags=", [""]),
        ("", []),
    ],
)
async def test_repeated_form_keys_fill_a_list_field(client, query, tags):
    body = "name=Ann&age=3" + (f"&{query}" if query else "")
    response = await client.post(
        "/forms/signup",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    assert response.json()["tags"] == tags


async def test_repeated_key_for_a_scalar_field_uses_the_first_value(client):
    response = await client.post(
        "/forms/signup",
        content="name=first&name=second&age=1",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.json()["name"] == "first"


async def test_urlencoded_values_are_percent_decoded(client):
    response = await client.post(
        "/forms/signup",
        content="name=J%C3%BCrgen+M%C3%BCller%26Co&age=5",
        headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    assert response.json()["name"] == "Jürgen Müller&Co"


@pytest.mark.parametrize(
    ("data", "loc", "error_type"),
    [
        ({"name": "Ann"}, ["age"], "missing"),
        ({"name": "Ann", "age": "old"}, ["age"], "int_parsing"),
        ({"name": "Ann", "age": "3", "newsletter": "maybe"}, ["newsletter"], "bool_parsing"),
    ],
)
async def test_invalid_form_is_422_with_error_list(client, data, loc, error_type):
    response = await client.post("/forms/signup", data=data)
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "Validation failed"
    assert [(error["loc"], error["type"]) for error in body["errors"]] == [(loc, error_type)]


@pytest.mark.parametrize("body", [b"name=%FF%FE&age=1", b"name=\xff\xfe&age=1"], ids=repr)
async def test_urlencoded_form_with_invalid_utf8_is_400(client, body):
    response = await client.post(
        "/forms/signup",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400


async def test_urlencoded_form_with_1000_fields_is_accepted(client):
    body = "&".join(f"f{i}=v" for i in range(1000))
    response = await client.post(
        "/forms/fields",
        content=body,
        headers={"content-type": MediaType.APPLICATION_X_WWW_FORM_URLENCODED},
    )
    assert response.status_code == 200
    assert response.json() == {"count": 1000}


async def test_urlencoded_form_with_more_than_1000_fields_is_400(client):
    body = "&".join(f"f{i}=v" for i in range(1001))
    response = await client.post(
        "/forms/fields",
        content=body,
        headers={"content-type": MediaType.APPLICATION_X_WWW_FORM_URLENCODED},
    )
    assert response.status_code == 400
    assert "1000" in response.json()["message"]


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "text/plain", "multipart/form-data; boundary=x", ""],
)
async def test_urlencoded_endpoint_refuses_other_content_types(client, content_type):
    headers = {"content-type": content_type} if content_type else {}
    response = await client.post("/forms/signup", content=b"name=Ann&age=1", headers=headers)
    assert response.status_code == 415


# --- multipart forms into models ----------------------------------------------------------


async def test_multipart_fields_are_injected_as_the_pydantic_model(client):
    response = await client.post(
        "/forms/signup-multipart",
        data={"name": "Ann", "age": "7", "tags": ["x", "y"], "newsletter": "true"},
        files={"unused": ("u.txt", b"u", "text/plain")},
    )
    assert response.status_code == 200
    assert response.json() == {"name": "Ann", "age": 7, "tags": ["x", "y"], "newsletter": True}


async def test_uploaded_file_field_exposes_filename_type_size_and_content(client):
    content = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    response = await client.post(
        "/forms/avatar",
        data={"name": "Ann"},
        files={"avatar": ("photo.png", content, "image/png")},
    )
    assert response.status_code == 200
    assert response.json() == {
        "name": "Ann",
        "is_upload": True,
        "filename": "photo.png",
        "content_type": "image/png",
        "size": len(content),
        "read_size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }


async def test_uploaded_file_without_content_type_defaults_to_octet_stream(client):
    body = multipart(
        field("name", b"Ann"),
        (b'Content-Disposition: form-data; name="avatar"; filename="blob"', b"data"),
    )
    response = await post_multipart(client, "/forms/avatar", body)
    assert response.status_code == 200
    assert response.json()["content_type"] == "application/octet-stream"


async def test_uploaded_file_larger_than_the_memory_spool_is_read_whole(client):
    content = hashlib.sha256(b"seed").digest() * (3 * ONE_MIB // 32)
    response = await client.post(
        "/forms/avatar",
        data={"name": "Ann"},
        files={"avatar": ("big.bin", content, "application/octet-stream")},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["size"] == body["read_size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()


async def test_uploaded_file_is_saved_to_disk(client, upload_dir):
    content = b"saved content\n" * 100
    response = await client.post(
        "/forms/avatar/save",
        data={"name": "Ann"},
        files={"avatar": ("notes.txt", content, "text/plain")},
    )
    assert response.status_code == 200
    assert response.json()["written"] == len(content)
    assert (upload_dir / "notes.txt").read_bytes() == content


async def test_uploaded_file_can_be_read_after_save(client):
    response = await client.post(
        "/forms/avatar/save",
        data={"name": "Ann"},
        files={"avatar": ("notes.txt", b"12345", "text/plain")},
    )
    assert response.json()["read_after"] == 5


async def test_repeated_file_fields_fill_a_list_of_uploads(client):
    body = multipart(
        field("title", b"Holiday"),
        file_part("photos", "one.jpg", b"1" * 10, "image/jpeg"),
        file_part("photos", "two.png", b"2" * 20, "image/png"),
    )
    response = await post_multipart(client, "/forms/gallery", body)
    assert response.status_code == 200
    photos = response.json()["photos"]
    assert [(p["filename"], p["content_type"], p["size"]) for p in photos] == [
        ("one.jpg", "image/jpeg", 10),
        ("two.png", "image/png", 20),
    ]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("/etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("C:\\Users\\ann\\photo.jpg", "photo.jpg"),
        ("uploads/../../secret.txt", "secret.txt"),
        ("plain.txt", "plain.txt"),
        ("résumé.pdf", "résumé.pdf"),
    ],
)
async def test_upload_filename_is_reduced_to_its_basename(client, sent, kept):
    body = multipart(field("name", b"Ann"), file_part("avatar", sent, b"data"))
    response = await post_multipart(client, "/forms/avatar", body)
    assert response.status_code == 200
    assert response.json()["filename"] == kept


@pytest.mark.parametrize("sent", ["..", ".", "../..", "dir/..", "..\\..", "", " ", ". .", "x/\x00"])
async def test_upload_filename_with_nothing_safe_left_becomes_upload(client, sent):
    body = multipart(field("name", b"Ann"), file_part("avatar", sent, b"data"))
    response = await post_multipart(client, "/forms/avatar", body)
    assert response.status_code == 200
    assert response.json()["filename"] == "upload"


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        (".htaccess", "upload.htaccess"),
        ("../.bashrc", "upload.bashrc"),
        (".tar.gz", "upload.tar.gz"),
        ("...pdf", "upload.pdf"),
        ("report.pdf.", "report.pdf"),
        (" report.pdf ", "report.pdf"),
        ("a\x00b.txt", "ab.txt"),
        ("tab\there.txt", "tabhere.txt"),
        ("\u202etxt.exe", "txt.exe"),
    ],
    ids=[
        "dotfile",
        "dotfile-in-path",
        "only-extensions",
        "dots-then-extension",
        "trailing-dot",
        "surrounding-spaces",
        "nul",
        "control-character",
        "bidi-override",
    ],
)
async def test_upload_filename_loses_dots_spaces_and_control_characters(client, sent, kept):
    body = multipart(field("name", b"Ann"), file_part("avatar", sent, b"data"))
    response = await post_multipart(client, "/forms/avatar", body)
    assert response.status_code == 200
    assert response.json()["filename"] == kept


@pytest.mark.parametrize(("stem", "extension"), [("a" * 300, ".jpg"), ("\u00e9" * 200, ".png")])
async def test_upload_filename_over_255_bytes_is_shortened_before_its_extension(
    client, stem, extension
):
    body = multipart(field("name", b"Ann"), file_part("avatar", stem + extension, b"data"))
    response = await post_multipart(client, "/forms/avatar", body)
    filename = response.json()["filename"]
    assert len(filename.encode()) <= 255
    assert filename.endswith(extension)
    assert filename.startswith(stem[:100])


@pytest.mark.parametrize("sent", ["..", ".", "", "a" * 300 + ".txt", "x/\x00"])
async def test_upload_with_a_hostile_filename_saves_inside_the_upload_folder(
    client, upload_dir, assert_quiet_log, sent
):
    body = multipart(field("name", b"Ann"), file_part("avatar", sent, b"data"))
    response = await post_multipart(client, "/forms/avatar/save", body)
    assert response.status_code == 200
    saved = upload_dir / response.json()["filename"]
    assert saved.parent == upload_dir
    assert saved.read_bytes() == b"data"
    assert_quiet_log()


async def test_saving_with_a_traversal_filename_stays_in_the_upload_folder(client, upload_dir):
    body = multipart(field("name", b"Ann"), file_part("avatar", "../../escaped.txt", b"data"))
    response = await post_multipart(client, "/forms/avatar/save", body)
    assert response.status_code == 200
    assert (upload_dir / "escaped.txt").read_bytes() == b"data"
    assert not (upload_dir.parent.parent / "escaped.txt").exists()


async def test_text_value_for_an_upload_field_is_422(client):
    body = multipart(field("name", b"Ann"), field("avatar", b"not a file"))
    response = await post_multipart(client, "/forms/avatar", body)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["errors"]] == [["avatar"]]


async def test_missing_upload_is_422(client):
    response = await client.post(
        "/forms/avatar", data={"name": "Ann"}, files={"other": ("x.txt", b"x", "text/plain")}
    )
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["errors"]] == [["avatar"]]


# --- multipart limits and malformed bodies ----------------------------------------------


async def test_multipart_with_1000_fields_is_accepted(client):
    body = multipart(*(field(f"f{i}", b"v") for i in range(1000)))
    response = await post_multipart(client, "/forms/multipart-fields", body)
    assert response.status_code == 200
    assert response.json()["count"] == 1000


async def test_multipart_with_more_than_1000_fields_is_400(client):
    body = multipart(*(field(f"f{i}", b"v") for i in range(1001)))
    response = await post_multipart(client, "/forms/multipart-fields", body)
    assert response.status_code == 400
    assert "1000" in response.json()["message"]


async def test_multipart_with_more_than_1000_files_is_400(client):
    body = multipart(*(file_part(f"f{i}", f"{i}.txt", b"v") for i in range(1001)))
    response = await post_multipart(client, "/forms/multipart-fields", body)
    assert response.status_code == 400


async def test_multipart_text_field_of_1_mib_is_accepted(client):
    body = multipart(field("big", b"a" * ONE_MIB))
    response = await post_multipart(client, "/forms/multipart-fields", body)
    assert response.status_code == 200
    assert response.json()["sizes"] == {"big": ONE_MIB}


async def test_multipart_text_field_over_1_mib_is_400(client):
    body = multipart(field("big", b"a" * (ONE_MIB + 1)))
    response = await post_multipart(client, "/forms/multipart-fields", body)
    assert response.status_code == 400
    assert "big" in response.json()["message"]


async def test_multipart_file_over_1_mib_is_accepted(client):
    body = multipart(file_part("big", "big.txt", b"a" * (2 * ONE_MIB)))
    response = await post_multipart(client, "/forms/multipart-fields", body)
    assert response.status_code == 200
    assert response.json()["sizes"] == {"big": 2 * ONE_MIB}


async def test_oversized_field_message_escapes_markup_in_the_field_name(client):
    body = multipart(field("<b>big</b>", b"a" * (ONE_MIB + 1)))
    response = await post_multipart(client, "/forms/multipart-fields", body)
    assert response.status_code == 400
    assert "'&lt;b&gt;big&lt;/b&gt;'" in response.json()["message"]


async def test_invalid_utf8_field_message_escapes_markup_in_the_field_name(client):
    body = multipart(field("<i>name</i>", b"caf\xe9"))
    response = await post_multipart(client, "/forms/multipart-fields", body)
    assert response.status_code == 400
    assert "'&lt;i&gt;name&lt;/i&gt;'" in response.json()["message"]


async def test_multipart_text_field_with_invalid_utf8_is_400(client):
    body = multipart(field("name", b"caf\xe9"), field("age", b"1"))
    response = await post_multipart(client, "/forms/signup-multipart", body)
    assert response.status_code == 400


MALFORMED_MULTIPART = {
    "garbage": b"this is not multipart at all",
    "wrong-boundary": multipart(field("name", b"Ann"), boundary="other-boundary"),
    "part-without-disposition": multipart((b"Content-Type: text/plain", b"Ann")),
    "disposition-without-name": multipart((b"Content-Disposition: form-data", b"Ann")),
    "not-form-data-disposition": multipart((b'Content-Disposition: attachment; name="x"', b"1")),
    "header-without-colon": multipart((b"Content-Disposition form-data", b"Ann")),
    "truncated-before-closing-boundary": multipart(field("name", b"Ann"))[:-30],
    "empty-body": b"",
}


@pytest.mark.parametrize("body", MALFORMED_MULTIPART.values(), ids=MALFORMED_MULTIPART.keys())
async def test_malformed_multipart_body_is_400_not_500(client, assert_quiet_log, body):
    response = await post_multipart(client, "/forms/multipart-fields", body)
    assert response.status_code != 500
    assert response.status_code == 400
    assert_quiet_log()


@pytest.mark.parametrize("length", [257, 300, 5000])
async def test_multipart_boundary_over_256_characters_is_400_and_quiet(
    client, assert_quiet_log, length
):
    boundary = "b" * length
    body = multipart(field("name", b"Ann"), boundary=boundary)
    response = await post_multipart(client, "/forms/multipart-fields", body, boundary=boundary)
    assert response.status_code == 400
    assert response.json()["message"].startswith("Malformed multipart body: ")
    assert_quiet_log()


async def test_multipart_boundary_of_256_characters_is_accepted(client):
    boundary = "b" * 256
    body = multipart(field("name", b"Ann"), boundary=boundary)
    response = await post_multipart(client, "/forms/multipart-fields", body, boundary=boundary)
    assert response.status_code == 200


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
async def test_multipart_without_a_boundary_is_400(client, content_type):
    response = await client.post(
        "/forms/multipart-fields",
        content=multipart(field("name", b"Ann")),
        headers={"content-type": content_type},
    )
    assert response.status_code == 400
    assert "boundary" in response.json()["message"]


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "application/json", "text/plain", ""],
)
async def test_multipart_endpoint_refuses_other_content_types(client, content_type):
    headers = {"content-type": content_type} if content_type else {}
    response = await client.post(
        "/forms/signup-multipart", content=b"name=Ann&age=1", headers=headers
    )
    assert response.status_code == 415
