"""The documents' indicators and the reporting periods, seeded.

The numbers are the policy documents' own (../shared/seeds): 000 is the Roadmap Human Capital Topsectoren
2020-2023, 003 the evaluation of the human-capital policy 2020-2025 (its NGF "Opschaling PPS-en" targets for
2030 against 2021, and the first half-year's actuals from Katapult's 2024 report). Written as data here, not
imported from the service's code, so that this revision stays what it was when the code moves on.

Revision ID: c3f5a7b90005
Revises: c3f5a7b90004
Create Date: 2026-12-06
"""

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "c3f5a7b90005"
down_revision: str | None = "c3f5a7b90004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEEDED_AT = datetime(2026, 12, 6, tzinfo=UTC)
ACTOR = "migration:c3f5a7b90005"
FIRST_YEAR, LAST_YEAR = 2021, 2030
# Periods from the second half of 2026, the monitor's first, are ones every active community must report for;
# the ones before it are there for the figures programmes reported then (and for corrections).
FIRST_REQUIRED = date(2026, 7, 1)
HISTORY_FIELDS = ("key", "name_nl", "name_en", "unit", "source", "aggregation", "definition")
NGF_KINDS = ["ecosystem-pps", "high-impact-pps"]
ROADMAP = "000: Roadmap Human Capital Topsectoren 2020-2023"
EVALUATION = "003: Evaluatie human-capitalbeleid 2020-2025 (NGF Opschaling PPS-en)"
FIRST_HALF_YEAR = "003: Katapult (2024), 'Een halfjaar onderweg: de eerste resultaten in beeld'"


def _indicator(
    key: str,
    name_nl: str,
    name_en: str,
    *,
    unit: str,
    source: str,
    aggregation: str,
    definition: dict[str, Any],
    description: str,
) -> dict[str, Any]:
    """One indicator row."""
    return {
        "key": key,
        "name_nl": name_nl,
        "name_en": name_en,
        "description": description,
        "unit": unit,
        "direction": "higher",
        "source": source,
        "aggregation": aggregation,
        "definition": json.dumps(definition),
        "tolerance": 0.1,
        "version": 1,
        "created_at": SEEDED_AT,
        "updated_at": SEEDED_AT,
    }


def _reports(
    key: str, name_nl: str, name_en: str, fields: list[str], *, ngf: bool, unit: str = "count"
) -> dict[str, Any]:
    """An indicator summed from approved reports (over the NGF PPS, or every community)."""
    who = "de ecosysteem- en High-Impact PPS-en van het Nationaal Groeifonds" if ngf else "alle leergemeenschappen"
    definition = {"source": "reports", "fields": fields, "kinds": NGF_KINDS if ngf else []}
    return _indicator(
        key,
        name_nl,
        name_en,
        unit=unit,
        source="reports",
        aggregation="cumulative",
        definition=definition,
        description=f"Opgeteld uit goedgekeurde voortgangsrapportages van {who}, cumulatief sinds de nulmeting.",
    )


INDICATORS = [
    _indicator(
        "learning-communities-since-2018",
        "Extra leergemeenschappen sinds 2018",
        "Extra learning communities since 2018",
        unit="count",
        source="registry",
        aggregation="count",
        definition={"source": "registry", "measure": "communities_started_since", "since": "2018-01-01"},
        description="Leergemeenschappen die op of na 1 januari 2018 zijn gestart en nog actief zijn (registry).",
    ),
    _indicator(
        "landsdelen-with-learning-community",
        "Landsdelen met een leergemeenschap op regionale speerpunten",
        "Landsdelen with a learning community on regional spearheads",
        unit="count",
        source="registry",
        aggregation="count",
        definition={"source": "registry", "measure": "landsdelen_covered", "spearheads": {}},
        description="Techniekpact-landsdelen met ten minste één actieve leergemeenschap op een regionaal speerpunt; "
        "zolang een landsdeel geen speerpunten heeft, telt elke actieve leergemeenschap.",
    ),
    _indicator(
        "partner-reach",
        "Bereik onder partners",
        "Reach among partners",
        unit="count",
        source="registry",
        aggregation="count",
        definition={"source": "registry", "measure": "organisations_reached"},
        description="Organisaties die deelnemen aan ten minste één actieve leergemeenschap (registry).",
    ),
    _indicator(
        "active-learning-communities",
        "Actieve leergemeenschappen",
        "Active learning communities",
        unit="count",
        source="registry",
        aggregation="count",
        definition={"source": "registry", "measure": "communities_started_since", "since": None},
        description="Alle actieve leergemeenschappen in de registry.",
    ),
    _reports(
        "ngf-companies",
        "NGF-PPS: extra bereikte bedrijven",
        "NGF PPS: extra companies reached",
        ["companies"],
        ngf=True,
    ),
    _reports(
        "ngf-students", "NGF-PPS: extra bereikte studenten", "NGF PPS: extra students reached", ["students"], ngf=True
    ),
    _reports(
        "ngf-employees",
        "NGF-PPS: extra bereikte werkenden (LLO)",
        "NGF PPS: extra employees reached (LLO)",
        ["employees"],
        ngf=True,
    ),
    _reports(
        "ngf-field-funding",
        "NGF-PPS: extra financiering uit het werkveld",
        "NGF PPS: extra funding from the field",
        ["cofinancing_cash_eur", "cofinancing_in_kind_eur"],
        ngf=True,
        unit="eur",
    ),
    _reports(
        "ngf-new-outputs",
        "NGF-PPS: nieuwe of verbeterde outputs",
        "NGF PPS: new or improved outputs",
        ["new_outputs"],
        ngf=True,
    ),
    _reports("companies-reached", "Bereikte bedrijven", "Companies reached", ["companies"], ngf=False),
    _reports("students-reached", "Bereikte studenten", "Students reached", ["students"], ngf=False),
    _reports("employees-reached", "Bereikte werkenden (LLO)", "Employees reached (LLO)", ["employees"], ngf=False),
    _reports("teachers-reached", "Betrokken docenten", "Teachers involved", ["teachers"], ngf=False),
    _reports(
        "new-outputs", "Nieuwe outputs (curricula, producten, modules)", "New outputs", ["new_outputs"], ngf=False
    ),
    _reports(
        "cofinancing",
        "Cofinanciering (geld en natura)",
        "Co-financing (cash and in kind)",
        ["cofinancing_cash_eur", "cofinancing_in_kind_eur"],
        ngf=False,
        unit="eur",
    ),
    _indicator(
        "students-per-learning-community",
        "Bereikte studenten per actieve leergemeenschap",
        "Students reached per active learning community",
        unit="ratio",
        source="ratio",
        aggregation="ratio",
        definition={"source": "ratio", "numerator": "students-reached", "denominator": "active-learning-communities"},
        description="Bereikte studenten (rapportages) gedeeld door het aantal actieve leergemeenschappen (registry).",
    ),
]
BASELINES = [
    (
        "learning-communities-since-2018",
        0,
        date(2018, 1, 1),
        f"{ROADMAP}: de extra leergemeenschappen tellen vanaf 2018",
    ),
    ("partner-reach", 3000, date(2019, 12, 31), f"{ROADMAP}: een netwerk van 2.000 bedrijven en 1.000 scholen"),
    ("ngf-companies", 0, date(2021, 12, 31), f"{EVALUATION}: de doelen gelden ten opzichte van 2021"),
    ("ngf-students", 0, date(2021, 12, 31), f"{EVALUATION}: de doelen gelden ten opzichte van 2021"),
    ("ngf-employees", 0, date(2021, 12, 31), f"{EVALUATION}: de doelen gelden ten opzichte van 2021"),
    ("ngf-field-funding", 0, date(2021, 12, 31), f"{EVALUATION}: de doelen gelden ten opzichte van 2021"),
]
TARGETS = [
    ("learning-communities-since-2018", 100, date(2023, 12, 31), f"{ROADMAP}: 100 extra learning communities"),
    ("landsdelen-with-learning-community", 5, date(2023, 12, 31), f"{ROADMAP}: in elke regio op regionale speerpunten"),
    ("partner-reach", 6000, date(2023, 12, 31), f"{ROADMAP}: een verdubbeling van ons bereik onder partners"),
    ("ngf-companies", 8500, date(2030, 12, 31), f"{EVALUATION}: 8.500 extra bedrijven"),
    ("ngf-students", 50000, date(2030, 12, 31), f"{EVALUATION}: 50.000 extra studenten"),
    ("ngf-employees", 21000, date(2030, 12, 31), f"{EVALUATION}: 21.000 extra werknemers"),
    ("ngf-field-funding", 300_000_000, date(2030, 12, 31), f"{EVALUATION}: 300 mln. euro extra uit het werkveld"),
]
# The programme's own totals for its first six months (the second half of 2023), not per community.
OBSERVATIONS = [
    ("ngf-companies", "2023-H2", 440, f"{FIRST_HALF_YEAR}: 440 extra bedrijven actief betrokken"),
    ("ngf-students", "2023-H2", 550, f"{FIRST_HALF_YEAR}: 550 extra studenten"),
    ("ngf-employees", "2023-H2", 1600, f"{FIRST_HALF_YEAR}: 1.600 extra werknemers geschoold"),
    ("ngf-new-outputs", "2023-H2", 361, f"{FIRST_HALF_YEAR}: 361 nieuwe curricula, modules en projecten"),
]


def _periods() -> list[dict[str, Any]]:
    """Half-years: reports due two months after the end, the period locked a month later."""
    rows = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for half, starts, ends, deadline, closes in (
            ("H1", date(year, 1, 1), date(year, 6, 30), date(year, 8, 31), date(year, 9, 30)),
            ("H2", date(year, 7, 1), date(year, 12, 31), date(year + 1, 2, 28), date(year + 1, 3, 31)),
        ):
            rows.append(
                {
                    "period_id": f"{year}-{half}",
                    "starts_on": starts,
                    "ends_on": ends,
                    "deadline": deadline,
                    "closes_on": closes,
                    "reports_required": starts >= FIRST_REQUIRED,
                    "version": 1,
                    "updated_at": SEEDED_AT,
                }
            )
    return rows


def _table(name: str, *columns: sa.Column[Any]) -> sa.TableClause:
    """A lightweight table for bulk inserts."""
    return sa.table(name, *columns)


def _history(rows: list[dict[str, Any]], part: str) -> list[dict[str, Any]]:
    """One `created` history row per seeded row."""
    return [
        {
            "indicator_key": row["indicator_key"] if "indicator_key" in row else row["key"],
            "part": part,
            "scope": row.get("scope"),
            "change": "created",
            "changes": json.dumps({name: {"old": None, "new": str(value)} for name, value in row.items()}),
            "actor": ACTOR,
            "changed_at": SEEDED_AT,
        }
        for row in rows
    ]


def upgrade() -> None:
    """Insert the periods, the indicators and their national baselines, targets and observations, each with a
    `created` entry in the indicators' history."""
    column = sa.column
    op.bulk_insert(
        _table(
            "reporting_period",
            column("period_id"),
            column("starts_on"),
            column("ends_on"),
            column("deadline"),
            column("closes_on"),
            column("reports_required"),
            column("version"),
            column("updated_at"),
        ),
        _periods(),
    )
    connection = op.get_bind()
    connection.execute(
        sa.text(
            "INSERT INTO indicator (key, name_nl, name_en, description, unit, direction, source, aggregation, "
            "definition, tolerance, version, created_at, updated_at) VALUES (:key, :name_nl, :name_en, :description, "
            ":unit, :direction, :source, :aggregation, CAST(:definition AS jsonb), :tolerance, :version, :created_at, "
            ":updated_at)"
        ),
        INDICATORS,
    )
    baselines = [
        {
            "indicator_key": key,
            "scope": "national",
            "value": value,
            "on": on,
            "source_note": note,
            "updated_at": SEEDED_AT,
        }
        for key, value, on, note in BASELINES
    ]
    targets = [
        {
            "indicator_key": key,
            "scope": "national",
            "due_on": due,
            "value": value,
            "source_note": note,
            "updated_at": SEEDED_AT,
        }
        for key, value, due, note in TARGETS
    ]
    observations = [
        {
            "indicator_key": key,
            "scope": "national",
            "period_id": period,
            "value": value,
            "source_note": note,
            "updated_at": SEEDED_AT,
        }
        for key, period, value, note in OBSERVATIONS
    ]
    op.bulk_insert(
        _table(
            "indicator_baseline",
            column("indicator_key"),
            column("scope"),
            column("value"),
            column("on"),
            column("source_note"),
            column("updated_at"),
        ),
        baselines,
    )
    op.bulk_insert(
        _table(
            "indicator_target",
            column("indicator_key"),
            column("scope"),
            column("due_on"),
            column("value"),
            column("source_note"),
            column("updated_at"),
        ),
        targets,
    )
    op.bulk_insert(
        _table(
            "indicator_observation",
            column("indicator_key"),
            column("scope"),
            column("period_id"),
            column("value"),
            column("source_note"),
            column("updated_at"),
        ),
        observations,
    )
    history = [
        *_history([{name: row[name] for name in HISTORY_FIELDS} for row in INDICATORS], "indicator"),
        *_history(baselines, "baseline"),
        *_history(targets, "target"),
        *_history(observations, "observation"),
    ]
    connection.execute(
        sa.text(
            "INSERT INTO indicator_change (indicator_key, part, scope, change, changes, actor, changed_at) "
            "VALUES (:indicator_key, :part, :scope, :change, CAST(:changes AS jsonb), :actor, :changed_at)"
        ),
        history,
    )


def downgrade() -> None:
    """Remove what the upgrade seeded."""
    keys = tuple(row["key"] for row in INDICATORS)
    connection = op.get_bind()
    connection.execute(sa.text("DELETE FROM indicator_change WHERE actor = :actor"), {"actor": ACTOR})
    connection.execute(
        sa.text("DELETE FROM indicator WHERE key IN :keys").bindparams(sa.bindparam("keys", expanding=True)),
        {"keys": list(keys)},
    )
    connection.execute(
        sa.text("DELETE FROM reporting_period WHERE updated_at = :at AND version = 1"), {"at": SEEDED_AT}
    )
