"""How the application answers errors that its controllers raise."""

from typing import Any

from pydantic import BaseModel
from pyjolt import Request, Response
from pyjolt.exceptions import AborterException, ExceptionHandler, handles


class ErrorResponse(BaseModel):
    status: str
    message: str
    data: Any = None


class CustomExceptionHandler(ExceptionHandler):
    """Turns ``abort(...)`` into a JSON error body with the status it asked for."""

    @handles(AborterException)
    async def aborted(self, req: Request, exc: AborterException) -> Response[ErrorResponse]:
        """Answer ``abort(msg, status_code=...)`` with its message and data."""
        body = {"status": exc.status, "message": exc.message, "data": exc.data}
        return req.response.json(body).status(exc.status_code)
