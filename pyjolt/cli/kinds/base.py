"""What a generator kind is made of, with types.

A kind (``controller``, ``model``, ``resource``...) is one :class:`Kind` subclass in its
own module beside its copier template. It declares its command-line parameters as data
(so ``pyjolt --help`` builds the commands without importing anything heavy) and turns
what the user typed into a :class:`Generation`: the templates to render with typed
answers, the config entries to wire, the tables its migrations create, and the names
the journal records so ``destroy`` finds them again without re-deriving them.

Modules here import only the standard library and the CLI's light modules; copier,
libcst and the framework are imported inside the functions that need them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from ..errors import ConflictError
from ..fields import FieldSpec
from ..naming import Name, normalise_name
from ..wiring import ConfigEdit

if TYPE_CHECKING:
    from ..model_relations import HasManyEdit
    from ..project import Project


@dataclass(frozen=True)
class Param:
    """One command-line parameter of ``pyjolt generate KIND`` besides NAME.

    ``flags`` empty makes it a positional argument; ``form`` says what it holds: one
    text value, an on/off flag, or many values (the field specs).
    """

    name: str
    help: str
    flags: tuple[str, ...] = ()
    form: Literal["text", "flag", "many"] = "text"
    metavar: str | None = None


@dataclass(frozen=True)
class Package:
    """The application package generated code goes into (``app``, ``service.app``)."""

    module: str

    @property
    def folder(self) -> str:
        return self.module.replace(".", "/")

    def entry(self, module: str, attribute: str) -> str:
        """The import string of ``attribute`` in ``<package>.<module>``."""
        return f"{self.module}.{module}:{attribute}"

    def to_data(self) -> dict[str, Any]:
        return {"package": self.module, "package_dir": self.folder}


class TemplateAnswers(ABC):
    """The answers of one copier template; ``to_data`` is the only conversion to a dict."""

    template: ClassVar[str]

    @abstractmethod
    def to_data(self) -> dict[str, Any]:
        """The copier data for :attr:`template` (its ``copier.yml`` question names)."""

    @property
    @abstractmethod
    def files(self) -> tuple[str, ...]:
        """The files these answers render that the kind owns (journal, destroy).

        Anything else the template renders (package ``__init__.py`` files, the models'
        ``base.py``) is shared: created when missing, never a conflict, never removed.
        """


@dataclass(frozen=True)
class Table:
    """A table a kind's migration creates (and ``destroy`` drops again)."""

    name: str
    fields: tuple[FieldSpec, ...]
    key: str = "int"  # the id column's type: int or uuid


@dataclass
class Parts:
    """What a kind contributes to a generation; a kind that builds on others adds theirs."""

    renders: list[TemplateAnswers] = field(default_factory=list)
    wiring: list[ConfigEdit] = field(default_factory=list)  # list entries, settings
    tables: list[Table] = field(default_factory=list)
    model_edits: list[HasManyEdit] = field(default_factory=list)  # in other models' files

    def __add__(self, other: Parts) -> Parts:
        return Parts(
            [*self.renders, *other.renders],
            [*self.wiring, *other.wiring],
            [*self.tables, *other.tables],
            [*self.model_edits, *other.model_edits],
        )


@dataclass
class Generation:
    """Everything one ``pyjolt generate`` command will render, wire and record."""

    kind: str
    key: str  # the name the journal records the entry under
    parts: Parts
    names: dict[str, str]  # the normalised names, as the journal records them
    summary: str

    @property
    def files(self) -> set[str]:
        return {path for answers in self.parts.renders for path in answers.files}


# The project's own modules and the classes its generated code already uses: a
# generated module or class of the same name would shadow or replace them.
PROJECT_MODULES = frozenset(
    {
        "api",
        "app",
        "base",
        "config",
        "configs",
        "extension",
        "extensions",
        "authentication",
        "exceptions",
        "migrations",
        "models",
        "schemas",
        "static",
        "templates",
        "tests",
    }
)
PROJECT_CLASSES = frozenset(
    {
        "Application",
        "AsyncSession",
        "Base",
        "BaseConfig",
        "BaseModel",
        "Config",
        "Controller",
        "Descriptor",
        "ErrorResponse",
        "Field",
        "HttpStatus",
        "MediaType",
        "Page",
        "PageQuery",
        "PyJolt",
        "Request",
        "Response",
        "SafeStr",
        "StrictModel",
    }
)

#: Names the generated endpoints use for their own parameters and variables; a model
#: whose variable had one of these names (``resource sessions`` -> ``session``) would
#: shadow the database session or the request body in the handlers written for it.
HANDLER_VARIABLES = frozenset(
    {"data", "db", "field", "paging", "query", "req", "request", "self", "session", "value"}
)


def refuse_handler_variables(name: Name, what: str) -> None:
    """ConflictError (exit 3) when a model's variable would shadow a handler's own."""
    if name.singular.snake in HANDLER_VARIABLES:
        raise ConflictError(
            f"{what} {name.raw!r} would name its variables {name.singular.snake!r}, which "
            "the generated handlers already use; nothing was written",
            hint=f"choose a more specific name, e.g. 'user_{name.plural.snake}'",
        )


def refuse_project_names(name: Name, package: Package, what: str) -> None:
    """ConflictError (exit 3) when a spelling of ``name`` is one of the project's own.

    ``generate model Base`` would otherwise "succeed" by finding ``models/base.py``
    already there and wiring the declarative base into MODELS.
    """
    modules = PROJECT_MODULES | {package.module.split(".")[0]}
    for spelling in (name, name.singular, name.plural):
        if spelling.snake in modules:
            raise ConflictError(
                f"{what} {name.raw!r} collides with the project's own module "
                f"{spelling.snake!r}; nothing was written",
                hint="choose another name, e.g. with a prefix or suffix: 'shop_configs'",
            )
        if spelling.pascal in PROJECT_CLASSES:
            raise ConflictError(
                f"{what} {name.raw!r} collides with the class {spelling.pascal!r} the "
                "project already uses; nothing was written",
                hint="choose another name, e.g. with a prefix or suffix: 'ShopBase'",
            )


def typed_name(raw: str, package: Package, what: str) -> Name:
    """Validate and normalise a NAME argument (exit 2 if unusable, 3 if it collides)."""
    name = normalise_name(raw, what)
    refuse_project_names(name, package, what)
    return name


class Kind(ABC):
    """One generator kind: its command, its name rules and what it generates.

    Subclasses set the class attributes and implement :meth:`build`. A kind without
    ``name_help`` is a singleton (``generate auth``): it takes no NAME and the journal
    records it under its own name.
    """

    name: ClassVar[str]  # the command: pyjolt generate NAME
    summary: ClassVar[str]  # first line of --help
    examples: ClassVar[tuple[str, ...]]  # argument lists after 'pyjolt generate NAME'
    name_help: ClassVar[str | None] = None
    params: ClassVar[tuple[Param, ...]] = ()
    runtime: ClassVar[tuple[str, ...]] = ()  # parts of pyjolt it needs (runtime.py)
    extra: ClassVar[bool] = False  # offered by 'new-project --with'
    takes_fields: ClassVar[bool] = False  # takes name:type field specs
    # Its migration behaviour: generate writes a migration creating each table it
    # returns; destroy deletes that migration while no database applied it and none
    # follows it, else writes one dropping the table.
    creates_tables: ClassVar[bool] = False

    @property
    def singleton(self) -> bool:
        return self.name_help is None

    def journal_key(self, raw: str | None) -> str:
        """The name the journal records for what the user typed (generate and destroy)."""
        if self.singleton or raw is None:
            return self.name
        return normalise_name(raw, f"{self.name} name").snake

    def describe(self, key: str) -> str:
        """How messages name an entry: ``auth``, ``resource products``."""
        return self.name if self.singleton else f"{self.name} {key}"

    def check_runtime(self) -> None:
        from ..runtime import require_runtime

        for part in self.runtime:
            require_runtime(part, f"generate {self.name}")

    @abstractmethod
    def build(self, project: Project, name: str | None, **options: Any) -> Generation:
        """Normalise the input and return what to render, wire and record."""


def package_of(project: Project) -> Package:
    return Package(project.app_module)
