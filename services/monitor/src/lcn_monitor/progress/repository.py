"""The queries behind every figure: registry measures over the read model on given dates, and the counted
reports (one per community and period, merges resolved to their survivor) summed per period.

A community is active on a date when it is not merged away, not planned, started by then (its start date, or the
day it was registered) and not ended before it (its end date, or the day it became ended or absorbed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Date, Text, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.types import TypeEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from lcn_monitor.figures import FIGURES
from lcn_monitor.scopes import Scope

# A community is active from its start (its start date, else the day the registry registered it) until it ended
# (its end date, else the day it became ended or absorbed): one span, open-ended while it is active.
STARTED_ON = "coalesce(c.start_date, (c.registered_at AT TIME ZONE 'Europe/Amsterdam')::date)"
ACTIVE_UNTIL = (
    "CASE WHEN c.status = 'active' THEN 'infinity'::date "
    "ELSE coalesce(c.end_date, (c.updated_at AT TIME ZONE 'Europe/Amsterdam')::date) END"
)
COUNTS = "c.merged_into IS NULL AND c.status <> 'planned'"
ACTIVE_ON = f"{COUNTS} AND {STARTED_ON} <= d.day AND {ACTIVE_UNTIL} > d.day"
SINCE = f"(CAST(:since AS date) IS NULL OR {STARTED_ON} >= :since)"
KINDS = "(cardinality(CAST(:kinds AS text[])) = 0 OR c.kinds && CAST(:kinds AS text[]))"
SPEARHEADS_OF = "CAST(:spearheads AS jsonb) -> c.landsdeel"
SPEARHEAD = (
    f"({SPEARHEADS_OF} IS NULL OR jsonb_array_length({SPEARHEADS_OF}) = 0"
    f" OR c.topsectors && ARRAY(SELECT jsonb_array_elements_text({SPEARHEADS_OF})))"
)
DATES = "unnest(CAST(:dates AS date[])) AS d(day)"
# What each registry measure counts: a community, a landsdeel or an organisation, each once while it is active.
UNITS = {
    "communities_started_since": "c.community_id::text",
    "landsdelen_covered": "c.landsdeel",
    "organisations_reached": "p.organisation_id",
}
PARTNERS = "LEFT JOIN LATERAL jsonb_object_keys(c.partners) AS p(organisation_id) ON TRUE"
# A unit (a landsdeel, an organisation) is active while any of its communities is: its spans are merged into
# islands (gaps and islands), so that counting the islands that hold a date counts each unit once, without a
# DISTINCT over every (date, community, organisation); for a 10,000-community network a quarter of the time.
SERIES = """
    WITH spans AS (
        SELECT {unit} AS unit, {started} AS s, {until} AS e FROM community c {partners}
        WHERE {counts} AND {unit} IS NOT NULL AND {scope} AND {conditions}
    ),
    marked AS (
        SELECT unit, s, e, CASE WHEN s <= max(e) OVER (
            PARTITION BY unit ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) THEN 0 ELSE 1 END AS opens
        FROM spans
    ),
    islands AS (SELECT unit, s, e, sum(opens) OVER (PARTITION BY unit ORDER BY s, e) AS island FROM marked),
    merged AS (SELECT min(s) AS s, max(e) AS e FROM islands GROUP BY unit, island)
    SELECT d.day, count(m.s) AS value FROM {dates} LEFT JOIN merged m ON m.s <= d.day AND m.e > d.day GROUP BY d.day
"""


def scope_condition(scope: Scope, alias: str = "c") -> str:
    """SQL for "in this scope", on the community `alias`."""
    if scope.kind == "landsdeel":
        return f"{alias}.landsdeel = :scope_code"
    if scope.kind == "topsector":
        return f":scope_code = ANY({alias}.topsectors)"
    return "TRUE"


def _measure_text(sql: str) -> TextClause:
    """A measure's statement with the typed parameters it uses."""
    types: dict[str, TypeEngine[Any]] = {"dates": ARRAY(Date), "kinds": ARRAY(Text), "spearheads": JSONB()}
    return text(sql).bindparams(*(bindparam(name, type_=kind) for name, kind in types.items() if f":{name}" in sql))


@dataclass(frozen=True)
class Measure:
    """A registry indicator's definition as its queries take it: what is counted, since when, over which kinds
    and, for landsdelen, on which spearheads."""

    name: str
    since: date | None = None
    kinds: Sequence[str] = ()
    spearheads: Mapping[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, definition: Mapping[str, Any]) -> Measure:
        """The measure an indicator's stored definition describes."""
        since = definition.get("since")
        return cls(
            name=definition["measure"],
            since=date.fromisoformat(since) if since else None,
            kinds=definition.get("kinds", ()),
            spearheads=definition.get("spearheads", {}),
        )

    def parameters(self, sql: str, *, scope: Scope, dates: Sequence[date]) -> dict[str, Any]:
        """The parameters of the measure's statement, those it uses."""
        given = {
            "scope_code": scope.code,
            "since": self.since,
            "kinds": list(self.kinds),
            "spearheads": dict(self.spearheads),
            "dates": list(dates),
        }
        return {name: value for name, value in given.items() if f":{name}" in sql}

    def conditions(self) -> str:
        """The conditions of the measure besides scope and activity."""
        extra = {"communities_started_since": SINCE, "landsdelen_covered": SPEARHEAD, "organisations_reached": "TRUE"}
        return f"{KINDS} AND {extra[self.name]}"

    def partners(self) -> str:
        """The join to each community's organisations, for the measure that counts them."""
        return PARTNERS if self.name == "organisations_reached" else ""


async def registry_series(
    session: AsyncSession, *, measure: Measure, scope: Scope, dates: Sequence[date]
) -> dict[date, float]:
    """The measure's value on each date, in one statement."""
    sql = SERIES.format(
        unit=UNITS[measure.name],
        started=STARTED_ON,
        until=ACTIVE_UNTIL,
        partners=measure.partners(),
        counts=COUNTS,
        scope=scope_condition(scope),
        conditions=measure.conditions(),
        dates=DATES,
    )
    parameters = measure.parameters(sql, scope=scope, dates=dates)
    rows = await session.exec(_measure_text(sql), params=parameters)  # type: ignore[call-overload]
    found = {row.day: float(row.value) for row in rows}
    return {day: found.get(day, 0.0) for day in dates}


# Per measure: the name of one part of its figure (a unit, UNITS).
PART_NAMES = {
    "communities_started_since": "min(c.name)",
    "landsdelen_covered": "c.landsdeel",
    "organisations_reached": "min(c.partners -> p.organisation_id ->> 'name')",
}


async def registry_parts(session: AsyncSession, *, measure: Measure, scope: Scope, on: date) -> list[dict[str, Any]]:
    """What a registry figure is made of on a date: per part (a community, a landsdeel or an organisation) its
    name and the communities behind it; each part counts one."""
    part, name = UNITS[measure.name], PART_NAMES[measure.name]
    sql = (
        f"SELECT {part} AS part, {name} AS name, "
        "array_agg(c.community_id ORDER BY c.name, c.community_id) AS communities "
        f"FROM {DATES} JOIN community c ON {ACTIVE_ON} AND {scope_condition(scope)} AND {measure.conditions()} "
        f"{measure.partners()} WHERE {part} IS NOT NULL GROUP BY {part} ORDER BY 2, 1"
    )
    parameters = measure.parameters(sql, scope=scope, dates=[on])
    rows = await session.exec(_measure_text(sql), params=parameters)  # type: ignore[call-overload]
    return [{"part": row.part, "name": row.name, "communities": list(row.communities)} for row in rows]


# Which approved report counts when several cover one survivor and period: the coordinator's choice, else the
# survivor's own report, else the first approved.
PRECEDENCE = (
    "(cc.report_id = r.report_id) DESC NULLS LAST, (r.community_id = c.survivor_id) DESC, r.approved_at, r.report_id"
)
APPROVED = """
    FROM report r
    JOIN community c ON c.community_id = r.community_id
    JOIN community s ON s.community_id = c.survivor_id
    LEFT JOIN report_conflict_choice cc ON cc.survivor_id = c.survivor_id AND cc.period_id = r.period_id
    WHERE r.approved_revision IS NOT NULL
"""
REPORT_COLUMNS = (
    "r.report_id, r.community_id, r.period_id, r.source, r.approved_revision, s.community_id AS survivor_id, "
    f"s.name AS community_name, s.kinds, {', '.join(f'r.counted_{name} AS {name}' for name in FIGURES)}"
)
# The one report that counts per survivor and period, ranked on narrow rows (a sort of whole rows spilled to disk
# at 50,000 reports) and joined back to its figures.
COUNTING = f"""
    WITH counting AS (
        SELECT DISTINCT ON (c.survivor_id, r.period_id) r.report_id {APPROVED} AND {{conditions}}
        ORDER BY c.survivor_id, r.period_id, {PRECEDENCE}
    )
    SELECT {REPORT_COLUMNS} FROM counting k
    JOIN report r ON r.report_id = k.report_id
    JOIN community c ON c.community_id = r.community_id
    JOIN community s ON s.community_id = c.survivor_id
"""


def counted_reports(scope: Scope, conditions: str = "TRUE") -> str:
    """The reports that count in the scope (and meet `conditions` on the report `r`), one per survivor and period."""
    return COUNTING.format(conditions=f"{scope_condition(scope, 's')} AND {conditions}")


async def report_sums(session: AsyncSession, *, scope: Scope) -> list[dict[str, Any]]:
    """Per period and per set of community kinds, the sum of each figure over the reports that count."""
    sums = ", ".join(f"sum({name}) AS {name}" for name in FIGURES)
    sql = f"SELECT period_id, kinds, {sums} FROM ({counted_reports(scope)}) counted GROUP BY period_id, kinds"
    rows = await session.exec(text(sql), params={"scope_code": scope.code})  # type: ignore[call-overload]
    return [dict(row._mapping) for row in rows]


async def report_parts(
    session: AsyncSession, *, scope: Scope, kinds: Sequence[str], period_ids: Sequence[str]
) -> list[dict[str, Any]]:
    """The reports that count in the scope for the periods, on communities of `kinds` (any; all when empty)."""
    sql = (
        f"SELECT * FROM ({counted_reports(scope, 'r.period_id = ANY(:periods)')}) counted "
        "WHERE cardinality(CAST(:kinds AS text[])) = 0 OR kinds && CAST(:kinds AS text[]) "
        "ORDER BY period_id, community_name, report_id"
    )
    statement = text(sql).bindparams(bindparam("kinds", type_=ARRAY(Text)))
    rows = await session.exec(  # type: ignore[call-overload]
        statement, params={"scope_code": scope.code, "kinds": list(kinds), "periods": list(period_ids)}
    )
    return [dict(row._mapping) for row in rows]


async def conflicts(session: AsyncSession, *, period_id: str | None) -> list[dict[str, Any]]:
    """Every (community, period) with more than one approved report: each report, ranked (the first counts)."""
    ranked = (
        f"SELECT {REPORT_COLUMNS}, row_number() OVER (PARTITION BY c.survivor_id, r.period_id ORDER BY {PRECEDENCE}) "
        f"AS rank, count(*) OVER (PARTITION BY c.survivor_id, r.period_id) AS rivals {APPROVED}"
    )
    sql = (
        f"SELECT * FROM ({ranked}) ranked WHERE rivals > 1 "
        "AND (CAST(:period AS text) IS NULL OR period_id = :period) ORDER BY period_id, survivor_id, rank"
    )
    rows = await session.exec(text(sql), params={"period": period_id})  # type: ignore[call-overload]
    return [dict(row._mapping) for row in rows]


async def survivor_of(session: AsyncSession, community_id: UUID) -> UUID | None:
    """The community a (possibly merged-away) id counts under."""
    rows = await session.exec(  # type: ignore[call-overload]
        text("SELECT survivor_id FROM community WHERE community_id = :id"), params={"id": community_id}
    )
    found = rows.first()
    return found.survivor_id if found is not None else None
