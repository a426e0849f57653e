from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.models.user_model import Role, User
from app.authentication import UserRoles, auth
from app.extensions import cache, db
from app.scheduler import scheduler, send_email
from pyjolt import HttpStatus, MediaType, Request, Response
from pyjolt.controller import Controller, consumes, get, path, post, produces


class UserData(BaseModel):
    email: str
    fullname: str


class UserOut(BaseModel):
    id: int
    fullname: str
    email: str


CALLS = {"cached": 0}


@path("/api/v1/users", tags=["Users"])
class UsersApi(Controller):
    @post("/")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON)
    @db.managed_session
    async def create_user(
        self, req: Request, user_data: UserData, session: AsyncSession
    ) -> Response[UserOut]:
        """Creates new user"""
        user: User = User(fullname=user_data.fullname, email=user_data.email)
        session.add(user)
        await session.commit()
        session.add(Role(role="admin" if "admin" in user.email else "user", user_id=user.id))
        await session.commit()
        scheduler.run_background_task(send_email, user.email)
        return req.response.json(
            UserOut(id=user.id, fullname=user.fullname, email=user.email)
        ).status(HttpStatus.CREATED)

    @get("/login/<int:user_id>")
    async def login(self, req: Request, user_id: int) -> Response:
        cookie = auth.create_signed_cookie_value(user_id)
        return req.response.json({"ok": True}).set_cookie("auth_cookie", cookie)

    @get("/<int:user_id>")
    @produces(MediaType.APPLICATION_JSON)
    @auth.login_required
    @auth.role_required(UserRoles.ADMIN, UserRoles.SUPERUSER)
    async def get_user(self, req: Request, user_id: int) -> Response[UserOut]:
        """Returns a user by user_id"""
        session = db.create_session()
        user: User = await User.query(session).filter_by(id=user_id).first()
        await session.close()
        return req.response.json(
            UserOut(id=user_id, fullname=user.fullname, email=user.email)
        ).status(HttpStatus.OK)

    @get("/count")
    @produces(MediaType.APPLICATION_JSON)
    @cache.cache(duration=300)
    async def count(self, req: Request) -> Response:
        CALLS["cached"] += 1
        total = await User.query().count()  # the SPEC's caching example: no session
        return req.response.json({"total": total, "calls": CALLS["cached"]})
