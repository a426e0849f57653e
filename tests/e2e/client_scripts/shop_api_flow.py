"""Drive a served shop project with the client openapi-python-client generated for it.

Run as ``python shop_api_flow.py BASE_URL`` with the generated ``shop_client`` package
importable. The clients raise ``UnexpectedStatus`` for any status the document does not
list, so every answer below is one the document promised; the script also type-checks
under ``mypy --strict``. Exits non-zero (an AssertionError or UnexpectedStatus) when the
API and its document disagree.
"""

from __future__ import annotations

import sys
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, cast

from shop_client import AuthenticatedClient, Client
from shop_client.api.auth import auth_api_login, auth_api_me, auth_api_register
from shop_client.api.products import (
    products_api_create_product,
    products_api_delete_product,
    products_api_get_product,
    products_api_list_products,
    products_api_update_product,
)
from shop_client.models import (
    Credentials,
    ErrorResponse,
    HttpErrorBody,
    PageProductOut,
    ProductIn,
    ProductInAttributesType0,
    ProductOut,
    ProductUpdate,
    QueryErrorBody,
    Token,
    UserOut,
    ValidationErrorBody,
)


def check_auth(client: Client, base_url: str) -> None:
    """Register, log in, and read the current user with the bearer token."""
    email = f"ada-{uuid.uuid4().hex[:12]}@example.com"
    credentials = Credentials(email=email, password="correct horse battery")

    registered = auth_api_register.sync_detailed(client=client, body=credentials)
    assert registered.status_code == 201, registered.content
    assert isinstance(registered.parsed, UserOut), registered.content
    assert registered.parsed.email == email

    again = auth_api_register.sync_detailed(client=client, body=credentials)
    assert again.status_code == 409, again.content
    assert isinstance(again.parsed, ErrorResponse), again.content

    wrong = Credentials(email=email, password="not the password")
    refused = auth_api_login.sync_detailed(client=client, body=wrong)
    assert refused.status_code == 401, refused.content
    assert isinstance(refused.parsed, ErrorResponse), refused.content

    login = auth_api_login.sync_detailed(client=client, body=credentials)
    assert login.status_code == 200, login.content
    token = login.parsed
    assert isinstance(token, Token), login.content
    assert token.token_type == "bearer"
    assert token.expires_in > 0

    forged = AuthenticatedClient(base_url, token="not-a-token", raise_on_unexpected_status=True)
    unauthorised = auth_api_me.sync_detailed(client=forged)
    assert unauthorised.status_code == 401, unauthorised.content
    assert isinstance(unauthorised.parsed, HttpErrorBody), unauthorised.content

    authenticated = AuthenticatedClient(
        base_url, token=token.access_token, raise_on_unexpected_status=True
    )
    me = auth_api_me.sync_detailed(client=authenticated)
    assert me.status_code == 200, me.content
    assert isinstance(me.parsed, UserOut), me.content
    assert me.parsed.email == email
    assert me.parsed.id == registered.parsed.id

    # Emails are kept in lower case, and "İ".lower() is two characters: an email of the
    # longest length the document allows must still fit its column.
    longest = "İ" * 237 + f"-{uuid.uuid4().hex[:12]}@x.io"
    assert len(longest) == 255
    longest_credentials = Credentials(email=longest, password="correct horse battery")
    long_user = auth_api_register.sync_detailed(client=client, body=longest_credentials)
    assert long_user.status_code == 201, long_user.content
    assert isinstance(long_user.parsed, UserOut), long_user.content
    assert len(long_user.parsed.email) == 255
    long_login = auth_api_login.sync_detailed(client=client, body=longest_credentials)
    assert long_login.status_code == 200, long_login.content


def create(client: Client, body: ProductIn) -> ProductOut:
    created = products_api_create_product.sync_detailed(client=client, body=body)
    assert created.status_code == 201, created.content
    assert isinstance(created.parsed, ProductOut), created.content
    return created.parsed


def check_products(client: Client) -> None:
    """Create, list page by page, read, update, delete, and find it gone."""
    name = f"lamp-{uuid.uuid4().hex[:12]}"
    published = datetime(2024, 5, 17, 9, 30, 15, tzinfo=UTC)
    sku = uuid.uuid4()
    attributes = ProductInAttributesType0.from_dict({"colour": "green", "watts": 40})
    first = create(
        client,
        ProductIn(
            name=name,
            price=19.5,
            stock=3,
            in_stock=True,
            description="A desk lamp",
            released=date(2024, 5, 1),
            published_at=published,
            sku=sku,
            attributes=attributes,
        ),
    )
    assert first.name == name
    assert first.description == "A desk lamp"
    assert first.released == date(2024, 5, 1)
    assert isinstance(first.published_at, datetime)
    assert first.published_at == published
    assert first.sku == sku
    assert first.attributes is not None
    assert first.attributes.to_dict() == {"colour": "green", "watts": 40}
    # Two rows may both leave the unique, nullable sku empty.
    second = create(client, ProductIn(name=f"{name}-2", price=0.0, stock=0, in_stock=False))
    assert second.description is None
    assert second.released is None
    assert second.published_at is None
    assert second.sku is None
    assert second.attributes is None
    third = create(client, ProductIn(name=f"{name}-3", price=0.5, stock=1, in_stock=True))
    assert third.sku is None

    for duplicate in (
        ProductIn(name=name, price=1.0, stock=1, in_stock=True),
        ProductIn(name=f"{name}-4", price=1.0, stock=1, in_stock=True, sku=sku),
    ):
        taken = products_api_create_product.sync_detailed(client=client, body=duplicate)
        assert taken.status_code == 409, taken.content
        assert isinstance(taken.parsed, ErrorResponse), taken.content

    page = products_api_list_products.sync_detailed(client=client, page=1, per_page=1)
    assert page.status_code == 200, page.content
    assert isinstance(page.parsed, PageProductOut), page.content
    assert page.parsed.per_page == 1
    assert len(page.parsed.items) == 1
    assert page.parsed.total >= 3
    assert page.parsed.pages == page.parsed.total
    last = products_api_list_products.sync_detailed(
        client=client, page=page.parsed.pages, per_page=1
    )
    assert isinstance(last.parsed, PageProductOut), last.content
    assert [item.id for item in last.parsed.items] == [third.id]  # oldest first
    assert last.parsed.has_prev
    assert not last.parsed.has_next

    bad_size = products_api_list_products.sync_detailed(client=client, per_page=0)
    assert bad_size.status_code == 400, bad_size.content
    assert isinstance(bad_size.parsed, QueryErrorBody), bad_size.content

    got = products_api_get_product.sync_detailed(first.id, client=client)
    assert got.status_code == 200, got.content
    assert got.parsed == first

    changes = ProductUpdate(price=21.0, description=None, released=None, attributes=None)
    updated = products_api_update_product.sync_detailed(first.id, client=client, body=changes)
    assert updated.status_code == 200, updated.content
    assert isinstance(updated.parsed, ProductOut), updated.content
    assert updated.parsed.price == 21.0
    assert updated.parsed.description is None
    assert updated.parsed.released is None
    assert updated.parsed.attributes is None
    assert updated.parsed.sku == sku
    assert updated.parsed.name == name
    assert updated.parsed.published_at == published

    # The types refuse None for a required column; sent anyway, it is a documented 422.
    null_name = ProductUpdate(name=cast(Any, None))
    refused = products_api_update_product.sync_detailed(first.id, client=client, body=null_name)
    assert refused.status_code == 422, refused.content
    assert isinstance(refused.parsed, ValidationErrorBody), refused.content
    assert [error.loc for error in refused.parsed.errors] == [["name"]], refused.content

    # A valid RFC 3339 time whose UTC time is before year 1: a documented 422, not a 500.
    early = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
    too_early = products_api_update_product.sync_detailed(
        first.id, client=client, body=ProductUpdate(published_at=early)
    )
    assert too_early.status_code == 422, too_early.content
    assert isinstance(too_early.parsed, ValidationErrorBody), too_early.content
    assert [error.loc for error in too_early.parsed.errors] == [["published_at"]]

    unchanged = products_api_get_product.sync_detailed(first.id, client=client)
    assert isinstance(unchanged.parsed, ProductOut), unchanged.content
    assert unchanged.parsed.name == name
    assert unchanged.parsed.published_at == published

    for product in (first, second, third):
        deleted = products_api_delete_product.sync_detailed(product.id, client=client)
        assert deleted.status_code == 204, deleted.content
        assert deleted.content == b""

    gone = products_api_get_product.sync_detailed(first.id, client=client)
    assert gone.status_code == 404, gone.content
    assert isinstance(gone.parsed, ErrorResponse), gone.content
    twice = products_api_delete_product.sync_detailed(first.id, client=client)
    assert twice.status_code == 404, twice.content
    missing = products_api_update_product.sync_detailed(
        first.id, client=client, body=ProductUpdate(stock=1)
    )
    assert missing.status_code == 404, missing.content


def main(base_url: str) -> None:
    with Client(base_url, raise_on_unexpected_status=True) as client:
        check_auth(client, base_url)
        check_products(client)
    print("client flow passed")


if __name__ == "__main__":
    main(sys.argv[1])
