"""Every public name of the documented packages has a docstring for the API reference.

The reference pages list each package's ``__all__`` (docs_build/api_reference.py); a name
without a docstring would show as a bare signature, so it fails here first. Docstrings
are read as mkdocstrings reads them (griffe), not inherited from a base class.
"""

from __future__ import annotations

import pytest

from docs_build.api_reference import PACKAGES, griffe_object, public_names, render_page

PUBLIC = [public for package, _, _ in PACKAGES for public in public_names(package)]


@pytest.mark.parametrize("public", PUBLIC, ids=[f"{p.package}.{p.name}" for p in PUBLIC])
def test_public_name_has_a_docstring(public) -> None:
    if public.external:
        pytest.skip(f"{public.path} is another library's, documented there")
    docstring = griffe_object(public.path).docstring
    assert docstring is not None and docstring.value.strip(), (
        f"{public.package}.{public.name} ({public.path}) has no docstring: say in one line "
        "what it is, and why when that is not obvious"
    )


@pytest.mark.parametrize(("package", "page", "summary"), PACKAGES, ids=[p for p, _, _ in PACKAGES])
def test_page_lists_every_name_of_the_package(package: str, page: str, summary: str) -> None:
    rendered = render_page(package, summary)
    for public in public_names(package):
        assert public.path in rendered, f"{public.name} missing from reference/api/{page}.md"
