"""The network's calendar for 2026 and 2027 as the demo writes it: named conferences, yearly days as series,
network meetings in every landsdeel, smaller formats, one clash, 2027 partly in draft, and who registers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

# The demo partners as `lcn dev` issues their keys (`lcn_shared.devstack.DEMO_PARTNERS`): the registry's demo
# names them as members of its communities, so the events directory learns them from the registry's events.
BRAINPORT = uuid.uuid5(uuid.NAMESPACE_URL, "lcn:org:brainport-development")
DA_VINCI = uuid.uuid5(uuid.NAMESPACE_URL, "lcn:org:da-vinci-college")
HANZE = uuid.uuid5(uuid.NAMESPACE_URL, "lcn:org:hanzehogeschool-groningen")
PARTNER_ORGANISERS = (BRAINPORT, DA_VINCI, HANZE)

UTRECHT = {"name": "Jaarbeurs", "address": "Jaarbeursplein 6", "postal_code": "3521 AL", "city": "Utrecht"}
DEN_HAAG = {"name": "SER", "address": "Bezuidenhoutseweg 60", "postal_code": "2594 AW", "city": "Den Haag"}
GRONINGEN = {"address": "Zernikeplein 7", "postal_code": "9747 AS", "city": "Groningen"}
ENSCHEDE = {"address": "Hengelosestraat 500", "postal_code": "7521 AN", "city": "Enschede"}
EINDHOVEN = {"name": "Brainport Industries Campus", "address": "BIC 1", "postal_code": "5657 BX", "city": "Eindhoven"}
DORDRECHT = {
    "name": "Da Vinci College",
    "address": "Leerparkpromenade 100",
    "postal_code": "3312 KW",
    "city": "Dordrecht",
}
AMSTERDAM = {"address": "Weesperzijde 190", "postal_code": "1097 DZ", "city": "Amsterdam"}
WAGENINGEN = {"address": "Droevendaalsesteeg 4", "postal_code": "6708 PB", "city": "Wageningen"}
VENUES = {
    "noord": GRONINGEN,
    "oost": ENSCHEDE,
    "zuidoost": EINDHOVEN,
    "zuidwest": DORDRECHT,
    "noordwest": AMSTERDAM,
}
# The day of the one clash: two major events for Zuidoost, and no national conference that day.
CLASH_DAY = "2027-05-27"
FULL_EVENT = "Masterclass Wendbaar leren in de PPS 2027"
FULL_CAPACITY = 12
FULL_REGISTRATIONS = 16


@dataclass(frozen=True)
class EventSpec:
    """One event of the demo calendar: its body as `POST /v1/events` takes it (no organiser: the conference team),
    and whether it is published."""

    body: dict[str, Any]
    published: bool = True
    organiser: uuid.UUID | None = None
    registrations: int = 0
    series_occurrences: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        """The event's title (unique in the demo: it is how a second load finds the event)."""
        return str(self.body["title"])


def _day(title: str, kind: str, day: str, place: dict[str, str], **extra: Any) -> dict[str, Any]:
    """A body of a one-day event from 9:30 to 17:00, Amsterdam time."""
    return {
        "title": title,
        "kind": kind,
        "starts_at": f"{day}T09:30:00",
        "ends_at": f"{day}T17:00:00",
        "venue": place,
    } | extra


def _afternoon(title: str, kind: str, day: str, **extra: Any) -> dict[str, Any]:
    """A body of an afternoon session from 14:00 to 16:30."""
    return {"title": title, "kind": kind, "starts_at": f"{day}T14:00:00", "ends_at": f"{day}T16:30:00"} | extra


def _network_meetings() -> list[EventSpec]:
    """A network meeting in every landsdeel, in the spring of 2026 and of 2027 (autumn 2027 Noordwest in draft)."""
    organisers = {"noord": HANZE, "zuidoost": BRAINPORT, "zuidwest": DA_VINCI}
    days = {"noord": "02-09", "oost": "02-16", "zuidoost": "02-23", "zuidwest": "03-02", "noordwest": "03-09"}
    specs = []
    for year in (2026, 2027):
        for landsdeel, day in days.items():
            body = _afternoon(
                f"Netwerkbijeenkomst {landsdeel.capitalize()} voorjaar {year}",
                "network-meeting",
                f"{year}-{day}",
                venue=VENUES[landsdeel],
                landsdelen=[landsdeel],
                description=f"De learning communities van landsdeel {landsdeel.capitalize()} delen resultaten.",
            )
            specs.append(EventSpec(body, organiser=organisers.get(landsdeel)))
    autumn = _afternoon(
        "Netwerkbijeenkomst Noordwest najaar 2027",
        "network-meeting",
        "2027-10-05",
        venue=AMSTERDAM,
        landsdelen=["noordwest"],
    )
    return [*specs, EventSpec(autumn, published=False)]


CONFERENCES = [
    EventSpec(
        _day(
            "Katapultdag",
            "conference",
            "2026-10-08",
            UTRECHT,
            recurrence="FREQ=YEARLY;BYMONTH=10;BYDAY=2TH",
            description="De jaarlijkse dag van het Katapult-netwerk met de ruim 300 PPS-en.",
        ),
        series_occurrences=("2026-10-08", "2027-10-14"),
    ),
    EventSpec(
        _day(
            "Techniekpactdag",
            "conference",
            "2026-06-11",
            UTRECHT,
            recurrence="FREQ=YEARLY;BYMONTH=6;BYDAY=2TH",
            description="De jaarlijkse dag van het Techniekpact en zijn vijf landsdelen.",
        ),
        series_occurrences=("2026-06-11", "2027-06-10"),
    ),
    EventSpec(_day("Energy Outlook 2026", "conference", "2026-11-19", UTRECHT, topsectors=["energie"])),
    EventSpec(_day("Energy Outlook 2027", "conference", "2027-11-18", UTRECHT, topsectors=["energie"]), False),
    EventSpec(
        _day("Groenpact Arbeidsmarktconferentie 2026", "conference", "2026-03-26", WAGENINGEN, topsectors=["agri-food"])
    ),
    EventSpec(
        _day(
            "Groenpact Arbeidsmarktconferentie 2027", "conference", "2027-03-25", WAGENINGEN, topsectors=["agri-food"]
        ),
        published=False,
    ),
    EventSpec(_day("HR-managersconferentie met VNO-NCW 2027", "conference", "2027-04-15", DEN_HAAG)),
    EventSpec(
        _day(
            "SER-conferentie Leven lang ontwikkelen 2026",
            "conference",
            "2026-09-24",
            DEN_HAAG,
            themes=["energietransitie-duurzaamheid"],
        )
    ),
    EventSpec(_day("SER-conferentie Leven lang ontwikkelen 2027", "conference", "2027-09-23", DEN_HAAG), False),
    # The clash: a conference and a flagged network day, both for Zuidoost, on the same day.
    EventSpec(
        _day("Brainport Talentconferentie 2027", "conference", CLASH_DAY, EINDHOVEN, landsdelen=["zuidoost"]),
        organiser=BRAINPORT,
    ),
    EventSpec(
        _day(
            "Netwerkdag Zuidoost: opschaling PPS-en 2027",
            "network-meeting",
            CLASH_DAY,
            EINDHOVEN,
            landsdelen=["zuidoost"],
            major=True,
        )
    ),
]

SMALLER = [
    EventSpec(
        _afternoon(
            FULL_EVENT,
            "masterclass",
            "2027-01-21",
            venue=EINDHOVEN,
            landsdelen=["zuidoost"],
            topsectors=["htsm"],
            capacity=FULL_CAPACITY,
        ),
        registrations=FULL_REGISTRATIONS,
    ),
    EventSpec(
        _afternoon("Masterclass Impact zichtbaar maken met het volgsysteem 2027", "masterclass", "2027-05-20"),
        published=False,
    ),
    EventSpec(
        _afternoon(
            "Webinar Opschaling PPS-en: eerste resultaten Nationaal Groeifonds",
            "webinar",
            "2027-02-04",
            online_url="https://webinar.example.org/opschaling-pps",
        ),
        registrations=5,
    ),
    EventSpec(
        _day(
            "Teach-the-teacher: lesgeven in het Fieldlab 2027",
            "teach-the-teacher",
            "2027-03-11",
            DORDRECHT,
            landsdelen=["zuidwest"],
            topsectors=["water-maritiem"],
            capacity=30,
        ),
        organiser=DA_VINCI,
        registrations=3,
    ),
    EventSpec(
        {
            "title": "Open Dagen Energy College 2027",
            "kind": "information-day",
            "all_day": True,
            "start_date": "2027-04-08",
            "end_date": "2027-04-09",
            "venue": GRONINGEN,
            "landsdelen": ["noord"],
            "topsectors": ["energie"],
        },
        organiser=HANZE,
    ),
]

EVENTS: list[EventSpec] = [*CONFERENCES, *_network_meetings(), *SMALLER]

FIRST_NAMES = ("Anouk", "Bram", "Carlijn", "Daan", "Esmee", "Floris", "Gijs", "Hanneke", "Ilse", "Joost")
LAST_NAMES = ("Voorbeeld", "Testers", "Demo", "Proefmans")
ORGANISATIONS = ("Fieldlab Voorbeeld", "ROC Voorbeeldstad", "Hogeschool Demo", None)


def attendees(count: int, *, event: str) -> list[dict[str, Any]]:
    """Made-up people with example.org addresses (never real persons), the same for the same event every time."""
    people = []
    for number in range(count):
        first, last = FIRST_NAMES[number % len(FIRST_NAMES)], LAST_NAMES[number // len(FIRST_NAMES) % len(LAST_NAMES)]
        slug = "".join(ch for ch in event.lower() if ch.isalnum())[:12]
        person: dict[str, Any] = {"name": f"{first} {last}", "email": f"{first.lower()}.{number}.{slug}@example.org"}
        if (organisation := ORGANISATIONS[number % len(ORGANISATIONS)]) is not None:
            person["organisation"] = organisation
        people.append(person)
    return people
