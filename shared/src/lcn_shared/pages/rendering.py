"""Server-rendered pages: Jinja2 templates (the service's folder before the kit's), the kit's static files, the
language of a page, its links, its query as a model, and a problem as a page."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from functools import cache, partial
from os import PathLike, stat_result
from pathlib import Path
from typing import Any, TypeVar, get_origin
from urllib.parse import urlencode

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Scope

from lcn_shared.pages.i18n import (
    KIT_MESSAGES,
    LANGUAGE_NAMES,
    LANGUAGE_PARAMETER,
    LANGUAGES,
    Messages,
    negotiate_language,
)
from lcn_shared.problems import ProblemError, UnprocessableContent
from lcn_shared.telemetry.logs import current_trace_id

KIT_TEMPLATES = Path(__file__).with_name("templates")
KIT_STATIC = Path(__file__).with_name("static")
STATIC_PATH = "/static/kit"
VERSION_PARAMETER = "v"
# A URL that names the file's version never changes meaning: a year, without revalidation. Without it, an hour.
VERSIONED_CACHE = "public, max-age=31536000, immutable"
UNVERSIONED_CACHE = "public, max-age=3600"
# Pages show live counts: a browser may keep one, but asks again before showing it.
PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Vary": "Accept-Language",
    # Everything a page uses comes from the service itself; no script runs, no other site may frame it.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; script-src 'none'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# What a form's CSRF token is named, and where a request keeps its session and that token (`pages.sessions`).
CSRF_FIELD = "csrf_token"
SIGNED_IN_STATE, CSRF_STATE = "lcn_signed_in", "lcn_csrf_token"
Model = TypeVar("Model", bound=BaseModel)


class CachedStaticFiles(StaticFiles):
    """Static files with Cache-Control: a year for a URL that carries the file's version, an hour otherwise."""

    def file_response(
        self, full_path: PathLike[str] | str, stat: stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        """The file, as Starlette serves it (ETag, Last-Modified), plus how long it may be kept."""
        response = super().file_response(full_path, stat, scope, status_code)
        versioned = f"{VERSION_PARAMETER}=".encode() in scope.get("query_string", b"")
        response.headers["Cache-Control"] = VERSIONED_CACHE if versioned else UNVERSIONED_CACHE
        return response


def mount_static(app: FastAPI, path: str, directory: Path) -> None:
    """Serve `directory` under `path` with cache headers (the kit's files; a service's own, if it has any)."""
    app.mount(path, CachedStaticFiles(directory=directory), name=f"static:{path}")


def mount_kit_static(app: FastAPI) -> None:
    """Serve the kit's CSS (its own and the vendored NL Design System files) under /static/kit."""
    mount_static(app, STATIC_PATH, KIT_STATIC)


@cache
def file_version(path: Path) -> str:
    """A short digest of a file's content: its URL changes exactly when the file does."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def static_url(request: Request, name: str) -> str:
    """The URL of one of the kit's static files, with its version, under the service's root path."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return f"{root}{STATIC_PATH}/{name}?{VERSION_PARAMETER}={file_version(KIT_STATIC / name)}"


def page_link(
    request: Request, path: str, params: Iterable[tuple[str, Any]] = (), *, keep_language: bool = True
) -> str:
    """A link within the service: to a page, keeping a chosen language (`?lang=`), or to the API (`keep_language`
    false: the API knows no `lang`)."""
    pairs = [(name, str(value)) for name, value in params if name != LANGUAGE_PARAMETER]
    chosen = request.query_params.get(LANGUAGE_PARAMETER)
    if keep_language and chosen in LANGUAGES:
        pairs.append((LANGUAGE_PARAMETER, chosen))
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return f"{root}{path}?{urlencode(pairs)}" if pairs else f"{root}{path}"


def language_links(request: Request, current: str) -> list[dict[str, Any]]:
    """This page in each language: its code, its name in itself, its URL and whether it is the one shown."""
    others = [(name, value) for name, value in request.query_params.multi_items() if name != LANGUAGE_PARAMETER]
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return [
        {
            "code": code,
            "name": LANGUAGE_NAMES[code],
            "url": f"{root}{request.url.path}?{urlencode([*others, (LANGUAGE_PARAMETER, code)])}",
            "current": code == current,
        }
        for code in LANGUAGES
    ]


class Pages:
    """A service's pages: its templates folder searched before the kit's, its messages merged over the kit's.

    Templates extend `kit/base.html` and fill its blocks; each gets `t` (translate), `lang`, `link`, `static_url`,
    `signed_in_as` (the principal of a page behind `signed_in`, else None) and `csrf_field()`, besides what the
    route passes.
    """

    def __init__(self, templates: Path | None = None, messages: Messages | None = None) -> None:
        folders = [templates, KIT_TEMPLATES] if templates is not None else [KIT_TEMPLATES]
        self.environment = Environment(
            loader=FileSystemLoader(folders),
            autoescape=True,
            undefined=StrictUndefined,  # a misspelt name fails the render (and the test), not shows empty
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.messages = KIT_MESSAGES.merged(messages) if messages is not None else KIT_MESSAGES

    def render(self, request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
        """The template rendered in the request's language, as an HTML response with the page headers."""
        language = negotiate_language(request)
        html = self.environment.get_template(template).render(
            request=request,
            lang=language,
            t=self.messages.translator(language),
            languages=language_links(request, language),
            link=partial(page_link, request),
            static_url=lambda name: static_url(request, name),
            signed_in_as=getattr(request.state, SIGNED_IN_STATE, None),
            csrf_field=partial(csrf_field, request),
            **context,
        )
        headers = {**PAGE_HEADERS, "Content-Language": language}
        return HTMLResponse(html, status_code=status_code, headers=headers)

    def problem(self, request: Request, error: ProblemError, *, back: str) -> HTMLResponse:
        """A problem as a page with the problem's status: what is wrong per parameter, and a way back."""
        return self.render(
            request,
            "kit/problem.html",
            status_code=error.status,
            problem=error,
            errors=error.extensions.get("errors", []),
            back=back,
            trace_id=current_trace_id(),
        )


def csrf_field(request: Request) -> Markup:
    """The hidden field that carries the request's CSRF token in a POST form (`{{ csrf_field() }}`)."""
    token = getattr(request.state, CSRF_STATE, None)
    if token is None:
        raise RuntimeError("csrf_field() needs a page behind `signed_in` (or the sign-in page): no token to put in")
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)


def query_model(request: Request, model: type[Model], *, exclude: Collection[str] = ()) -> Model:
    """The query as `model`: empty form fields left out, repeated names as lists; UnprocessableContent if invalid.

    A GET form sends every field, filled or not, so an empty value means "not given".
    """
    given: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        if name not in exclude and name != LANGUAGE_PARAMETER and value.strip():
            given.setdefault(name, []).append(value)
    fields = model.model_fields
    data = {
        name: values if name in fields and get_origin(fields[name].annotation) is list else values[0]
        for name, values in given.items()
    }
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"parameter": ".".join(map(str, error["loc"][:1])), "reason": error["msg"], "invalid": _shown(error)}
            for error in exc.errors()
        ]
        raise UnprocessableContent("The query parameters are invalid.", errors=errors) from exc


def _shown(error: Any) -> list[str]:
    """The offending input as a short text, for the page to show."""
    value = error.get("input")
    return [] if isinstance(value, dict) else [str(value)[:100]]
