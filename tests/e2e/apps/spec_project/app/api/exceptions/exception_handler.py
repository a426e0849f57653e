# app/api/exceptions/exception_handler.py

from typing import Any

from pydantic import BaseModel, ValidationError

from pyjolt import HttpStatus, Request, Response
from pyjolt.exceptions import ExceptionHandler, handles

from .custom_exceptions import EntityNotFound


class ErrorResponse(BaseModel):
    message: str
    details: Any | None = None


class CustomExceptionHandler(ExceptionHandler):
    @handles(ValidationError)
    async def validation_error(
        self, req: "Request", exc: ValidationError
    ) -> "Response[ErrorResponse]":
        """Handles validation errors"""
        details = {}
        if hasattr(exc, "errors"):
            for error in exc.errors():
                # The SPEC's example reads error["loc"][0], which fails (500) when the body
                # itself is wrong (a JSON list instead of an object): its loc is empty.
                details[error["loc"][0] if error["loc"] else "body"] = error["msg"]

        return req.response.json({"message": "Validation failed.", "details": details}).status(
            HttpStatus.UNPROCESSABLE_ENTITY
        )

    @handles(EntityNotFound)
    async def not_found(self, req: "Request", exc: EntityNotFound) -> "Response[ErrorResponse]":
        """Handles missing entities"""
        return req.response.json({"message": str(exc), "details": None}).status(
            HttpStatus.NOT_FOUND
        )
