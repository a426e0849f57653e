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
    case.call_and_validate(app=application)
