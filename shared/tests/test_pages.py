"""The kit's page foundation: languages, message catalogues, a query as a model, and a problem as a page."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

from lcn_shared.pages import ENGLISH, Messages, Pages, query_model
from lcn_shared.pages.i18n import KIT_MESSAGES, preferred_language
from lcn_shared.pages.rendering import KIT_STATIC
from lcn_shared.problems import UnprocessableContent


def request(query: str = "", accept_language: str = "") -> Request:
    """A bare GET request with a query string and an Accept-Language header."""
    headers = [(b"accept-language", accept_language.encode())] if accept_language else []
    scope = {"type": "http", "method": "GET", "path": "/page", "query_string": query.encode(), "headers": headers}
    return Request(scope)


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("", "nl"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("nl-NL,en;q=0.5", "nl"),
        ("en;q=0.4,nl;q=0.8", "nl"),
        ("de,fr;q=0.9", "nl"),
        ("en;q=0,nl;q=0.1", "nl"),
        ("en;q=nonsense", "nl"),
        ("*", "nl"),
    ],
)
def test_the_language_is_the_browsers_best_of_ours_and_dutch_otherwise(header: str, language: str) -> None:
    """Quality values rank the languages; a language at q=0 or with an unreadable q is not wanted."""
    assert preferred_language(header) == language


def test_a_catalogue_falls_back_to_dutch_fills_placeholders_and_refuses_a_message_without_dutch() -> None:
    """A service's messages merge over the kit's; a missing English text shows the Dutch one."""
    messages = KIT_MESSAGES.merged(Messages({"greeting": {"nl": "Hallo {name}"}, "language": {"nl": "Taalkeuze"}}))
    translate = messages.translator(ENGLISH)
    assert translate("greeting", name="Ada") == "Hallo Ada"
    assert translate("skip_to_content") == "Skip to content"
    assert messages.translator("nl")("language") == "Taalkeuze"
    with pytest.raises(ValueError, match="greeting"):
        Messages({"greeting": {"en": "Hello"}})
    with pytest.raises(KeyError):
        translate("no-such-message")


class Filters(BaseModel):
    """A page's query: a list, a number and a text."""

    model_config = ConfigDict(extra="forbid")

    kind: list[str] = []
    page: int = Field(1, ge=1)
    q: str | None = None


def test_a_query_becomes_its_model_with_empty_form_fields_left_out() -> None:
    """Repeated names are lists, empty values are absent, `lang` belongs to the page, not the model."""
    parsed = query_model(request("kind=a&kind=b&q=&page=2&lang=en"), Filters)
    assert parsed == Filters(kind=["a", "b"], page=2)


def test_an_invalid_query_is_a_422_problem_naming_each_parameter() -> None:
    """Unknown names and bad values are UnprocessableContent with the parameter, the reason and the input."""
    with pytest.raises(UnprocessableContent) as raised:
        query_model(request("page=0&colour=red"), Filters)
    errors = raised.value.extensions["errors"]
    assert {error["parameter"] for error in errors} == {"page", "colour"}
    assert ["red"] in [error["invalid"] for error in errors]


def test_a_service_template_extends_the_kit_page_and_a_problem_renders_as_a_page(tmp_path: Path) -> None:
    """The service's folder is searched first; the kit's base gives lang, skip link, main and the language switch."""
    (tmp_path / "hello.html").write_text(
        '{% extends "kit/base.html" %}{% block title %}{{ t("hello") }}{% endblock %}'
        '{% block content %}<h1>{{ t("hello") }}</h1>{% endblock %}'
    )
    pages = Pages(templates=tmp_path, messages=Messages({"hello": {"nl": "Hallo", "en": "Hello"}}))
    page = pages.render(request("x=1", accept_language="en"), "hello.html")
    html = bytes(page.body).decode()
    assert page.headers["content-language"] == "en"
    assert '<html lang="en"' in html
    assert '<a class="utrecht-skip-link utrecht-skip-link--visible-on-focus" href="#main">Skip to content</a>' in html
    assert '<main id="main"' in html
    assert "<h1>Hello</h1>" in html
    assert 'href="/page?x=1&amp;lang=nl"' in html  # the switch keeps the page's query
    problem = pages.problem(
        request(), UnprocessableContent("Bad.", errors=[{"parameter": "kind", "invalid": ["x"]}]), back="/"
    )
    assert problem.status_code == 422
    assert "<code>kind</code>" in bytes(problem.body).decode()


def test_the_vendored_nl_design_system_files_are_there_with_their_licences() -> None:
    """The CSS the base page links, each with its licence and the note that says its version and how to update."""
    vendor = KIT_STATIC / "vendor"
    for folder, css in (("utrecht-component-library-css", "index.css"), ("voorbeeld-design-tokens", "theme.css")):
        assert (vendor / folder / css).stat().st_size > 10_000
        assert "EUROPEAN UNION PUBLIC LICENCE" in (vendor / folder / "LICENSE.md").read_text()
    note = (vendor / "README.md").read_text()
    assert "@utrecht/component-library-css` | 9.0.4" in note
    assert "voorbeeld-design-tokens` | 7.4.1" in note
