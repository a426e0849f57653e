"""The JSON API: list, read, create and delete books."""

from pyjolt import HttpStatus, MediaType, Request, Response
from pyjolt.controller import (
    Controller,
    Descriptor,
    consumes,
    delete,
    get,
    open_api_docs,
    path,
    post,
    produces,
)

from .schemas import BookIn, BookOut, ErrorOut
from .store import store

NOT_FOUND = Descriptor(HttpStatus.NOT_FOUND, "No such book", body=ErrorOut)


@path("/api/v1/books", tags=["Books"])
class BooksApi(Controller):
    @get("/")
    async def list_books(self, req: Request) -> Response[list[BookOut]]:
        """List every book."""
        return req.response.json(store.all())

    @get("/<int:book_id>")
    @open_api_docs(NOT_FOUND)
    async def get_book(self, req: Request, book_id: int) -> Response[BookOut]:
        """Return one book."""
        return req.response.json(store.get(book_id))

    @post("/")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON, status_code=HttpStatus.CREATED)
    async def create_book(self, req: Request, book: BookIn) -> Response[BookOut]:
        """Add a book; the body is validated against BookIn."""
        created = store.add(book)
        location = self.app.url_for("BooksApi.get_book", book_id=created.id)
        return req.response.json(created).set_header("Location", location)

    @delete("/<int:book_id>")
    @produces(MediaType.NO_CONTENT, status_code=HttpStatus.NO_CONTENT)
    @open_api_docs(NOT_FOUND)
    async def delete_book(self, req: Request, book_id: int) -> Response:
        """Remove a book."""
        store.remove(book_id)
        return req.response.no_content()
