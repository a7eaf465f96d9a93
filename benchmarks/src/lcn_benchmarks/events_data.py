"""The events benchmark's calendar: a realistic mix of published events in one year (single, all-day, multi-day,
series; several kinds, landsdelen and top sectors), as `POST /v1/events` bodies, and the people who register."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

from lcn_shared.contracts.events import EventKind
from lcn_shared.contracts.vocabulary import Topsector

CITIES = {
    "noord": ("Groningen", "9747 AS"),
    "oost": ("Enschede", "7521 AN"),
    "zuidoost": ("Eindhoven", "5657 BX"),
    "zuidwest": ("Dordrecht", "3312 KW"),
    "noordwest": ("Amsterdam", "1097 DZ"),
}
SMALL_KINDS = [kind.value for kind in EventKind if kind not in (EventKind.CONFERENCE, EventKind.OTHER)]
# Shares of the mix, by shape: most events are an afternoon or a day; a few are conferences, all-day or series.
SHAPES = (("timed", 0.62), ("conference", 0.05), ("all-day", 0.12), ("multi-day", 0.06), ("series", 0.15))
SERIES_RULES = (
    "FREQ=WEEKLY;COUNT=8",
    "FREQ=MONTHLY;COUNT=6",
    "FREQ=MONTHLY;INTERVAL=3;COUNT=4",
    "FREQ=WEEKLY;INTERVAL=2;COUNT=10",
    "FREQ=YEARLY",
)


def event_bodies(count: int, *, year: int, seed: int = 2027) -> list[dict[str, Any]]:
    """`count` event bodies starting in `year` (series may reach into the next), the same for the same seed."""
    rng = random.Random(seed)
    shapes = [name for name, _ in SHAPES]
    weights = [share for _, share in SHAPES]
    return [_body(number, rng.choices(shapes, weights)[0], rng, year) for number in range(count)]


def _body(number: int, shape: str, rng: random.Random, year: int) -> dict[str, Any]:
    """One event of the shape, on a weekday of the year (by March, so that every series fits its rule's start)."""
    day = date(year, 1, 4) + timedelta(days=rng.randrange(0, 350))
    day -= timedelta(days=max(0, day.weekday() - 4))  # a working day
    landsdelen = [] if rng.random() < 0.2 else [rng.choice(list(CITIES))]
    city, postal_code = CITIES[landsdelen[0] if landsdelen else rng.choice(list(CITIES))]
    kind = "conference" if shape == "conference" else rng.choice(SMALL_KINDS)
    body: dict[str, Any] = {
        "title": f"{kind.replace('-', ' ').capitalize()} {number:04d} {city}",
        "kind": kind,
        "description": "Benchmarkevenement: resultaten en ervaringen van de learning communities in de regio.",
        "landsdelen": landsdelen,
        "topsectors": rng.sample([sector.value for sector in Topsector], rng.choice((0, 1, 1, 2))),
    }
    if kind == "webinar":
        body["online_url"] = f"https://webinar.example.org/{number}"
    else:
        body["venue"] = {"address": f"Voorbeeldstraat {number % 200 + 1}", "postal_code": postal_code, "city": city}
    if shape in ("all-day", "multi-day"):
        length = 0 if shape == "all-day" else rng.choice((1, 2))
        body |= {"all_day": True, "start_date": day.isoformat(), "end_date": (day + timedelta(days=length)).isoformat()}
    else:
        hour = 9 if shape == "conference" else rng.choice((9, 10, 13, 14, 15, 19))
        hours = 7 if shape == "conference" else rng.choice((1, 2, 3))
        body |= {
            "starts_at": f"{day.isoformat()}T{hour:02d}:00:00",
            "ends_at": f"{day.isoformat()}T{hour + hours:02d}:00:00",
        }
    if shape == "series":
        body["recurrence"] = rng.choice(SERIES_RULES)
    if rng.random() < 0.3 and shape != "series":
        body["capacity"] = rng.choice((25, 40, 80, 150))
    return body


def mix_of(bodies: list[dict[str, Any]]) -> dict[str, Any]:
    """What the calendar holds: counts by shape, kind and landsdeel."""
    shapes: Counter[str] = Counter()
    for body in bodies:
        if body.get("recurrence"):
            shapes["series"] += 1
        elif body.get("all_day"):
            shapes["multi-day" if body["end_date"] != body["start_date"] else "all-day"] += 1
        else:
            shapes["timed"] += 1
    landsdelen = Counter(body["landsdelen"][0] if body["landsdelen"] else "national" for body in bodies)
    return {
        "shapes": dict(shapes),
        "kinds": dict(Counter(body["kind"] for body in bodies)),
        "landsdelen": dict(landsdelen),
        "with_capacity": sum("capacity" in body for body in bodies),
    }


def registration_body(number: int) -> dict[str, Any]:
    """A made-up person registering (an example.org address, unique per number)."""
    return {"name": f"Deelnemer {number:06d}", "email": f"deelnemer.{number:06d}@example.org", "organisation": "Bench"}
