"""An in-memory book store, so the example runs without a database."""

from __future__ import annotations

from dataclasses import dataclass, field

from .schemas import BookIn


class BookNotFound(LookupError):
    """No book with that id."""

    def __init__(self, book_id: int) -> None:
        super().__init__(f"Book {book_id} not found")
        self.book_id = book_id


@dataclass
class Book:
    id: int
    title: str
    author: str
    price: float
    tags: list[str] = field(default_factory=list)


class BookStore:
    def __init__(self) -> None:
        self._books: dict[int, Book] = {}
        self._next_id = 1
        self.add(BookIn(title="Dune", author="Frank Herbert", price=9.5, tags=["sci-fi"]))
        self.add(BookIn(title="Emma", author="Jane Austen", price=7.0, tags=["classic"]))

    def all(self) -> list[Book]:
        return list(self._books.values())

    def get(self, book_id: int) -> Book:
        try:
            return self._books[book_id]
        except KeyError:
            raise BookNotFound(book_id) from None

    def add(self, data: BookIn) -> Book:
        book = Book(id=self._next_id, **data.model_dump())
        self._books[book.id] = book
        self._next_id += 1
        return book

    def remove(self, book_id: int) -> None:
        self.get(book_id)
        del self._books[book_id]


store = BookStore()
