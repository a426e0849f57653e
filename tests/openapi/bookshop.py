"""A realistic little API for the OpenAPI tests: several controllers, nested models,
every path converter, JSON/form/multipart/text bodies, Descriptors, tags and hidden routes.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field

from pyjolt import (
    BaseConfig,
    Descriptor,
    HttpStatus,
    MediaType,
    PyJolt,
    Request,
    Response,
    UploadedFile,
    abort,
)
from pyjolt.controller import (
    Controller,
    consumes,
    delete,
    get,
    open_api_docs,
    path,
    post,
    produces,
    put,
)


class ErrorBody(BaseModel):
    status: str
    message: str


class Address(BaseModel):
    street: str = Field(min_length=1, max_length=100)
    city: str = Field(min_length=1, max_length=60)


class AuthorIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    address: Address
    aliases: list[str] = Field(default_factory=list, max_length=5)


class AuthorOut(AuthorIn):
    id: int


class Money(BaseModel):
    amount: float
    currency: str


class BookOut(BaseModel):
    id: uuid.UUID
    title: str
    author: AuthorOut
    price: Money


class BookForm(BaseModel):
    title: str = Field(min_length=1, max_length=120)
    author_id: int = Field(ge=0)
    price: float = Field(ge=0, le=10_000)


class Conversion(BaseModel):
    amount: float
    converted: Money


class UploadForm(BaseModel):
    description: str = Field(max_length=200)
    file: UploadedFile


class UploadResult(BaseModel):
    filename: str
    size: int
    description: str


NOT_FOUND = Descriptor(HttpStatus.NOT_FOUND, "No such author", body=ErrorBody)


@path("/api/v1/authors", tags=["Authors"])
class AuthorsApi(Controller):
    """Authors, kept in memory."""

    def __init__(self, app: PyJolt) -> None:
        super().__init__(app)
        home = Address(street="1 Main St", city="Springfield")
        self.authors: dict[int, AuthorOut] = {1: AuthorOut(id=1, name="Ann", address=home)}

    @get("/")
    @get("/all", open_api_spec=False)
    @produces(MediaType.APPLICATION_JSON)
    async def list_authors(self, req: Request) -> Response[list[AuthorOut]]:
        """List every author."""
        return req.response.json(list(self.authors.values()))

    @get("/<int:author_id>")
    @produces(MediaType.APPLICATION_JSON)
    @open_api_docs(NOT_FOUND)
    async def get_author(self, req: Request, author_id: int) -> Response[AuthorOut]:
        """Fetch one author.

        Answers 404 when there is no author with that id.
        """
        author = self.authors.get(author_id)
        if author is None:
            abort("No such author", HttpStatus.NOT_FOUND)
        return req.response.json(author)

    @post("/")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON, status_code=HttpStatus.CREATED)
    async def create_author(self, req: Request, data: AuthorIn) -> Response[AuthorOut]:
        """Create an author."""
        author = AuthorOut(id=max(self.authors, default=0) + 1, **data.model_dump())
        self.authors[author.id] = author
        return req.response.json(author)

    @put("/<int:author_id>")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    @open_api_docs(NOT_FOUND)
    async def replace_author(
        self, req: Request, author_id: int, data: AuthorIn
    ) -> Response[AuthorOut]:
        """Replace an author's details."""
        if author_id not in self.authors:
            abort("No such author", HttpStatus.NOT_FOUND)
        self.authors[author_id] = AuthorOut(id=author_id, **data.model_dump())
        return req.response.json(self.authors[author_id])

    @delete("/<int:author_id>")
    @produces(MediaType.NO_CONTENT, status_code=HttpStatus.NO_CONTENT)
    @open_api_docs(NOT_FOUND)
    async def delete_author(self, req: Request, author_id: int) -> Response[Any]:
        """Delete an author."""
        if self.authors.pop(author_id, None) is None:
            abort("No such author", HttpStatus.NOT_FOUND)
        return req.response.no_content()

    @get("/export", open_api_spec=False)
    async def export(self, req: Request) -> Response[Any]:
        return req.response.json({"authors": len(self.authors)})


@path("/api/v1/books")
class BooksApi(Controller):
    """Books; no tags on the controller, so the class name is the tag."""

    def __init__(self, app: PyJolt) -> None:
        super().__init__(app)
        author = AuthorOut(id=1, name="Ann", address=Address(street="1 Main St", city="X"))
        book = BookOut(
            id=uuid.UUID("12345678-1234-5678-1234-567812345678"),
            title="First",
            author=author,
            price=Money(amount=10.0, currency="EUR"),
        )
        self.books: dict[uuid.UUID, BookOut] = {book.id: book}
        self.author = author

    @get("/<uuid:book_id>")
    @produces(MediaType.APPLICATION_JSON)
    @open_api_docs(Descriptor(HttpStatus.NOT_FOUND, "No such book", body=ErrorBody))
    async def get_book(self, req: Request, book_id: uuid.UUID) -> Response[BookOut]:
        """Fetch a book by id."""
        book = self.books.get(book_id)
        if book is None:
            abort("No such book", HttpStatus.NOT_FOUND)
        return req.response.json(book)

    @get("/by-title/<title>", tags=["Books", "Search"])
    @produces(MediaType.APPLICATION_JSON)
    async def find_by_title(self, req: Request, title: str) -> Response[list[BookOut]]:
        """Find books whose title contains the text."""
        found = [book for book in self.books.values() if title.lower() in book.title.lower()]
        return req.response.json(found)

    @get("/<uuid:book_id>/pages/<int(min=1, max=500):page>")
    @produces(MediaType.TEXT_PLAIN)
    async def read_page(self, req: Request, book_id: uuid.UUID, page: int) -> Response[str]:
        """One page of a book, as text."""
        return req.response.text(f"Page {page} of {book_id}")

    @get("/convert/<float:amount>/<any(EUR, USD, GBP):currency>")
    @produces(MediaType.APPLICATION_JSON)
    async def convert(self, req: Request, amount: float, currency: str) -> Response[Conversion]:
        """Convert a price into another currency."""
        rate = {"EUR": 1.0, "USD": 1.1, "GBP": 0.85}[currency]
        return req.response.json(
            {"amount": amount, "converted": {"amount": amount * rate, "currency": currency}}
        )

    @post("/")
    @consumes(MediaType.APPLICATION_X_WWW_FORM_URLENCODED)
    @produces(MediaType.APPLICATION_JSON, status_code=HttpStatus.CREATED)
    async def add_book(self, req: Request, form: BookForm) -> Response[BookOut]:
        """Add a book from an HTML form."""
        book = BookOut(
            id=uuid.uuid4(),
            title=form.title,
            author=self.author,
            price=Money(amount=form.price, currency="EUR"),
        )
        self.books[book.id] = book
        return req.response.json(book)


@path("/api/v1/files", tags=["Files"])
class FilesApi(Controller):
    @get("/<path:file_path>")
    @produces(MediaType.TEXT_PLAIN)
    async def describe(self, req: Request, file_path: str) -> Response[Any]:
        """Say which file was asked for."""
        return req.response.text(f"You asked for {file_path}")

    @post("/upload")
    @consumes(MediaType.MULTIPART_FORM_DATA)
    @produces(MediaType.APPLICATION_JSON, status_code=HttpStatus.CREATED)
    async def upload(self, req: Request, form: UploadForm) -> Response[UploadResult]:
        """Upload a file with a description."""
        return req.response.json(
            {
                "filename": form.file.filename,
                "size": form.file.size,
                "description": form.description,
            }
        )

    @post("/echo")
    @consumes(MediaType.TEXT_PLAIN)
    @produces(MediaType.TEXT_PLAIN)
    async def echo(self, req: Request, text: str) -> Response[Any]:
        """Send the text back."""
        return req.response.text(text)


@path("/pages", tags=["Pages"])
class PagesApi(Controller):
    @get("/hello")
    @produces(MediaType.TEXT_HTML)
    async def hello(self, req: Request) -> Response[Any]:
        """A small HTML page."""
        return req.response.html_from_string("<h1>Hello {{ name }}</h1>", {"name": "reader"})

    @get("/internal", open_api_spec=False)
    async def internal(self, req: Request) -> Response[Any]:
        return req.response.json({"internal": True})


@path("/admin", open_api_spec=False)
class AdminApi(Controller):
    @get("/stats")
    async def stats(self, req: Request) -> Response[Any]:
        return req.response.json({"ok": True})


CONTROLLERS = (AuthorsApi, BooksApi, FilesApi, PagesApi, AdminApi)


def bookshop_app(base_path: str, **settings: Any) -> PyJolt:
    """The bookshop app, built; DEBUG off so a failing handler answers 500."""
    values: dict[str, Any] = {
        "APP_NAME": "Bookshop",
        "VERSION": "2.1.0",
        "OPEN_API_DESCRIPTION": "Authors, books and files",
        "DEBUG": False,
        "OPEN_API_IN_PRODUCTION": True,
        "BASE_PATH": base_path,
        **settings,
    }
    application = PyJolt(BaseConfig(**values))
    for controller in CONTROLLERS:
        application.register_controller(controller)
    application.build()
    return application
