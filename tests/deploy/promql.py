"""Find the metric names that the Grafana dashboards and Prometheus rules under deploy/ query."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS_CONFIG = REPO_ROOT / "deploy" / "prometheus" / "prometheus.yml"
GRAFANA_DASHBOARDS = REPO_ROOT / "deploy" / "grafana" / "dashboards"
GRAFANA_DATASOURCES = REPO_ROOT / "deploy" / "grafana" / "provisioning" / "datasources" / "datasources.yaml"

AGGREGATIONS = frozenset(
    {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values"}
    | {"bottomk", "topk", "quantile", "limitk", "limit_ratio"}
)
# Words that take a parenthesised list of label names rather than an expression.
LABEL_LIST_KEYWORDS = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right"})
KEYWORDS = LABEL_LIST_KEYWORDS | {
    "bool",
    "and",
    "or",
    "unless",
    "offset",
    "atan2",
    "inf",
    "nan",
}
# Series Prometheus writes for every scrape target itself; no service exports them.
PROMETHEUS_SYNTHETIC_SERIES = frozenset(
    {
        "up",
        "scrape_duration_seconds",
        "scrape_samples_scraped",
        "scrape_samples_post_metric_relabeling",
        "scrape_series_added",
    }
)

_TOKEN = re.compile(
    r"""
      (?P<space>\s+|\#[^\n]*)
    | (?P<string>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`)
    | (?P<variable>\$\$?(?:\{[^}]*\}|\w+)|\[\[\w+(?::\w+)?\]\])
    | (?P<duration>(?:\d+(?:ms|[smhdwy]))+(?!\w))
    | (?P<number>0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
    | (?P<punct>[(){}\[\],])
    | (?P<operator>=~|!~|!=|==|<=|>=|[-+*/%^<>=@])
    """,
    re.VERBOSE,
)
_LABEL_VALUES = re.compile(r"^\s*label_values\((?P<selector>.*),\s*[A-Za-z_]\w*\s*\)\s*$", re.DOTALL)
_QUERY_RESULT = re.compile(r"^\s*query_result\((?P<expr>.*)\)\s*$", re.DOTALL)


def tokens(expr: str) -> list[tuple[str, str]]:
    """Split a PromQL expression into (kind, text) tokens, dropping blanks and comments."""
    found: list[tuple[str, str]] = []
    position = 0
    while position < len(expr):
        match = _TOKEN.match(expr, position)
        if match is None or match.lastgroup is None:
            raise ValueError(f"cannot tokenise PromQL at {position}: {expr[position : position + 20]!r}")
        if match.lastgroup != "space":
            found.append((match.lastgroup, match.group()))
        position = match.end()
    return found


def _after_parenthesised(items: list[tuple[str, str]], open_index: int) -> int:
    """Return the index just past the parenthesis that closes the one at open_index."""
    depth = 0
    for index in range(open_index, len(items)):
        depth += {"(": 1, ")": -1}.get(items[index][1], 0)
        if depth == 0:
            return index + 1
    raise ValueError("unbalanced parentheses in PromQL expression")


def metric_names(expr: str) -> set[str]:
    """Return the metric names an expression selects, without functions, keywords, labels or literals."""
    items = tokens(expr)
    names: set[str] = set()
    braces = brackets = 0
    index = 0
    while index < len(items):
        kind, text = items[index]
        word = text.lower()  # PromQL keywords and function names are case-insensitive
        following = items[index + 1][1].lower() if index + 1 < len(items) else ""
        if kind == "punct" and text in ("{", "}", "[", "]"):
            braces += {"{": 1, "}": -1}.get(text, 0)
            brackets += {"[": 1, "]": -1}.get(text, 0)
        elif braces and kind == "ident" and text == "__name__":
            operator, value = items[index + 1], items[index + 2]
            if operator[1] != "=" or value[0] != "string":
                raise ValueError(f"cannot resolve a __name__ {operator[1]} matcher to metric names: {expr!r}")
            names.add(value[1][1:-1])
        elif braces or brackets or kind != "ident":
            pass  # label names, ranges, subqueries, strings, numbers, durations, Grafana variables
        elif word in LABEL_LIST_KEYWORDS and following == "(":
            index = _after_parenthesised(items, index + 1)
            continue
        elif word in KEYWORDS or following == "(":
            pass  # keyword, or a function / aggregation call
        elif word in AGGREGATIONS and following in ("by", "without"):
            pass
        else:
            names.add(text)
        index += 1
    return names


def _variable_expression(query: str | dict) -> str | None:
    """Return the PromQL inside a Grafana query variable, or None when it selects no metric."""
    text = query.get("query", "") if isinstance(query, dict) else query
    if match := _LABEL_VALUES.match(text):
        return match["selector"]
    if match := _QUERY_RESULT.match(text):
        return match["expr"]
    return None


def _panels(panels: Iterable[dict]) -> Iterator[dict]:
    """Yield every panel, descending into collapsed rows."""
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels", []))


def dashboard_expressions() -> Iterator[tuple[str, str]]:
    """Yield (where, PromQL) for every Prometheus target and query variable of every dashboard."""
    for path in sorted(GRAFANA_DASHBOARDS.glob("*.json")):
        dashboard = json.loads(path.read_text())
        for panel in _panels(dashboard.get("panels", [])):
            for target in panel.get("targets", []):
                if "expr" in target:
                    yield (
                        f"{path.name}: {panel.get('title')} {target.get('refId')}",
                        target["expr"],
                    )
        for variable in dashboard.get("templating", {}).get("list", []):
            if variable.get("type") == "query" and (expr := _variable_expression(variable.get("query", ""))):
                yield f"{path.name}: ${variable['name']}", expr


def rule_files() -> list[Path]:
    """Return the rule files prometheus.yml loads, resolved as Prometheus does (beside the config)."""
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text())
    return [PROMETHEUS_CONFIG.parent / name for name in config.get("rule_files", [])]


def rules() -> Iterator[dict]:
    """Yield every alerting and recording rule of every rule file."""
    for path in rule_files():
        for group in yaml.safe_load(path.read_text())["groups"]:
            yield from group["rules"]


def rule_expressions() -> Iterator[tuple[str, str]]:
    """Yield (rule name, PromQL) for every rule."""
    for rule in rules():
        yield rule.get("alert") or rule["record"], rule["expr"]


def datasource_expressions() -> Iterator[tuple[str, str]]:
    """Yield (where, PromQL) for the traces-to-metrics queries of the provisioned Tempo datasources."""
    for source in yaml.safe_load(GRAFANA_DATASOURCES.read_text())["datasources"]:
        for query in source.get("jsonData", {}).get("tracesToMetrics", {}).get("queries", []):
            yield f"datasource {source['uid']}: {query['name']}", query["query"]


def dashboard_metric_names() -> set[str]:
    """Return the service metrics that dashboards, rules and datasource links query.

    Prometheus' own per-target series (`up`, `scrape_*`) and names recorded by rules are left out,
    since no service exports them.
    """
    expressions = [
        *dashboard_expressions(),
        *rule_expressions(),
        *datasource_expressions(),
    ]
    names = set().union(*(metric_names(expr) for _, expr in expressions))
    recorded = {rule["record"] for rule in rules() if "record" in rule}
    return names - PROMETHEUS_SYNTHETIC_SERIES - recorded
