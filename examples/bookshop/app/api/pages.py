"""The HTML side: a page rendered from templates/books.html with the shop's stylesheet."""

from pyjolt import MediaType, Request, Response
from pyjolt.controller import Controller, get, path, produces

from .store import store


@path("/", open_api_spec=False)
class PagesController(Controller):
    @get("/")
    @produces(MediaType.TEXT_HTML)
    async def index(self, req: Request) -> Response:
        """The list of books as a web page."""
        return await req.response.html("books.html", {"books": store.all()})
