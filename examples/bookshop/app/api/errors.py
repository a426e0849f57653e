"""Turns the store's BookNotFound into a 404 with the framework's error shape."""

from pyjolt import HttpStatus, Request, Response
from pyjolt.exceptions import ExceptionHandler, handles

from .schemas import ErrorOut
from .store import BookNotFound


class BookshopErrors(ExceptionHandler):
    @handles(BookNotFound)
    async def book_not_found(self, req: Request, exc: BookNotFound) -> Response[ErrorOut]:
        return req.response.json({"status": "error", "message": str(exc)}).status(
            HttpStatus.NOT_FOUND
        )
