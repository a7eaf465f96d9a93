"""Assertions on RFC 9457 problem answers, for every service's tests."""

from __future__ import annotations

from typing import Any

import httpx

from lcn_shared.problems import PROBLEM_JSON


def assert_problem(response: httpx.Response, status: int = 422) -> dict[str, Any]:
    """The response is an application/problem+json with this status; its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    return problem
