"""Signed-in pages: an API key for a session cookie, pages behind `signed_in`, CSRF on forms, expiry, revocation."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.requests import Request

from lcn_shared.auth import Role
from lcn_shared.auth.keys import revoke_key
from lcn_shared.clock import Clock, ManualClock
from lcn_shared.db import create_engine, create_session_factory, unit_of_work
from lcn_shared.pages.rendering import CSRF_STATE, csrf_field
from lcn_shared.pages.sessions import safe_next
from lcn_shared.settings import IDENTITY, PlatformSettings
from lcn_shared.testing.fixtures import execute, fetch, run_service, service_config
from shared.tests.session_probe import NOTES_PATH, probe_app

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
IssueKey = Callable[..., Awaitable[str]]


@asynccontextmanager
async def running(
    platform: PlatformSettings, notes: list[str] | None = None, clock: Clock | None = None, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """The probe service (a coordinators' page with a form), on `clock` when given; a client of it."""
    config = service_config(platform, "registry", relay_enabled=False, consumers_enabled=False, **settings)
    async with run_service(probe_app([] if notes is None else notes, clock), config, wait_ready=False) as (_, client):
        yield client


def form_token(response: httpx.Response) -> str:
    """The CSRF token a page's form carries."""
    found = TOKEN.search(response.text)
    assert found is not None, response.text
    return found.group(1)


def cookie(response: httpx.Response, name: str) -> dict[str, str]:
    """The attributes of the cookie `name` that the response sets (its value under `value`), or {} when none."""
    for header in response.headers.get_list("set-cookie"):
        first, *attributes = header.split("; ")
        cookie_name, _, value = first.partition("=")
        if cookie_name == name:
            pairs = (attribute.partition("=") for attribute in attributes)
            return {"value": value.strip('"'), **{key.lower(): setting for key, _, setting in pairs}}
    return {}


async def sign_in(client: httpx.AsyncClient, key: str, next_path: str = NOTES_PATH) -> httpx.Response:
    """Open the sign-in page and submit its form with `key`."""
    page = await client.get("/sign-in", params={"next": next_path})
    assert page.status_code == 200, page.text
    return await client.post("/sign-in", data={"api_key": key, "csrf_token": form_token(page), "next": next_path})


async def sessions(platform: PlatformSettings) -> list[Any]:
    """The stored sessions: digest and key id."""
    return await fetch(platform, IDENTITY, "SELECT token_hash, key_id FROM web_session")


@pytest.mark.parametrize(
    ("given", "goes_to"),
    [
        ("/notes?page=2", "/notes?page=2"),
        ("/", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/notes", "/"),
        ("/\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("notes", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_next_is_only_ever_a_path_on_this_site(given: str | None, goes_to: str) -> None:
    """No open redirect: another host, a scheme, a backslash or a control character sends the browser to `/`."""
    assert safe_next(given) == goes_to


def test_csrf_field_fails_on_a_page_without_a_token_rather_than_render_a_form_that_cannot_post() -> None:
    """A public page has no session and so no token: the template error shows at once, not as a later 403."""
    request = Request({"type": "http", "method": "GET", "path": "/", "query_string": b"", "headers": []})
    with pytest.raises(RuntimeError, match="signed_in"):
        csrf_field(request)
    setattr(request.state, CSRF_STATE, "t<k>")
    assert csrf_field(request) == '<input type="hidden" name="csrf_token" value="t&lt;k&gt;">'


async def test_signing_in_with_a_good_key_sets_an_http_only_lax_cookie_and_goes_to_next(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """The form is Dutch first with a labelled password field; the session cookie is HttpOnly, SameSite=Lax, Path=/,
    not Secure over http; only the token's digest is stored; the page shows who is signed in, uncached."""
    key = await api_key(Role.COORDINATOR)
    async with running(platform) as client:
        page = await client.get("/sign-in", params={"next": NOTES_PATH})
        assert page.status_code == 200
        assert '<html lang="nl"' in page.text
        assert '<label class="utrecht-form-label" for="api-key">API-sleutel</label>' in page.text
        assert 'type="password" id="api-key" name="api_key"' in page.text
        assert 'aria-describedby="api-key-hint"' in page.text
        assert page.headers["cache-control"] == "no-store"
        assert "script-src 'none'" in page.headers["content-security-policy"]
        login = cookie(page, "lcn_sign_in")
        assert login["value"] == form_token(page)
        assert {"httponly", "path", "samesite"} <= set(login)
        english = await client.get("/sign-in", params={"next": NOTES_PATH, "lang": "en"})
        assert '<label class="utrecht-form-label" for="api-key">API key</label>' in english.text
        assert form_token(english) == form_token(page)  # a second tab keeps the first one's form working

        signed = await client.post(
            "/sign-in", data={"api_key": key, "csrf_token": form_token(page), "next": NOTES_PATH}
        )
        assert signed.status_code == 303
        assert signed.headers["location"] == NOTES_PATH
        assert signed.headers["cache-control"] == "no-store"
        session = cookie(signed, "lcn_session")
        assert set(session) == {"value", "httponly", "path", "samesite"}  # not Secure, no Max-Age, no Domain
        assert (session["path"], session["samesite"].lower()) == ("/", "lax")
        assert cookie(signed, "lcn_sign_in")["max-age"] == "0"  # the sign-in token is spent
        ((stored_hash, key_id),) = await sessions(platform)
        assert stored_hash == hashlib.sha256(session["value"].encode()).hexdigest() != session["value"]
        assert key.startswith(f"lcn_{key_id}_")

        notes = await client.get(NOTES_PATH)
        assert notes.status_code == 200
        assert "Ingelogd als coördinator" in notes.text
        assert 'action="/sign-out"' in notes.text
        assert notes.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in notes.headers["content-security-policy"]


async def test_a_wrong_key_shows_the_form_again_with_401_and_makes_no_session(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """The error is announced, summarised with a link to the field and tied to it; nothing is stored or set."""
    await api_key(Role.COORDINATOR)
    async with running(platform) as client:
        for wrong, message in [("lcn_abc_wrong", "onbekend of ingetrokken"), ("", "Vul uw API-sleutel in")]:
            response = await sign_in(client, wrong)
            assert response.status_code == 401
            assert message in response.text
            assert 'role="alert"' in response.text
            assert 'href="#api-key"' in response.text
            assert 'aria-describedby="api-key-hint api-key-error"' in response.text
            assert 'aria-invalid="true"' in response.text
            assert cookie(response, "lcn_session") == {}
        assert await sessions(platform) == []
        assert (await client.get(NOTES_PATH)).status_code == 303


async def test_next_that_leaves_the_site_goes_to_the_root_instead(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """`next=//evil.example` or `https://evil.example` signs in and lands on `/`."""
    key = await api_key(Role.COORDINATOR)
    async with running(platform) as client:
        for target in ("//evil.example", "https://evil.example"):
            response = await sign_in(client, key, next_path=target)
            assert response.status_code == 303
            assert response.headers["location"] == "/"


async def test_a_page_behind_signed_in_sends_a_browser_without_session_to_sign_in_and_refuses_other_roles(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """No session: 303 to the sign-in page with the path and query as `next`. A partner: a 403 page. An admin: in."""
    partner = await api_key(Role.PARTNER, organisation_id=uuid.uuid4(), organisation_name="ROC")
    admin = await api_key(Role.ADMIN)
    async with running(platform) as client:
        response = await client.get(NOTES_PATH, params={"page": "2", "lang": "en"})
        assert response.status_code == 303
        assert response.headers["location"] == "/sign-in?next=%2Fnotes%3Fpage%3D2%26lang%3Den&lang=en"
        assert response.headers["cache-control"] == "no-store"

        assert (await sign_in(client, partner)).status_code == 303
        refused = await client.get(NOTES_PATH)
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("text/html")
        assert "Met de rol partner hebt u geen toegang" in refused.text
        assert "Ingelogd als partner (ROC)" in refused.text
        assert refused.headers["cache-control"] == "no-store"

        assert (await sign_in(client, admin)).status_code == 303
        assert (await client.get(NOTES_PATH)).status_code == 200
        assert len(await sessions(platform)) == 1  # signing in again replaced the partner's session


async def test_a_revoked_keys_session_stops_working_at_once(platform: PlatformSettings, api_key: IssueKey) -> None:
    """`revoke_key` ends the key's sessions in its transaction; a key revoked by other means is found revoked on the
    next request (the cache is off here) and its sessions go."""
    first, second = await api_key(Role.COORDINATOR), await api_key(Role.COORDINATOR)
    engine = create_engine(platform.database_url_for(IDENTITY), pool_size=1)
    try:
        async with running(platform, auth_cache_seconds=0) as client:
            assert (await sign_in(client, first)).status_code == 303
            assert (await client.get(NOTES_PATH)).status_code == 200
            async with unit_of_work(create_session_factory(engine)) as session:
                await revoke_key(session, named=first)
            assert await sessions(platform) == []
            assert (await client.get(NOTES_PATH)).status_code == 303

            assert (await sign_in(client, second)).status_code == 303
            assert (await client.get(NOTES_PATH)).status_code == 200
            await execute(platform, IDENTITY, "UPDATE api_key SET revoked_at = now()")
            assert (await client.get(NOTES_PATH)).status_code == 303
            assert await sessions(platform) == []
    finally:
        await engine.dispose()


async def test_a_session_ends_after_its_idle_time_and_after_its_lifetime(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """Used every 50 minutes a session lives until its lifetime (3 h here); left alone for its idle time (1 h here)
    it ends. Both on the service's clock."""
    key = await api_key(Role.COORDINATOR)
    clock = ManualClock(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    settings = {"session_idle_seconds": 3600, "session_lifetime_seconds": 3 * 3600}
    async with running(platform, clock=clock, **settings) as client:
        assert (await sign_in(client, key)).status_code == 303
        clock.advance(timedelta(minutes=59))
        assert (await client.get(NOTES_PATH)).status_code == 200
        clock.advance(timedelta(minutes=61))
        assert (await client.get(NOTES_PATH)).status_code == 303
        assert await sessions(platform) == []

        assert (await sign_in(client, key)).status_code == 303
        for _ in range(3):  # 2 h 30 in, used all along
            clock.advance(timedelta(minutes=50))
            assert (await client.get(NOTES_PATH)).status_code == 200
        clock.advance(timedelta(minutes=30))
        assert (await client.get(NOTES_PATH)).status_code == 303


async def test_a_form_without_its_csrf_token_with_a_wrong_one_or_from_another_site_is_refused_and_changes_nothing(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """403 pages for a missing or wrong token, a cross-site Origin or Sec-Fetch-Site; the right token from this site
    adds the note. The sign-in form is protected too (login CSRF)."""
    key = await api_key(Role.COORDINATOR)
    notes: list[str] = []
    async with running(platform, notes) as client:
        assert (await sign_in(client, key)).status_code == 303
        token = form_token(await client.get(NOTES_PATH))
        for data, headers in [
            ({"note": "no token"}, {}),
            ({"note": "wrong", "csrf_token": "0" * len(token)}, {}),
            ({"note": "cross-site", "csrf_token": token}, {"Origin": "https://evil.example"}),
            ({"note": "null origin", "csrf_token": token}, {"Origin": "null"}),
            ({"note": "fetched cross-site", "csrf_token": token}, {"Sec-Fetch-Site": "cross-site"}),
            ({"note": "sibling", "csrf_token": token}, {"Sec-Fetch-Site": "same-site"}),
        ]:
            response = await client.post(NOTES_PATH, data=data, headers=headers)
            assert response.status_code == 403, data
            assert response.headers["content-type"].startswith("text/html")
            assert "Dit formulier is geweigerd" in response.text
        assert notes == []
        response = await client.post(
            NOTES_PATH,
            data={"note": "kept", "csrf_token": token},
            headers={"Origin": "http://registry", "Sec-Fetch-Site": "same-origin"},
        )
        assert response.status_code == 303
        assert [note.split(": ")[1] for note in notes] == ["kept"]

        client.cookies.clear()
        page = await client.get("/sign-in")
        for data, headers in [
            ({"api_key": key}, {}),
            ({"api_key": key, "csrf_token": "x" * 43}, {}),
            ({"api_key": key, "csrf_token": form_token(page)}, {"Origin": "https://evil.example"}),
        ]:
            response = await client.post("/sign-in", data=data, headers=headers)
            assert response.status_code == 403
            assert cookie(response, "lcn_session") == {}
        client.cookies.clear()  # a forged form in a browser that never opened the sign-in page
        forged = await client.post("/sign-in", data={"api_key": key, "csrf_token": form_token(page)})
        assert forged.status_code == 403
        assert len(await sessions(platform)) == 1


async def test_signing_out_ends_the_session_on_the_server(platform: PlatformSettings, api_key: IssueKey) -> None:
    """Only with the session's CSRF token; afterwards the old cookie opens nothing, even sent by hand."""
    key = await api_key(Role.COORDINATOR)
    async with running(platform) as client:
        signed = await sign_in(client, key)
        old = cookie(signed, "lcn_session")["value"]
        token = form_token(await client.get(NOTES_PATH))
        assert (await client.post("/sign-out", data={})).status_code == 403
        assert (await client.get(NOTES_PATH)).status_code == 200

        out = await client.post("/sign-out", data={"csrf_token": token})
        assert out.status_code == 303
        assert out.headers["location"] == "/sign-in?signed_out=1"
        assert cookie(out, "lcn_session")["max-age"] == "0"
        assert await sessions(platform) == []
        assert "U bent uitgelogd." in (await client.get(out.headers["location"])).text
        client.cookies.clear()
        client.cookies.set("lcn_session", old)
        assert (await client.get(NOTES_PATH)).status_code == 303


async def test_over_https_or_when_forced_the_cookie_is_secure_and_host_prefixed(
    platform: PlatformSettings, api_key: IssueKey
) -> None:
    """`__Host-lcn_session; Secure` for a request over https, and over http when `session_cookie_secure` says a proxy
    ended TLS; the session works with it."""
    key = await api_key(Role.COORDINATOR)
    async with running(platform) as client:
        client.base_url = httpx.URL("https://registry")
        signed = await sign_in(client, key)
        assert signed.status_code == 303
        session = cookie(signed, "__Host-lcn_session")
        assert set(session) == {"value", "httponly", "path", "samesite", "secure"}
        assert session["path"] == "/"
        assert (await client.get(NOTES_PATH)).status_code == 200
    async with running(platform, session_cookie_secure=True) as client:
        page = await client.get("/sign-in")
        assert "secure" in cookie(page, "__Host-lcn_sign_in")
