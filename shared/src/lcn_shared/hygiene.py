"""Input hygiene: text PostgreSQL cannot store (NUL, lone surrogates) is refused with 422 before a handler runs."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, get_args, get_origin
from urllib.parse import unquote_to_bytes

from pydantic import BaseModel, Strict
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lcn_shared.problems import InvalidRequest, validation_problem

# PostgreSQL's text cannot hold U+0000 and its UTF-8 cannot hold a lone surrogate; both come into a JSON
# document only as `\u` escapes (raw NUL bytes and bad UTF-8 are not JSON), so this finds every candidate.
UNSAFE_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
UNSAFE_ESCAPE_TEXT = re.compile(r"\x00|\\u(?:0000|[dD][89a-fA-F])")
UNSAFE_MESSAGE = "Text may not contain NUL characters or unpaired surrogates."
JSON_MEDIA_TYPE = re.compile(rb"^\s*application/([\w.+-]+\+)?json\s*(;|$)", re.IGNORECASE)
# PostgreSQL's integer: the most any count, position or offset the services take can be.
INT32_MAX = 2**31 - 1

Location = tuple[str | int, ...]


def unsafe_text(value: str) -> bool:
    """True when the text holds a NUL or cannot be encoded as UTF-8 (an unpaired surrogate)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def find_unsafe(value: Any, location: Location = ()) -> Location | None:
    """Where in a decoded JSON value (keys included) the first unsafe text sits, or None."""
    if isinstance(value, str):
        return location if unsafe_text(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if unsafe_text(key):
                return (*location, key.encode("utf-8", "backslashreplace").decode())
            found = find_unsafe(item, (*location, key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = find_unsafe(item, (*location, index))
            if found is not None:
                return found
    return None


def may_hold_unsafe(text: str) -> bool:
    """A quick scan of a whole delivery: False means no record of it can hold unsafe text."""
    return UNSAFE_ESCAPE_TEXT.search(text) is not None


def unsafe_input(location: Location) -> InvalidRequest:
    """The 422 for unstorable text at `location` (path, query, or a place in the body)."""
    return InvalidRequest([{"loc": list(location), "msg": UNSAFE_MESSAGE, "type": "string_unsafe"}])


def _json_body_checked(scope: Scope) -> bool:
    """True when FastAPI will decode this request's body as JSON into a model.

    Routes that read their body themselves (bulk feed uploads) check it record by record, so that one bad
    record is rejected alone; FastAPI puts the matched route in the scope before the body is read.
    """
    route = scope.get("route")
    return route is None or getattr(route, "body_field", None) is not None


class InputHygieneMiddleware:
    """Refuses NUL in the path or the decoded query, and unstorable text in JSON bodies, with 422."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the path and query up front; check a JSON body as it is read."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        location: Location | None = None
        if "\x00" in scope["path"]:
            location = ("path",)
        query: bytes = scope.get("query_string", b"")
        if (b"%00" in query or b"\x00" in query) and b"\x00" in unquote_to_bytes(query):
            location = ("query",)
        if location is not None:
            await validation_problem(unsafe_input(location).errors, None)(scope, receive, send)
            return
        content_type = dict(scope["headers"]).get(b"content-type", b"")
        if not JSON_MEDIA_TYPE.match(content_type):
            await self.app(scope, receive, send)
            return
        await self.app(scope, _checked_receive(scope, receive), send)


def _checked_receive(scope: Scope, receive: Receive) -> Receive:
    """A receive that raises the 422 on the last chunk of a JSON body holding unstorable text."""
    chunks: list[bytes] = []

    async def checked() -> Message:
        message = await receive()
        # A bulk upload read by its route is neither kept nor scanned here: the route checks its records.
        if message["type"] != "http.request" or not _json_body_checked(scope):
            return message
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            body = b"".join(chunks)
            chunks.clear()
            if UNSAFE_ESCAPE.search(body):
                _raise_if_unsafe(body)
        return message

    return checked


def _raise_if_unsafe(body: bytes) -> None:
    """Decode the body and raise the 422 at the first unstorable text (invalid JSON is FastAPI's to answer)."""
    try:
        document = json.loads(body)
    except ValueError:
        return
    found = find_unsafe(document)
    if found is not None:
        raise unsafe_input(("body", *found))


def lax_scalars(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Fields of a request body that would take a JSON bool or number in lax mode (`0` for `false`, `"5"` for 5)."""
    found: list[str] = []
    for name, field in model.model_fields.items():
        strict = any(isinstance(item, Strict) and item.strict for item in field.metadata)
        found += _lax_in(field.annotation, f"{prefix}{name}", strict=strict)
    return found


def _lax_in(annotation: Any, where: str, *, strict: bool) -> list[str]:
    """The lax bool, int and float types within one annotation (unions, lists, nested models)."""
    if get_origin(annotation) is Annotated:
        inner, *metadata = get_args(annotation)
        strict = strict or any(isinstance(item, Strict) and item.strict for item in metadata)
        return _lax_in(inner, where, strict=strict)
    if annotation in (bool, int, float):
        return [] if strict else [where]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return lax_scalars(annotation, f"{where}.")
    return [found for arg in get_args(annotation) for found in _lax_in(arg, where, strict=strict)]
