"""Name normalisation: one spelling per use, and one clear error for unusable names."""

import pytest

from pyjolt.cli.errors import EXIT_USAGE, UsageError
from pyjolt.cli.naming import normalise_name, pluralize, singularize


@pytest.mark.parametrize(
    ("raw", "snake", "pascal", "kebab"),
    [
        ("users", "users", "Users", "users"),
        ("Users", "users", "Users", "users"),
        ("user-accounts", "user_accounts", "UserAccounts", "user-accounts"),
        ("user_accounts", "user_accounts", "UserAccounts", "user-accounts"),
        ("UserAccounts", "user_accounts", "UserAccounts", "user-accounts"),
        ("userAccounts", "user_accounts", "UserAccounts", "user-accounts"),
        ("HTTPClients", "http_clients", "HttpClients", "http-clients"),
        ("v2-items", "v2_items", "V2Items", "v2-items"),
    ],
)
def test_names_normalise_to_every_spelling(raw: str, snake: str, pascal: str, kebab: str) -> None:
    name = normalise_name(raw)
    assert (name.snake, name.pascal, name.kebab) == (snake, pascal, kebab)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("api/users", "path separator"),
        ("..\\users", "path separator"),
        ("..", "path separator"),
        ("1users", "not a valid identifier"),
        ("user.accounts", "not a valid identifier"),
        ("users!", "not a valid identifier"),
        ("_private", "not a valid identifier"),
        ("usérs", "not a valid identifier"),
        ("class", "keyword"),
        ("import", "keyword"),
        ("none", "keyword"),
        ("True", "keyword"),
    ],
)
def test_unusable_names_are_usage_errors(raw: str, problem: str) -> None:
    with pytest.raises(UsageError) as caught:
        normalise_name(raw, "controller name")
    assert problem in caught.value.message
    assert caught.value.exit_code == EXIT_USAGE


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("users", "user"),
        ("user_accounts", "user_account"),
        ("categories", "category"),
        ("addresses", "address"),
        ("boxes", "box"),
        ("people", "person"),
        ("status", "status"),
        ("news", "news"),
    ],
)
def test_singular_and_plural_round_trip(plural: str, singular: str) -> None:
    assert singularize(plural) == singular
    assert pluralize(singular) == plural


def test_plural_of_a_plural_stays_plural() -> None:
    assert pluralize("users") == "users"
