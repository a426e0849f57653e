"""The app keeps the promises of its OpenAPI document.

schemathesis generates requests from the document (valid ones and invalid ones) and
checks every answer: no 500, only documented status codes, bodies that match their
schemas, and valid requests accepted. Run it after changing endpoints or models.
"""

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import BaseSchema

from app import Application
from app.configs import Config


@pytest.fixture
def api_schema(config: Config) -> BaseSchema:
    """The app's document, with requests sent to the app in-process."""
    return schemathesis.openapi.from_asgi("/openapi/specs.json", Application(config))


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate()
