"""Signed-in pages: the session cookie, the sign-in and sign-out pages, CSRF checks and `signed_in(*roles)`.

A page that needs a person depends on `signed_in(Role.COORDINATOR, ...)` and gets the `Principal`; without a
session the browser goes to `/sign-in?next=<the page>`. A POST behind `signed_in` (or `csrf_protected`) must come
from this site and carry the form's `{{ csrf_field() }}`. `create_service_app` installs all of it for a service with
pages. ADR 0026.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

from fastapi import APIRouter, FastAPI, Request
from starlette.datastructures import FormData, MutableHeaders, UploadFile
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lcn_shared.auth import sessions as store
from lcn_shared.auth.dependencies import Authenticator
from lcn_shared.auth.keys import Principal, Role
from lcn_shared.db import unit_of_work
from lcn_shared.pages.i18n import KIT_MESSAGES, Translate, negotiate_language
from lcn_shared.pages.rendering import CSRF_FIELD, CSRF_STATE, SIGNED_IN_STATE, Pages, page_link
from lcn_shared.problems import Forbidden
from lcn_shared.settings import ServiceSettings

SESSION_COOKIE, SIGN_IN_COOKIE = "lcn_session", "lcn_sign_in"
# Over https the browser then keeps a cookie only if it is Secure, on Path=/ and without a Domain.
SECURE_PREFIX = "__Host-"
SIGN_IN_PATH, SIGN_OUT_PATH = "/sign-in", "/sign-out"
NEXT_PARAMETER, KEY_FIELD, SIGNED_OUT_PARAMETER = "next", "api_key", "signed_out"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# `none` is a navigation the person started (a bookmark); anything from another origin is refused.
SAME_ORIGIN_FETCHES = frozenset({"same-origin", "none"})
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_KEY_LENGTH, MAX_NEXT_LENGTH, MAX_FORM_FIELDS = 200, 2000, 1000
NO_STORE = "no-store"
# Request state: the session as looked up (once per request), the form as read, and whether the answer depends on
# a session or sets its cookies (then no cache may keep it).
SESSION_STATE, FORM_STATE, SESSION_USED = "lcn_web_session", "lcn_form", "lcn_session_used"
KIT_PAGES = Pages()


@dataclass(frozen=True)
class SignedIn:
    """A request's live session: who it speaks for, its token (from the cookie) and its forms' CSRF token."""

    principal: Principal
    token: str
    csrf_token: str


class PageInterrupt(Exception):
    """A page dependency's answer instead of the page: a redirect to sign in, or a 403 page."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _settings(request: Request) -> ServiceSettings:
    """The service's settings."""
    settings: ServiceSettings = request.app.state.runtime.config.service
    return settings


def _now(request: Request) -> datetime:
    """Now, on the service's clock (a test's ManualClock moves sessions towards their end)."""
    moment: datetime = request.app.state.runtime.clock.now()
    return moment


def _authenticator(request: Request) -> Authenticator:
    """The service's key resolver; its session factory is the identity database's."""
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator


def _translate(request: Request) -> Translate:
    """The kit's messages in the request's language."""
    return KIT_MESSAGES.translator(negotiate_language(request))


def secure(request: Request) -> bool:
    """Whether cookies are Secure: the request came over https, or a setting says a proxy ended TLS before it."""
    return request.url.scheme == "https" or _settings(request).session_cookie_secure


def cookie_name(request: Request, name: str) -> str:
    """The cookie's name: `__Host-` prefixed when Secure, so no other host or path can plant one."""
    return SECURE_PREFIX + name if secure(request) else name


def set_cookie(response: Response, request: Request, name: str, value: str) -> None:
    """Set a browser-session cookie that scripts cannot read and other sites' requests do not carry (but links do)."""
    response.set_cookie(
        cookie_name(request, name), value, path="/", secure=secure(request), httponly=True, samesite="lax"
    )


def clear_cookie(response: Response, request: Request, name: str) -> None:
    """Tell the browser to forget a cookie set by `set_cookie`."""
    response.delete_cookie(cookie_name(request, name), path="/", secure=secure(request), httponly=True, samesite="lax")


def safe_next(value: object) -> str:
    """`value` when it is a path on this site (one leading `/`, no scheme, host or backslash), else `/`."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_NEXT_LENGTH or not value.startswith("/"):
        return "/"
    # Browsers read `\` as `/` and drop tabs and newlines, so `/\evil` and `/\t/evil` would mean `//evil`.
    if value.startswith("//") or "\\" in value or not value.isprintable() or " " in value:
        return "/"
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else "/"


def own_origin(request: Request) -> str:
    """This service's origin as a browser names it in `Origin`."""
    scheme = "https" if secure(request) else request.url.scheme
    return f"{scheme}://{request.url.netloc}"


def refuse_cross_site(request: Request) -> None:
    """Refuse (403 page) a state-changing request that the browser says came from another site or origin."""
    fetch_site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    if (fetch_site is not None and fetch_site not in SAME_ORIGIN_FETCHES) or (
        origin is not None and origin != own_origin(request)
    ):
        raise PageInterrupt(refused(request, _translate(request)("form_refused")))


def refused(request: Request, detail: str, *, back: str | None = None) -> Response:
    """A 403 problem as a page, with a link back (to this page unless said otherwise)."""
    response = KIT_PAGES.problem(request, Forbidden(detail), back=back or page_link(request, request.url.path))
    response.headers["Cache-Control"] = NO_STORE
    return response


def _sign_in_link(request: Request, next_path: str) -> str:
    """The sign-in page, coming back to `next_path`, in the request's chosen language."""
    return page_link(request, SIGN_IN_PATH, [(NEXT_PARAMETER, next_path)])


def _here(request: Request) -> str:
    """This request's path and query, as a `next` to return to."""
    return f"{request.url.path}?{request.url.query}" if request.url.query else request.url.path


async def read_form(request: Request) -> FormData:
    """A page's POSTed form (url-encoded, as HTML forms without files are), read once per request."""
    cached: FormData | None = getattr(request.state, FORM_STATE, None)
    if cached is not None:
        return cached
    form = FormData()
    if request.headers.get("content-type", "").partition(";")[0].strip().lower() == FORM_TYPE:
        body = (await request.body()).decode("utf-8", errors="replace")
        try:
            fields: list[tuple[str, str | UploadFile]] = [
                *parse_qsl(body, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
            ]
            form = FormData(fields)
        except ValueError:
            form = FormData()  # too many fields: no token is found, and the request is refused
    setattr(request.state, FORM_STATE, form)
    return form


def _same(given: object, expected: str) -> bool:
    """Whether a submitted token is the expected one, compared in constant time."""
    return isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())


async def current_session(request: Request) -> SignedIn | None:
    """The request's live session, looked up once per request; the key behind it is resolved on every request."""
    looked_up: SignedIn | None | bool = getattr(request.state, SESSION_STATE, False)
    if looked_up is not False:
        return looked_up if isinstance(looked_up, SignedIn) else None
    setattr(request.state, SESSION_USED, True)
    token = request.cookies.get(cookie_name(request, SESSION_COOKIE))
    found = await _resolve(request, token) if store.well_formed(token) and token is not None else None
    setattr(request.state, SESSION_STATE, found)
    if found is not None:
        setattr(request.state, SIGNED_IN_STATE, found.principal)
        setattr(request.state, CSRF_STATE, found.csrf_token)
    return found


async def _resolve(request: Request, token: str) -> SignedIn | None:
    """The session of a token with its key's principal; None when either has ended (a revoked key ends them all)."""
    authenticator = _authenticator(request)
    idle = timedelta(seconds=_settings(request).session_idle_seconds)
    # One identity connection at a time: the pool is small, and a request holding two could starve another.
    async with unit_of_work(authenticator.session_factory) as session:
        row = await store.find_session(session, token, now=_now(request), idle=idle)
        key_id = row.key_id if row is not None else None
    if key_id is None:
        return None
    principal = await authenticator.principal_of(key_id)
    if principal is None:
        async with unit_of_work(authenticator.session_factory) as session:
            await store.end_key_sessions(session, key_id)
        return None
    return SignedIn(principal=principal, token=token, csrf_token=store.csrf_token(token))


async def _check_csrf(request: Request, found: SignedIn) -> None:
    """Refuse (403 page) a form without the session's CSRF token."""
    if not _same((await read_form(request)).get(CSRF_FIELD), found.csrf_token):
        raise PageInterrupt(refused(request, _translate(request)("form_refused")))


def signed_in(*roles: Role) -> Callable[[Request], Awaitable[Principal]]:
    """A page dependency admitting admins and `roles`: without a session, a 303 to the sign-in page and back;
    another role, a 403 page. On a POST the form must also come from this site with its CSRF token."""
    allowed = {Role.ADMIN, *roles}

    async def dependency(request: Request) -> Principal:
        changing = request.method not in SAFE_METHODS
        if changing:
            refuse_cross_site(request)
        found = await current_session(request)
        if found is None:
            raise PageInterrupt(RedirectResponse(_sign_in_link(request, _here(request)), status_code=303))
        if changing:
            await _check_csrf(request, found)
        role = found.principal.role
        if role not in allowed:
            t = _translate(request)
            detail = t("role_refused", role=t(f"role_{role.value}"))
            raise PageInterrupt(refused(request, detail, back=_sign_in_link(request, _here(request))))
        return found.principal

    return dependency


async def csrf_protected(request: Request) -> None:
    """A dependency for a state-changing page route not behind `signed_in`: from this site, with a session and the
    session's CSRF token in the form, or a 403 page."""
    refuse_cross_site(request)
    found = await current_session(request)
    if found is None:
        raise PageInterrupt(refused(request, _translate(request)("form_refused")))
    await _check_csrf(request, found)


router = APIRouter(include_in_schema=False)


def _sign_in_form(
    request: Request, token: str, *, next_path: str, error: str | None = None, status_code: int = 200
) -> Response:
    """The sign-in page, its form carrying `token`, which the sign-in cookie repeats (login CSRF)."""
    setattr(request.state, CSRF_STATE, token)
    setattr(request.state, SESSION_USED, True)
    response = KIT_PAGES.render(
        request,
        "kit/sign_in.html",
        status_code=status_code,
        action=page_link(request, SIGN_IN_PATH),
        next=next_path,
        error=error,
        signed_out=request.query_params.get(SIGNED_OUT_PARAMETER) == "1",
        key_field=KEY_FIELD,
        key_length=MAX_KEY_LENGTH,
    )
    set_cookie(response, request, SIGN_IN_COOKIE, token)
    return response


@router.get(SIGN_IN_PATH)
async def sign_in_page(request: Request) -> Response:
    """The sign-in form; `?next=` names the page to return to (a path on this site, else `/`)."""
    token = request.cookies.get(cookie_name(request, SIGN_IN_COOKIE))
    # An earlier token is kept, so two tabs with the form both still work.
    if token is None or not store.well_formed(token):
        token = store.new_token()
    return _sign_in_form(request, token, next_path=safe_next(request.query_params.get(NEXT_PARAMETER)))


@router.post(SIGN_IN_PATH)
async def sign_in(request: Request) -> Response:
    """Exchange a key for a session: 303 to `next` with the cookie set, or the form again with 401."""
    refuse_cross_site(request)
    form = await read_form(request)
    next_path = safe_next(form.get(NEXT_PARAMETER))
    expected = request.cookies.get(cookie_name(request, SIGN_IN_COOKIE))
    if expected is None or not store.well_formed(expected) or not _same(form.get(CSRF_FIELD), expected):
        raise PageInterrupt(
            refused(request, _translate(request)("form_refused"), back=_sign_in_link(request, next_path))
        )
    given = form.get(KEY_FIELD)
    key = given.strip() if isinstance(given, str) else ""
    authenticator = _authenticator(request)
    principal = await authenticator.authenticate(key) if 0 < len(key) <= MAX_KEY_LENGTH else None
    if principal is None:
        error = _translate(request)("sign_in_refused" if key else "sign_in_empty")
        return _sign_in_form(request, expected, next_path=next_path, error=error, status_code=401)
    settings, now = _settings(request), _now(request)
    async with unit_of_work(authenticator.session_factory) as session:
        previous = request.cookies.get(cookie_name(request, SESSION_COOKIE))
        if previous is not None and store.well_formed(previous):
            await store.end_session(session, previous)  # a new token at every sign-in: no session fixation
        await store.purge_expired(session, now=now, idle=timedelta(seconds=settings.session_idle_seconds))
        token = await store.start_session(
            session, key_id=principal.key_id, now=now, lifetime=timedelta(seconds=settings.session_lifetime_seconds)
        )
    setattr(request.state, SESSION_USED, True)
    response = RedirectResponse(next_path, status_code=303)
    set_cookie(response, request, SESSION_COOKIE, token)
    clear_cookie(response, request, SIGN_IN_COOKIE)
    return response


@router.post(SIGN_OUT_PATH)
async def sign_out(request: Request) -> Response:
    """End the session (with its CSRF token: no other site signs a person out) and clear the cookie."""
    refuse_cross_site(request)
    found = await current_session(request)
    if found is not None:
        await _check_csrf(request, found)
        async with unit_of_work(_authenticator(request).session_factory) as session:
            await store.end_session(session, found.token)
    response = RedirectResponse(page_link(request, SIGN_IN_PATH, [(SIGNED_OUT_PARAMETER, "1")]), status_code=303)
    clear_cookie(response, request, SESSION_COOKIE)
    return response


async def _interrupted(request: Request, exc: Exception) -> Response:
    """The response a page dependency chose."""
    assert isinstance(exc, PageInterrupt)
    return exc.response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response that depends on a web session or sets its cookies, whatever the
    route returned (a page, a redirect, a CSV); each request gets its own state, where the session is kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; mark the response once the route has said whether it used a session."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # A shallow copy per request, as the ASGI spec has servers do (a test's lifespan manager shares one dict):
        # it is what `request.state` writes to further in, and the session must never outlive its request.
        state = scope["state"] = dict(scope.get("state") or {})

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start" and state.get(SESSION_USED):
                MutableHeaders(scope=message)["Cache-Control"] = NO_STORE
            await send(message)

        await self.app(scope, receive, marked)


def install_sign_in(app: FastAPI) -> None:
    """Serve /sign-in and /sign-out, answer page dependencies' redirects and refusals, keep session answers uncached."""
    app.include_router(router)
    app.add_exception_handler(PageInterrupt, _interrupted)
    app.add_middleware(NoStoreMiddleware)
