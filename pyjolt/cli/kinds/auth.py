"""``pyjolt generate auth``: the Auth extension, a User model, login endpoints, tests.

Template: ``project_templates/auth/`` for the extension and the endpoints; the User
model and its migration come from the model kind. A singleton: no NAME.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..fields import parse_fields
from ..wiring import WiringEdit
from .base import Generation, Kind, Package, Parts, TemplateAnswers, package_of
from .model import MODEL, ModelAnswers, ModelNames

if TYPE_CHECKING:
    from ..project import Project

USER_FIELDS = ("email:str!", "password_hash:str", "is_active:bool")
AUTH_MODULE = "authentication"
AUTH_CONTROLLER = "AuthApi"


@dataclass(frozen=True)
class AuthAnswers(TemplateAnswers):
    """Answers of ``project_templates/auth``: the package and the user model."""

    template: ClassVar[str] = "auth"
    package: Package
    model: ModelAnswers

    def to_data(self) -> dict[str, Any]:
        return {**self.package.to_data(), "model": self.model.to_data()}

    @property
    def files(self) -> tuple[str, ...]:
        folder = self.package.folder
        return (f"{folder}/{AUTH_MODULE}.py", f"{folder}/api/auth.py", "tests/api/test_auth.py")


class AuthKind(Kind):
    name = "auth"
    summary = "Bearer-token Auth extension, User model, register/login/me endpoints, tests."
    examples = ("",)
    runtime = ("auth", "database")
    creates_tables = True
    extra = True

    def build(self, project: Project, name: str | None = None, **_: Any) -> Generation:
        package = package_of(project)
        user = ModelAnswers(
            package, ModelNames.from_typed("user", package), tuple(parse_fields(list(USER_FIELDS)))
        )
        model = MODEL.parts(user)
        parts = Parts(
            renders=[*model.renders, AuthAnswers(package, user)],
            wiring=[
                WiringEdit("EXTENSIONS", package.entry(AUTH_MODULE, "auth")),
                *model.wiring,
                WiringEdit("CONTROLLERS", package.entry("api.auth", AUTH_CONTROLLER)),
            ],
            tables=model.tables,
        )
        return Generation(
            kind=self.name,
            key=self.name,
            parts=parts,
            names={"module": AUTH_MODULE, "class": AUTH_CONTROLLER, **user.names.journal()},
            summary="authentication: Auth extension, User model, /api/v1/auth endpoints, tests",
        )


AUTH = AuthKind()
