# app/api/users/user_api.py

from pydantic import BaseModel

from app.api.exceptions.custom_exceptions import EntityNotFound
from app.authentication import auth
from pyjolt import HttpStatus, MediaType, Request, Response, abort
from pyjolt.controller import Controller, consumes, get, path, post, produces, put


class UserData(BaseModel):
    email: str
    fullname: str


@path("/api/v1/users")
class UserApi(Controller):
    @get("/<int:user_id>")
    @produces(MediaType.APPLICATION_JSON)
    async def get_user(self, req: Request, user_id: int) -> Response:
        """Returns a user by user_id"""
        if user_id == 0:
            abort(msg=f"User with id {user_id} not found", status_code=HttpStatus.NOT_FOUND)
        if user_id > 1000:
            raise EntityNotFound(f"No user {user_id}")

        return req.response.json(
            {"id": user_id, "fullname": "John Doe", "email": "johndoe@email.com"}
        ).status(HttpStatus.OK)

    @get("/status")
    async def status(self, req: Request) -> Response:
        """Shows that the startup hook ran before requests were served"""
        return req.response.json({"started": self.app.started})

    @post("/")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    async def create_user(self, req: Request, user_data: UserData) -> Response[UserData]:
        """Creates new user"""
        return req.response.json(user_data).status(HttpStatus.CREATED)

    @put("/<int:user_id>")
    @consumes(MediaType.APPLICATION_JSON)
    @auth.login_required
    async def update_user(self, req: Request, user_id: int, user_data: UserData) -> Response:
        """Updates a user: authentication comes before the body checks"""
        return req.response.json({"id": user_id, "by": req.user["sub"]})
