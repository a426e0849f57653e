"""Request and response bodies of the books API."""

from pydantic import BaseModel, Field


class BookIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    author: str = Field(min_length=1, max_length=100)
    price: float = Field(ge=0)
    tags: list[str] = Field(default_factory=list, max_length=10)


class BookOut(BookIn):
    id: int


class ErrorOut(BaseModel):
    status: str
    message: str
