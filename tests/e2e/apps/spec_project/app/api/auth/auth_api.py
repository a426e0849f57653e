# app/api/auth/auth_api.py

from pyjolt import Request, Response
from pyjolt.controller import Controller, get, path


@path("/api/v1/auth")
class AuthApi(Controller):
    @get("/login")
    async def login(self, req: Request) -> Response:
        """Redirect after login"""
        return req.response.redirect(self.app.url_for("UserApi.get_user", user_id=1))
