"""``pyjolt generate cache``: the Cache extension instance (memory, or Redis).

Template: ``project_templates/cache/``. A singleton: no NAME.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..wiring import WiringEdit
from .base import Generation, Kind, Package, Parts, TemplateAnswers, package_of

if TYPE_CHECKING:
    from ..project import Project


@dataclass(frozen=True)
class CacheAnswers(TemplateAnswers):
    template: ClassVar[str] = "cache"
    package: Package

    def to_data(self) -> dict[str, Any]:
        return self.package.to_data()

    @property
    def files(self) -> tuple[str, ...]:
        return (f"{self.package.folder}/cache.py", "tests/test_cache.py")


class CacheKind(Kind):
    name = "cache"
    summary = "The Cache extension (memory, or Redis with CACHE_REDIS_URL), registered."
    examples = ("",)
    runtime = ("caching",)
    extra = True

    def build(self, project: Project, name: str | None = None, **_: Any) -> Generation:
        package = package_of(project)
        parts = Parts(
            renders=[CacheAnswers(package)],
            wiring=[WiringEdit("EXTENSIONS", package.entry("cache", "cache"))],
        )
        return Generation(
            kind=self.name,
            key=self.name,
            parts=parts,
            names={"module": "cache"},
            summary="cache: Cache extension (memory; Redis with CACHE_REDIS_URL)",
        )


CACHE = CacheKind()
