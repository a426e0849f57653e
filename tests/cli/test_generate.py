"""``pyjolt generate``: plan, check every conflict, then write; --dry-run writes nothing."""

from pathlib import Path

import pytest

from pyjolt.cli.errors import EXIT_CONFLICT, EXIT_ERROR, EXIT_USAGE

from .conftest import CliRunner, snapshot


def configs(root: Path) -> str:
    return (root / "app/configs.py").read_text()


def test_controller_is_written_and_wired(cli: CliRunner, project: Path) -> None:
    result = cli("generate", "controller", "user-accounts")
    assert result.code == 0, result.err
    source = (project / "app/api/user_accounts.py").read_text()
    assert '@path("/api/v1/user-accounts", tags=["User accounts"])' in source
    assert "class UserAccountsApi(Controller):" in source
    assert (project / "tests/api/test_user_accounts.py").is_file()
    assert '        "app.api.user_accounts:UserAccountsApi",\n    ]' in configs(project)


def test_running_the_same_command_twice_changes_nothing(cli: CliRunner, project: Path) -> None:
    assert cli("generate", "controller", "users", "--crud").code == 0
    before = snapshot(project)
    result = cli("generate", "controller", "users", "--crud")
    assert result.code == 0
    assert "no change" in result.err
    assert snapshot(project) == before


def test_dry_run_prints_the_plan_and_diff_and_writes_nothing(cli: CliRunner, project: Path) -> None:
    before = snapshot(project)
    result = cli("generate", "controller", "users", "--dry-run")
    assert result.code == 0
    assert "would create" in result.err
    assert "app/api/users.py" in result.err
    assert '+        "app.api.users:UsersApi",' in result.out
    assert snapshot(project) == before


def test_existing_different_file_is_a_conflict_and_nothing_is_written(
    cli: CliRunner, project: Path
) -> None:
    (project / "app/api/users.py").write_text("# mine\n")
    before = snapshot(project)
    result = cli("generate", "controller", "users")
    assert result.code == EXIT_CONFLICT
    assert "app/api/users.py" in result.err
    assert snapshot(project) == before


def test_force_overwrites_the_conflicting_file(cli: CliRunner, project: Path) -> None:
    (project / "app/api/users.py").write_text("# mine\n")
    assert cli("generate", "controller", "users", "--force").code == 0
    assert "class UsersApi" in (project / "app/api/users.py").read_text()


@pytest.mark.parametrize("name", ["class", "api/users", "..", "1users", "user.accounts", "a b!"])
def test_bad_names_exit_2_and_write_nothing(cli: CliRunner, project: Path, name: str) -> None:
    before = snapshot(project)
    result = cli("generate", "controller", name)
    assert result.code == EXIT_USAGE, result.err
    assert "error:" in result.err
    assert "Traceback" not in result.err
    assert snapshot(project) == before


@pytest.mark.parametrize("fields", [["email"], ["email:varchar"], ["id:int"], ["a:str", "a:int"]])
def test_bad_fields_exit_2_and_write_nothing(
    cli: CliRunner, project: Path, fields: list[str]
) -> None:
    before = snapshot(project)
    assert cli("generate", "model", "User", *fields).code == EXIT_USAGE
    assert snapshot(project) == before


def test_unparseable_configs_is_an_error_naming_the_line(cli: CliRunner, project: Path) -> None:
    path = project / "app/configs.py"
    path.write_text(path.read_text().replace("    DEBUG: bool = False\n", "    DEBUG: bool = (\n"))
    before = snapshot(project)
    result = cli("generate", "controller", "users")
    assert result.code == EXIT_ERROR
    assert "app/configs.py:" in result.err
    assert "cannot parse" in result.err
    assert snapshot(project) == before


def test_model_is_written_with_its_column_types(cli: CliRunner, project: Path) -> None:
    result = cli(
        "generate",
        "model",
        "users",
        "email:str!",
        "bio:text?",
        "born:date",
        "meta:json",
    )
    assert result.code == 0, result.err
    source = (project / "app/models/user.py").read_text()
    assert "class User(Base):" in source
    assert '__tablename__ = "users"' in source
    assert "email: Mapped[str] = mapped_column(String(255), unique=True)" in source
    assert "bio: Mapped[str | None] = mapped_column(Text)" in source
    assert "meta: Mapped[dict[str, Any]] = mapped_column(JSON)" in source
    assert '"app.models.user:User"' in configs(project)


def test_controller_for_an_existing_model_reads_its_fields(cli: CliRunner, project: Path) -> None:
    assert cli("generate", "model", "Post", "title:str!", "body:text?").code == 0
    result = cli("generate", "controller", "posts", "--crud", "--model", "Post")
    assert result.code == 0, result.err
    schemas = (project / "app/schemas/post.py").read_text()
    assert "title: SafeStr = Field(max_length=255)" in schemas
    assert "body: SafeStr | None = None" in schemas
    assert "from app.models.post import Post" in (project / "app/api/posts.py").read_text()


def test_controller_for_a_missing_model_is_a_usage_error(cli: CliRunner, project: Path) -> None:
    before = snapshot(project)
    result = cli("generate", "controller", "posts", "--model", "Post")
    assert result.code == EXIT_USAGE
    assert "generate model Post" in result.err
    assert snapshot(project) == before


def test_resource_writes_model_schemas_controller_tests_and_migration(
    cli: CliRunner, project: Path
) -> None:
    result = cli("generate", "resource", "products", "name:str!", "price:float")
    assert result.code == 0, result.err
    for relative in (
        "app/models/product.py",
        "app/schemas/product.py",
        "app/api/products.py",
        "tests/api/test_products.py",
    ):
        assert (project / relative).is_file(), relative
    migrations = list((project / "app/migrations/versions").glob("*_create_products_table.py"))
    assert len(migrations) == 1
    notes = next((project / "app/migrations/versions").glob("*_create_notes_table.py"))
    notes_revision = notes.name.split("_")[0]
    assert f'down_revision: str | None = "{notes_revision}"' in migrations[0].read_text()
    text = configs(project)
    assert '"app.models.product:Product"' in text
    assert '"app.api.products:ProductsApi"' in text


def test_resource_schemas_take_datetimes_that_utc_can_hold(cli: CliRunner, project: Path) -> None:
    fields = ["title:str", "starts_at:datetime", "ends_at:datetime?"]
    assert cli("generate", "resource", "events", *fields).code == 0
    schemas = (project / "app/schemas/event.py").read_text()
    assert "from pyjolt.schemas import SafeDatetime, SafeStr, StrictModel, omittable" in schemas
    assert "    starts_at: SafeDatetime\n" in schemas  # EventIn
    assert "    starts_at: SafeDatetime = omittable()\n" in schemas  # EventUpdate
    assert schemas.count("    ends_at: SafeDatetime | None = None\n") == 2
    assert "    starts_at: datetime\n" in schemas  # EventOut
    assert "AwareDatetime" not in schemas


def test_resource_twice_reuses_its_migration(cli: CliRunner, project: Path) -> None:
    assert cli("generate", "resource", "products", "name:str").code == 0
    before = snapshot(project)
    assert cli("generate", "resource", "products", "name:str").code == 0
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("args", "path", "entry"),
    [
        (
            ["exception-handler", "billing"],
            "app/api/exceptions/billing.py",
            "app.api.exceptions.billing:BillingExceptionHandler",
        ),
        (["auth"], "app/authentication.py", "app.authentication:auth"),
        (["scheduler"], "app/scheduler.py", "app.scheduler:scheduler"),
        (["cache"], "app/cache.py", "app.cache:cache"),
        (["ai"], "app/ai.py", "app.ai:ai"),
    ],
)
def test_other_generators_write_and_wire(
    cli: CliRunner, project: Path, args: list[str], path: str, entry: str
) -> None:
    result = cli("generate", *args)
    assert result.code == 0, result.err
    assert (project / path).is_file()
    assert f'"{entry}"' in configs(project)


def test_generate_outside_a_project_is_an_error_with_a_hint(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("generate", "controller", "users")
    assert result.code == EXIT_ERROR
    assert "no PyJolt project found" in result.err
    assert "hint:" in result.err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("model", "Base"),
        ("model", "base"),
        ("model", "extensions"),
        ("model", "configs"),
        ("model", "authentication"),
        ("resource", "configs"),
        ("controller", "requests"),
        ("exception-handler", "base"),
    ],
)
def test_names_of_the_projects_own_modules_and_classes_are_refused(
    cli: CliRunner, project: Path, kind: str, name: str
) -> None:
    before = snapshot(project)
    result = cli("generate", kind, name, *(["a:str"] if kind in {"model", "resource"} else []))
    assert result.code == EXIT_CONFLICT, result.err
    assert "collides with" in result.err
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("kind", "name"),
    [("resource", "sessions"), ("resource", "data"), ("model", "Query"), ("resource", "pages")],
)
def test_names_that_would_shadow_the_handlers_own_are_refused(
    cli: CliRunner, project: Path, kind: str, name: str
) -> None:
    before = snapshot(project)
    result = cli("generate", kind, name, "a:str")
    assert result.code == EXIT_CONFLICT, result.err
    assert snapshot(project) == before


def test_model_writes_its_migration_after_the_head(cli: CliRunner, project: Path) -> None:
    result = cli("generate", "model", "Tag", "label:str!")
    assert result.code == 0, result.err
    [migration] = (project / "app/migrations/versions").glob("*_create_tags_table.py")
    assert 'op.create_table(\n        "tags"' in migration.read_text()
    assert "pyjolt db upgrade" in result.err
    journal = (project / ".pyjolt/journal.toml").read_text()
    assert f'path = "app/migrations/versions/{migration.name}"' in journal
    assert 'table = "tags", fields = ["label:str!"]' in journal


def test_a_kind_with_two_tables_chains_their_migrations(cli: CliRunner, project: Path) -> None:
    from pyjolt.cli.migrations import heads, read_revisions

    versions = project / "app/migrations/versions"
    [head_before] = heads(read_revisions(versions))
    result = cli("generate", "ai")
    assert result.code == 0, result.err
    revisions = read_revisions(versions)
    [first] = [r for r, info in revisions.items() if "create_conversations_" in info.path.name]
    [second] = [r for r, info in revisions.items() if "conversation_messages" in info.path.name]
    assert revisions[first].down_revisions == (head_before,)
    assert revisions[second].down_revisions == (first,)
    assert heads(revisions) == [second]


def test_model_without_a_migration_folder_says_so_and_how_to_write_one(
    cli: CliRunner, project: Path
) -> None:
    import shutil

    shutil.rmtree(project / "app/migrations")
    result = cli("generate", "model", "Tag", "label:str")
    assert result.code == 0, result.err
    assert "no migration written" in result.err
    assert "'pyjolt db init'" in result.err and "'pyjolt db migrate" in result.err
    assert (project / "app/models/tag.py").is_file()


def test_tuple_lists_in_configs_are_wired_and_unwired(cli: CliRunner, project: Path) -> None:
    path = project / "app/configs.py"
    text = path.read_text()
    start = text.index("    EXTENSIONS: list[str] = [")
    end = text.index("\n    ]", start) + len("\n    ]")
    tuple_text = text[start:end].replace("list[str] = [", "tuple[str, ...] = (")[:-1] + ")"
    path.write_text(text[:start] + tuple_text + text[end:])
    before = path.read_text()
    assert cli("generate", "cache").code == 0
    assert '        "app.cache:cache",\n    )\n' in path.read_text()
    assert cli("destroy", "cache").code == 0
    assert path.read_text() == before


def test_a_file_where_a_folder_goes_is_a_conflict_and_nothing_is_written(
    cli: CliRunner, project: Path
) -> None:
    import shutil

    shutil.rmtree(project / "tests/api")
    (project / "tests/api").write_text("not a folder\n")
    before = snapshot(project)
    result = cli("generate", "controller", "users")
    assert result.code == EXIT_CONFLICT, result.err
    assert "tests/api is a file" in result.err
    assert snapshot(project) == before


BRANCH = '''"""A second head."""

revision = "{revision}"
down_revision = "{parent}"


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
'''


def add_branch(project: Path, revision: str, parent: str) -> None:
    versions = project / "app/migrations/versions"
    (versions / f"{revision}_branch.py").write_text(BRANCH.format(revision=revision, parent=parent))


def notes_revision(project: Path) -> str:
    notes = next((project / "app/migrations/versions").glob("*_create_notes_table.py"))
    return notes.name.split("_")[0]


def test_several_heads_are_a_conflict_naming_the_merge_command(
    cli: CliRunner, project: Path
) -> None:
    add_branch(project, "aaaa00000001", notes_revision(project))
    add_branch(project, "aaaa00000002", notes_revision(project))
    before = snapshot(project)
    result = cli("generate", "model", "Tag", "label:str")
    assert result.code == EXIT_CONFLICT, result.err
    assert "several heads" in result.err
    assert 'pyjolt db merge -m "merge heads"' in result.err
    assert snapshot(project) == before
    assert cli("db", "merge", "-m", "merge heads").code == 0
    assert cli("generate", "model", "Tag", "label:str").code == 0


def test_force_never_rewrites_a_migration_another_one_revises(
    cli: CliRunner, project: Path
) -> None:
    assert cli("generate", "resource", "products", "name:str").code == 0
    assert cli("generate", "resource", "orders", "number:str").code == 0
    before = snapshot(project)
    result = cli("generate", "resource", "products", "name:str", "price:float", "--force")
    assert result.code == EXIT_CONFLICT, result.err
    assert "never rewritten" in result.err
    assert "pyjolt db migrate" in result.err and "pyjolt destroy resource products" in result.err
    assert snapshot(project) == before


def test_force_may_rewrite_an_unapplied_migration_nothing_follows(
    cli: CliRunner, project: Path
) -> None:
    assert cli("generate", "resource", "products", "name:str").code == 0
    result = cli("generate", "resource", "products", "name:str", "price:float", "--force")
    assert result.code == 0, result.err
    [migration] = (project / "app/migrations/versions").glob("*_create_products_table.py")
    assert '"price"' in migration.read_text()
