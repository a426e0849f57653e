"""The app keeps the promises of its OpenAPI document.

schemathesis generates requests from the document (valid ones and invalid ones) and
checks every answer: no 500, only documented status codes, bodies that match their
schemas, and valid requests accepted. Run it after changing endpoints or models.
"""

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from app import Application
from app.configs import Config

# The document is built from the controllers alone: no database is needed for it.
schema = schemathesis.openapi.from_dict(Application().openapi_spec())


@pytest.fixture(scope="module")
def application(config: Config) -> Application:
    """The app on the test database; schemathesis runs its startup and shutdown."""
    return Application(config)


def names_missing_rows(response: Any) -> bool:
    """A 422 whose every error is an id that names no row (``author_id`` 7, no author 7).

    A schema cannot say which ids exist, so schemathesis would count such a body as
    valid data refused; the endpoints answer it with ``unknown_reference`` errors.
    """
    if response.status_code != 422:
        return False
    errors = response.json().get("errors") or []
    return bool(errors) and all(error.get("type") == "unknown_reference" for error in errors)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract(
    case: schemathesis.Case[Any], application: Application
) -> None:
    response = case.call(app=application)
    if not names_missing_rows(response):
        case.validate_response(response, transport_kwargs={"app": application})
