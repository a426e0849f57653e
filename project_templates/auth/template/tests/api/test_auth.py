"""Registering, logging in and reading the current user."""

from pyjolt.testing import PyJoltTestClient

URL = "/api/v1/auth"
CREDENTIALS = {"email": "ada@example.com", "password": "correct horse battery"}


async def register_and_login(client: PyJoltTestClient) -> str:
    response = await client.post(f"{URL}/register", json=CREDENTIALS)
    assert response.status_code == 201, response.text
    response = await client.post(f"{URL}/login", json=CREDENTIALS)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def test_token_identifies_the_user(client: PyJoltTestClient) -> None:
    token = await register_and_login(client)
    response = await client.get(f"{URL}/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["email"] == CREDENTIALS["email"]


async def test_emails_are_matched_without_case(client: PyJoltTestClient) -> None:
    shouted = {**CREDENTIALS, "email": CREDENTIALS["email"].upper()}
    registered = await client.post(f"{URL}/register", json=shouted)
    assert registered.json()["email"] == CREDENTIALS["email"]
    response = await client.post(f"{URL}/login", json=CREDENTIALS)
    assert response.status_code == 200, response.text


async def test_an_email_of_the_longest_length_fits_in_lower_case(
    client: PyJoltTestClient,
) -> None:
    # "İ".lower() is two characters; the stored email must not outgrow its column.
    email = "İ" * 250 + "@x.io"
    credentials = {**CREDENTIALS, "email": email}
    response = await client.post(f"{URL}/register", json=credentials)
    assert response.status_code == 201, response.text
    assert len(response.json()["email"]) == len(email)
    response = await client.post(f"{URL}/login", json=credentials)
    assert response.status_code == 200, response.text


async def test_me_without_token_answers_401(client: PyJoltTestClient) -> None:
    response = await client.get(f"{URL}/me")
    assert response.status_code == 401


async def test_wrong_password_answers_401(client: PyJoltTestClient) -> None:
    await client.post(f"{URL}/register", json=CREDENTIALS)
    wrong = {**CREDENTIALS, "password": "not the password"}
    response = await client.post(f"{URL}/login", json=wrong)
    assert response.status_code == 401


async def test_registering_twice_answers_409(client: PyJoltTestClient) -> None:
    await client.post(f"{URL}/register", json=CREDENTIALS)
    response = await client.post(f"{URL}/register", json=CREDENTIALS)
    assert response.status_code == 409
