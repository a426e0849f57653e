"""Settings of the bookshop example; every key can be overridden from the environment."""

from pyjolt import BaseConfig


class Config(BaseConfig):
    APP_NAME: str = "Bookshop"
    VERSION: str = "1.0.0"
    DEBUG: bool = True
    OPEN_API_DESCRIPTION: str = "Books, and a page that lists them"
    CONTROLLERS: list[str] = [
        "app.api.books:BooksApi",
        "app.api.pages:PagesController",
    ]
    EXCEPTION_HANDLERS: list[str] = ["app.api.errors:BookshopErrors"]
