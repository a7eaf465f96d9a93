"""The attendee list as a spreadsheet (issue 10, item 3): UTF-8 with a BOM, comma or semicolon, no cell run as a
formula, filtered like the list."""

from __future__ import annotations

import csv
import io

import httpx

from lcn_shared.spreadsheets import BOM
from services.events.tests.builders import KeyMaker, conference_team
from services.events.tests.registrations.builders import person, published, registered


async def test_csv_export_is_formula_safe_with_a_bom(events: httpx.AsyncClient, api_key: KeyMaker) -> None:
    """Names and organisations that a spreadsheet would run as formulas arrive as text (an apostrophe before);
    accents survive; `?separator=semicolon` for Dutch Excel; `?status=` filters."""
    team = await conference_team(api_key)
    event = await published(events, team, capacity=2)
    await registered(events, event, person(1, name='=HYPERLINK("http://evil.example","klik")', organisation="@SUM(A1)"))
    await registered(events, event, person(2, name="+31 6 1234 5678", organisation="-Zuid"))
    await registered(events, event, person(3, name="Zoë Ñúñez", organisation="Hogeschool Utrecht"))
    path = f"/v1/events/{event['event_id']}/registrations.csv"

    answer = await events.get(path, headers=team)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert f"aanmeldingen-{event['event_id']}.csv" in answer.headers["content-disposition"]
    assert answer.text.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(answer.text.removeprefix(BOM))))
    assert [(row["naam"], row["organisatie"], row["status"]) for row in rows] == [
        ('\'=HYPERLINK("http://evil.example","klik")', "'@SUM(A1)", "confirmed"),
        ("'+31 6 1234 5678", "'-Zuid", "confirmed"),
        ("Zoë Ñúñez", "Hogeschool Utrecht", "waitlisted"),
    ]
    assert [row["plek_op_wachtlijst"] for row in rows] == ["", "", "1"]
    assert rows[0]["e-mail"] == "deelnemer1@example.org"

    semicolons = await events.get(path, params={"separator": "semicolon", "status": "waitlisted"}, headers=team)
    lines = semicolons.text.removeprefix(BOM).splitlines()
    assert lines[0].startswith("registratie_id;datum;status;")
    assert len(lines) == 2
    assert ";Zoë Ñúñez;" in lines[1]
