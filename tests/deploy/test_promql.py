"""The PromQL metric-name extractor used to compare dashboards with what the services export."""

import pytest

from .promql import dashboard_metric_names, metric_names, tokens


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (
            'sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))',
            {"http_requests_total"},
        ),
        (
            "histogram_quantile(0.95, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))",
            {"http_request_duration_seconds_bucket"},
        ),
        (
            "sum(rate(a_total[5m:1m] offset 1h)) by (job) / on (job) group_left (service) b",
            {"a_total", "b"},
        ),
        (
            "x > bool 1e3 and y unless z or {__name__=\"w\", job='a'}",
            {"w", "x", "y", "z"},
        ),
        ('topk(5, max without (instance) (m{job=~"$job"}[$__rate_interval]))', {"m"}),
        ('label_replace(up, "dst", "$1", "src", "(.*)") @ start()', {"up"}),
        ("rate(foo[1h30m]) * -Inf + NaN - 0x1F", {"foo"}),
        ("sum(rate(http_requests_total{$$__tags}[5m]))", {"http_requests_total"}),
        (
            'count_values("value", job:http_requests:rate5m)',
            {"job:http_requests:rate5m"},
        ),
        ("SUM BY (job) (lcn_consumer_lag)  # trailing comment", {"lcn_consumer_lag"}),
        ("vector(1) + time()", set()),
    ],
)
def test_metric_names_keeps_only_selected_metrics(expr: str, expected: set[str]) -> None:
    assert metric_names(expr) == expected


def test_metric_names_refuses_name_regex_it_cannot_enumerate() -> None:
    with pytest.raises(ValueError, match="__name__"):
        metric_names('{__name__=~"lcn_.*"}')


def test_tokens_rejects_characters_outside_promql() -> None:
    with pytest.raises(ValueError, match="cannot tokenise"):
        tokens("rate(x[5m]) ; drop")


def test_dashboard_metric_names_covers_dashboards_and_rules() -> None:
    names = dashboard_metric_names()
    assert {
        "http_request_duration_seconds_bucket",
        "lcn_outbox_oldest_age_seconds",
        "lcn_dlq_messages_total",
    } <= names
    assert "up" not in names, "Prometheus' own series are not service metrics"
