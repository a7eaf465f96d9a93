"""RFC 9457 problem details: domain errors carry their status and become problem+json in one place."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lcn_shared.telemetry.logs import current_trace_id

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://lcn.example.org/problems/"
PROBLEM_SCHEMA_REF = "#/components/schemas/Problem"
# FastAPI documents its own 422 with these schemas; the services answer problem+json instead.
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
log = logging.getLogger(__name__)


class Problem(BaseModel):
    """An RFC 9457 problem detail; extension members (`errors` of a 422, `location` of a 308, ...) may follow."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="A URI naming the kind of problem.")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = Field(None, description="The request path.")
    trace_id: str | None = Field(None, description="The request's trace id: quote it when reporting a problem.")


class ProblemError(Exception):
    """A domain error that maps onto an HTTP status and a problem type."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None, **extensions: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions


class NotFound(ProblemError):
    """The resource does not exist."""

    status, slug, title = 404, "not-found", "Not found"


class Conflict(ProblemError):
    """The request conflicts with the current state."""

    status, slug, title = 409, "conflict", "Conflict"


class Unauthorized(ProblemError):
    """No valid credential was presented."""

    status, slug, title = 401, "unauthorized", "Unauthorized"


class Forbidden(ProblemError):
    """The credential is valid but may not do this."""

    status, slug, title = 403, "forbidden", "Forbidden"


class PreconditionFailed(ProblemError):
    """The caller's `If-Match` names a version that is no longer current."""

    status, slug, title = 412, "precondition-failed", "Precondition failed"


class PreconditionRequired(ProblemError):
    """A change needs `If-Match`, so that no one overwrites a change they have not seen."""

    status, slug, title = 428, "precondition-required", "Precondition required"


class UnprocessableContent(ProblemError):
    """The request is well-formed but breaks a domain rule."""

    status, slug, title = 422, "unprocessable-content", "Unprocessable content"


class PermanentRedirect(ProblemError):
    """The resource lives under another URL for good (a merged community's id, for example)."""

    status, slug, title = 308, "moved", "Moved permanently"

    def __init__(self, detail: str, *, location: str) -> None:
        super().__init__(detail, headers={"Location": location}, location=location)


class PayloadTooLarge(ProblemError):
    """The request body exceeds the service's limit."""

    status, slug, title = 413, "payload-too-large", "Payload too large"


class InvalidRequest(StarletteHTTPException):
    """A request refused before FastAPI validates it (by a middleware, or while its body is read), as a 422.

    An HTTPException because FastAPI re-raises those unchanged from a body read (other errors become a 400).
    """

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(422, "The request body or parameters are invalid.")
        self.errors = errors


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` declaring that these statuses answer with problem+json."""
    return {status: {"content": {PROBLEM_JSON: {}}} for status in statuses}


def problem_response(
    status: int, slug: str, title: str, detail: str | None, request: Request | None, **extensions: Any
) -> JSONResponse:
    """Build one problem+json response."""
    body: dict[str, Any] = {"type": PROBLEM_BASE + slug, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if request is not None:
        body["instance"] = request.url.path
    body.update(extensions)
    trace_id = current_trace_id()
    if trace_id:  # what a user quotes, and an operator finds the logs and spans by
        body.setdefault("trace_id", trace_id)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def validation_problem(errors: list[dict[str, Any]], request: Request | None) -> JSONResponse:
    """The 422 problem of a request that failed validation, with each error's location."""
    return problem_response(
        422,
        "validation-error",
        "Request validation failed",
        "The request body or parameters are invalid.",
        request,
        errors=errors,
    )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Reduce pydantic's errors to location, message and type (no echo of large inputs)."""
    return [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    @app.exception_handler(ProblemError)
    async def _domain(request: Request, exc: ProblemError) -> JSONResponse:
        response = problem_response(exc.status, exc.slug, exc.title, exc.detail, request, **exc.extensions)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_problem(_validation_errors(exc), request)

    @app.exception_handler(InvalidRequest)
    async def _refused(request: Request, exc: InvalidRequest) -> JSONResponse:
        return validation_problem(exc.errors, request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc.__cause__, ProblemError):  # FastAPI wraps errors of a body read (over the limit) in a 400
            return await _domain(request, exc.__cause__)
        title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "HTTP error")
        slug = title.lower().replace(" ", "-")
        return problem_response(exc.status_code, slug, title, str(exc.detail), request)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        log.info("integrity error turned into 409", exc_info=exc)
        return problem_response(409, "conflict", "Conflict", "The change conflicts with existing data.", request)


def document_problems(document: dict[str, Any]) -> dict[str, Any]:
    """Make every documented 4xx and 5xx response of an OpenAPI document say what is sent: problem+json.

    FastAPI documents its 422 (and every extra response) as `application/json`. A response keeps
    its own content only where a route gave it a schema of its own (readiness's 503, say).
    """
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if str(status)[0] in "45":
                    own = {media: entry for media, entry in content.items() if _own_schema(media, entry)}
                    response["content"] = own or {PROBLEM_JSON: {}}
                if PROBLEM_JSON in response.get("content", {}):  # a 308 of a merged id is a problem too
                    response["content"][PROBLEM_JSON]["schema"] = {"$ref": PROBLEM_SCHEMA_REF}
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    return document


def _own_schema(media_type: str, entry: dict[str, Any]) -> bool:
    """True for content a route documented itself, not FastAPI's default (an empty or validation schema)."""
    schema = entry.get("schema") or {}
    default = not schema or schema.get("$ref", "").rsplit("/", 1)[-1] in FASTAPI_VALIDATION_SCHEMAS
    return media_type != PROBLEM_JSON and not default


class UnhandledErrorMiddleware:
    """Any unhandled exception: one log record with its traceback and trace ids, and a 500 problem+json.

    Not `exception_handler(Exception)`: Starlette re-raises after such a handler answers, so the
    server logs the same traceback a second time.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; on an exception, log it once and answer 500 if nothing was sent yet."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answered = False

        async def send_noting_start(message: Message) -> None:
            nonlocal answered
            answered = answered or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_noting_start)
        except Exception as exc:
            span = trace.get_current_span()
            span.record_exception(exc)
            span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
            log.error("unhandled error in %s %s", scope["method"], scope["path"], exc_info=exc)
            if not answered:
                detail = "An unexpected error occurred. Quote the trace id when you report it."
                response = problem_response(500, "internal-error", "Internal server error", detail, Request(scope))
                await response(scope, receive, send)
