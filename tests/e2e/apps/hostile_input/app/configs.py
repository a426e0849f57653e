# app/configs.py

import os

from pyjolt import BaseConfig


class Config(BaseConfig):
    APP_NAME: str = "Hostile input"
    VERSION: str = "1.0"
    SECRET_KEY: str = "a-test-secret-that-is-long-enough-for-hmac-signing"
    BASE_PATH: str = os.path.dirname(__file__)
    DEBUG: bool = False
    UPLOAD_DIR: str = os.path.join(os.path.dirname(os.path.dirname(__file__)), "uploads")

    CONTROLLERS: list[str] = ["app.api.shop_api:ShopApi"]
    EXTENSIONS: list[str] = ["app.extensions:cache"]
