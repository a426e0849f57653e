"""The landing page and the health check answer."""

from pyjolt.testing import PyJoltTestClient


async def test_health_answers_ok(client: PyJoltTestClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_index_renders_html(client: PyJoltTestClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>" in response.text


async def test_unknown_path_answers_404(client: PyJoltTestClient) -> None:
    response = await client.get("/no-such-page")
    assert response.status_code == 404
