import os

from pyjolt import BaseConfig


class Config(BaseConfig):
    """Config class"""

    APP_NAME: str = "Spec extensions"
    VERSION: str = "1.0"
    SECRET_KEY: str = "46373hdnsfshf73462twvdngnghjdgsfd-and-some-more"
    BASE_PATH: str = os.path.dirname(__file__)
    DEBUG: bool = False
    DATABASE_URI: str = "sqlite+aiosqlite:///./test.db"
    CACHE_DURATION: int = 300
    CONTROLLERS: list[str] = ["app.api.users_api:UsersApi"]
    MODELS: list[str] = ["app.api.models.user_model:User", "app.api.models.user_model:Role"]
    EXTENSIONS: list[str] = [
        "app.extensions:db",
        "app.extensions:migrate",
        "app.authentication:auth",
        "app.scheduler:scheduler",
        "app.extensions:cache",
    ]
