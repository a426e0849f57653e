"""The simplest end-to-end check: a controller answers through the test client."""

from pyjolt import Request, Response
from pyjolt.controller import Controller, get, path
from pyjolt.testing import PyJoltTestClient


@path("/api")
class PingApi(Controller):
    @get("/ping")
    async def ping(self, req: Request) -> Response:
        return req.response.json({"pong": True})


async def test_ping_answers_json(make_app):
    async with PyJoltTestClient(make_app(PingApi)) as client:
        response = await client.get("/api/ping")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"pong": True}
