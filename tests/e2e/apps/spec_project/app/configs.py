# app/configs.py <-- in the app folder

import os

from pyjolt import BaseConfig


class Config(BaseConfig):  # must inherit from BaseConfig
    """Config class"""

    APP_NAME: str = "Test app"
    VERSION: str = "1.0"
    SECRET_KEY: str = "46373hdnsfshf73462twvdngnghjdgsfd"  # change for a secure random string
    BASE_PATH: str = os.path.dirname(__file__)
    DEBUG: bool = True
    MAX_BODY_SIZE: int = 1024

    EXTENSIONS: list[str] = ["app.authentication:auth"]
    CONTROLLERS: list[str] = [
        "app.api.users.user_api:UserApi",
        "app.api.auth.auth_api:AuthApi",
    ]
    EXCEPTION_HANDLERS: list[str] = [
        "app.api.exceptions.exception_handler:CustomExceptionHandler",
    ]
