"""url_of answers what request.url_for answers: the same absolute URL, for routes in included routers, behind a
root path, for every call after the first."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, FastAPI, Request

from lcn_shared.urls import url_of


def app_with_routes() -> FastAPI:
    """An app whose one endpoint answers each named route's URL both ways."""
    router = APIRouter()

    @router.get("/registrations/{registration_id}", name="get_registration")
    async def get_registration(registration_id: str) -> dict[str, str]:
        return {}

    @router.get("/indicators/{key}/targets/{period}", name="get_target")
    async def get_target(key: str, period: str) -> dict[str, str]:
        return {}

    @router.get("/urls")
    async def urls(request: Request) -> list[list[str]]:
        asked = [("get_registration", {"registration_id": "0b7c"}), ("get_target", {"key": "k-1", "period": "2027-H1"})]
        asked += [("get_registration", {"registration_id": "9f00"})]  # the second call fills the kept path in
        return [[url_of(request, name, **params), str(request.url_for(name, **params))] for name, params in asked]

    app = FastAPI()
    app.include_router(router, prefix="/v1")
    return app


async def test_url_of_answers_as_url_for_does_even_behind_a_root_path() -> None:
    for root_path in ("", "/events"):
        transport = httpx.ASGITransport(app=app_with_routes(), root_path=root_path)
        async with httpx.AsyncClient(transport=transport, base_url="https://lcn.example") as client:
            pairs = (await client.get(f"{root_path}/v1/urls")).json()
        assert [ours for ours, _ in pairs] == [
            f"https://lcn.example{root_path}/v1/registrations/0b7c",
            f"https://lcn.example{root_path}/v1/indicators/k-1/targets/2027-H1",
            f"https://lcn.example{root_path}/v1/registrations/9f00",
        ]
        assert all(ours == theirs for ours, theirs in pairs)
