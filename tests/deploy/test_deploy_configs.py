"""Offline checks of the Dockerfile, Compose file, observability configs and Kubernetes manifests."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from lcn_shared.plugins import service_plugins

from .promql import (
    GRAFANA_DASHBOARDS,
    GRAFANA_DATASOURCES,
    PROMETHEUS_CONFIG,
    PROMETHEUS_SYNTHETIC_SERIES,
    REPO_ROOT,
    dashboard_metric_names,
    metric_names,
    rule_expressions,
    rule_files,
)

DEPLOY = REPO_ROOT / "deploy"
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
COMPOSE_SCHEMA = Path(__file__).parent / "schemas" / "compose-spec.json"
COLLECTOR_CONFIG = DEPLOY / "otel-collector" / "config.yaml"
K8S = DEPLOY / "k8s"
# Every registered service (entry point group `lcn.services`) with its default port.
SERVICE_PORTS = {plugin.name: plugin.default_port for plugin in service_plugins()}

_HISTOGRAMS = ["http_request_duration_seconds", "http_request_duration_highr_seconds"]
_SUMMARIES = ["http_request_size_bytes", "http_response_size_bytes"]
# Every series a service exports: instrumentator defaults plus the platform's outbox/consumer metrics.
EXPORTED_METRICS = frozenset(
    {"http_requests_total"}
    | {f"{name}_{suffix}" for name in _HISTOGRAMS for suffix in ("bucket", "sum", "count")}
    | {f"{name}{suffix}" for name in _SUMMARIES for suffix in ("", "_sum", "_count")}
    | {
        "lcn_outbox_backlog",
        "lcn_outbox_oldest_age_seconds",
        "lcn_outbox_published_total",
        "lcn_outbox_publish_failures_total",
        "lcn_consumer_lag",
        "lcn_consumer_messages_total",
        "lcn_dlq_messages_total",
        "lcn_inbox_duplicates_total",
        "lcn_consumer_stalled",
        "lcn_consumer_retries_total",
    }
)


def load_yaml(path: Path) -> dict:
    """Parse one YAML document."""
    return yaml.safe_load(path.read_text())


@functools.cache
def compose() -> dict:
    """Parse docker-compose.yml once."""
    return load_yaml(COMPOSE_FILE)


# --- Dockerfile ---------------------------------------------------------------------------------


def test_dockerfile_builds_one_image_for_every_workspace_member() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    assert "pip install --no-cache-dir uv==0.13.9" in dockerfile
    assert "uv sync --frozen --no-dev" in dockerfile
    assert re.search(r"^USER (?!root|0\b)\S+", dockerfile, re.MULTILINE)
    assert 'ENTRYPOINT ["lcn"]' in dockerfile
    assert 'CMD ["serve", "registry", "--host", "0.0.0.0"]' in dockerfile
    # The dependency layer is synced from the manifests alone, so each member's must be copied first.
    for manifest in [
        REPO_ROOT / "shared" / "pyproject.toml",
        *sorted(REPO_ROOT.glob("services/*/pyproject.toml")),
    ]:
        relative = manifest.relative_to(REPO_ROOT).as_posix()
        assert f"COPY {relative} {relative}" in dockerfile, f"Dockerfile does not copy {relative}"


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    lines = (REPO_ROOT / ".dockerignore").read_text().splitlines()
    ignored = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    assert {".venv", ".lcn", ".git", "**/__pycache__"} <= ignored
    assert not {"shared", "services", "uv.lock", "pyproject.toml"} & ignored


# --- docker-compose.yml -------------------------------------------------------------------------


def test_compose_file_matches_the_compose_specification() -> None:
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = [f"{error.json_path}: {error.message}" for error in validator_class(schema).iter_errors(compose())]
    assert errors == []
    assert "version" not in compose()


def test_compose_dependencies_exist() -> None:
    services = compose()["services"]
    for name, service in services.items():
        assert set(service.get("depends_on", {})) <= set(services), f"{name} depends on an unknown service"


def test_compose_bind_mounts_exist() -> None:
    for name, service in compose()["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
            if source.startswith("./"):
                assert (REPO_ROOT / source).exists(), f"{name} mounts missing {source}"


def test_compose_images_are_pinned() -> None:
    for name, service in compose()["services"].items():
        image = service["image"]
        tag = image.rsplit(":", 1)[1] if ":" in image else ""
        assert tag, f"{name} uses an unpinned image {image!r}"
        assert tag != "latest", f"{name} uses an unpinned image {image!r}"


@pytest.mark.parametrize(("service", "port"), SERVICE_PORTS.items())
def test_compose_runs_each_service_on_its_port(service: str, port: int) -> None:
    spec = compose()["services"][service]
    environment = spec["environment"]
    assert spec["build"]["context"] == "."
    # Other containers reach the service only if it binds every interface (the default is loopback).
    assert spec["command"] == ["serve", service, "--host", "0.0.0.0"]
    assert spec["ports"] == [f"{port}:{port}"]
    assert environment[f"LCN_{service.upper()}_PORT"] == str(port)
    assert environment["LCN_HEALTHCHECK_URL"] == f"http://127.0.0.1:{port}/health/ready"
    assert environment["OTEL_SERVICE_NAME"] == f"lcn-{service}"
    assert environment["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"
    assert environment["DATABASE_URL"].startswith("postgresql://")
    assert spec["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert "LCN_HEALTHCHECK_URL" in " ".join(spec["healthcheck"]["test"])


def test_compose_migrates_before_services() -> None:
    migrate = compose()["services"]["migrate"]
    assert migrate["command"] == ["migrate", "all"]
    assert migrate["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert migrate["image"] == compose()["services"]["registry"]["image"]


# --- OpenTelemetry Collector --------------------------------------------------------------------


def test_collector_pipelines_use_only_defined_components() -> None:
    # Same rule as `otelcol validate`: a pipeline may only name components declared at the top level.
    # No full collector binary is available offline (see test_collector_config_validates_with_otelcol).
    config = load_yaml(COLLECTOR_CONFIG)
    pipelines = config["service"]["pipelines"]
    assert {"traces", "metrics", "logs"} <= set(pipelines)
    for pipeline_name, pipeline in pipelines.items():
        assert pipeline["receivers"], pipeline_name
        assert pipeline["exporters"], pipeline_name
        for section in ("receivers", "processors", "exporters"):
            undefined = set(pipeline.get(section, [])) - set(config.get(section) or {})
            assert not undefined, f"pipeline {pipeline_name} uses undefined {section}: {undefined}"
    assert set(config["service"].get("extensions", [])) <= set(config.get("extensions") or {})
    assert pipelines["traces"]["processors"][0] == "memory_limiter", "memory_limiter must run first"


def test_collector_receives_otlp_and_exports_traces_to_tempo() -> None:
    config = load_yaml(COLLECTOR_CONFIG)
    protocols = config["receivers"]["otlp"]["protocols"]
    assert protocols["grpc"]["endpoint"].endswith(":4317")
    assert protocols["http"]["endpoint"].endswith(":4318")
    tempo = next(spec for name, spec in config["exporters"].items() if name.split("/")[0] == "otlp")
    assert tempo["endpoint"] == "tempo:4317"
    assert tempo["tls"]["insecure"] is True


def test_collector_config_validates_with_otelcol() -> None:
    binary = os.environ.get("OTELCOL_BIN") or shutil.which("otelcol-contrib") or shutil.which("otelcol")
    if not binary:
        pytest.skip("no otelcol-contrib/otelcol on PATH and OTELCOL_BIN unset; structural check above applies")
    result = subprocess.run(
        [binary, "validate", f"--config={COLLECTOR_CONFIG}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_tempo_receives_otlp_from_other_containers_and_feeds_prometheus() -> None:
    tempo = load_yaml(DEPLOY / "tempo" / "tempo.yaml")
    assert tempo["distributor"]["receivers"]["otlp"]["protocols"]["grpc"]["endpoint"] == "0.0.0.0:4317"
    assert tempo["storage"]["trace"]["backend"] == "local"
    (remote_write,) = tempo["metrics_generator"]["storage"]["remote_write"]
    assert remote_write["url"] == "http://prometheus:9090/api/v1/write"
    assert "--web.enable-remote-write-receiver" in compose()["services"]["prometheus"]["command"]


@pytest.mark.parametrize(
    ("service", "flag"),
    [
        ("otel-collector", "--config="),
        ("tempo", "-config.file="),
        ("prometheus", "--config.file="),
    ],
)
def test_observability_containers_read_the_mounted_config(service: str, flag: str) -> None:
    spec = compose()["services"][service]
    (config_path,) = [arg.removeprefix(flag) for arg in spec["command"] if arg.startswith(flag)]
    assert config_path in {volume.split(":")[1] for volume in spec["volumes"]}


# --- Prometheus ---------------------------------------------------------------------------------


def _promtool(*args: str) -> None:
    promtool = shutil.which("promtool")
    if not promtool:
        pytest.skip("promtool not on PATH (Debian package `prometheus` ships it); structural checks apply")
    result = subprocess.run([promtool, *args], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_check_config() -> None:
    _promtool("check", "config", str(PROMETHEUS_CONFIG))


def test_promtool_check_rules() -> None:
    _promtool("check", "rules", *map(str, rule_files()))


def test_prometheus_scrapes_each_service_on_its_port() -> None:
    jobs = {job["job_name"]: job for job in load_yaml(PROMETHEUS_CONFIG)["scrape_configs"]}
    assert "prometheus" in jobs
    for service, port in SERVICE_PORTS.items():
        job = jobs[service]
        targets = [target for group in job["static_configs"] for target in group["targets"]]
        assert targets == [f"{service}:{port}"]
        assert job.get("metrics_path", "/metrics") == "/metrics"


def test_rule_files_exist_and_define_alerts() -> None:
    assert rule_files(), "prometheus.yml loads no rule files"
    for path in rule_files():
        assert path.is_file(), path
        for group in load_yaml(path)["groups"]:
            for rule in group["rules"]:
                assert ("alert" in rule) != ("record" in rule), rule
                assert rule["expr"], rule
    alerts = {name for name, _ in rule_expressions()}
    assert {
        "LcnDeadLettersGrowing",
        "LcnOutboxStalled",
        "LcnConsumerLagHigh",
        "LcnHighErrorRate",
    } <= alerts


@pytest.mark.parametrize(("rule", "expr"), list(rule_expressions()))
def test_rules_use_only_exported_or_builtin_metrics(rule: str, expr: str) -> None:
    assert metric_names(expr) <= EXPORTED_METRICS | PROMETHEUS_SYNTHETIC_SERIES


# --- Grafana ------------------------------------------------------------------------------------


def _provisioned_datasource_uids() -> set[str]:
    return {source["uid"] for source in load_yaml(GRAFANA_DATASOURCES)["datasources"]}


def test_datasources_provision_prometheus_and_tempo_with_links() -> None:
    sources = {source["uid"]: source for source in load_yaml(GRAFANA_DATASOURCES)["datasources"]}
    assert sources["prometheus"]["type"] == "prometheus"
    assert sources["tempo"]["type"] == "tempo"
    tempo = sources["tempo"]["jsonData"]
    assert tempo["tracesToMetrics"]["datasourceUid"] == "prometheus"
    assert tempo["serviceMap"]["datasourceUid"] == "prometheus"


def _datasource_uids(node: object) -> set[str]:
    """Collect every datasource uid referenced anywhere in a dashboard."""
    if isinstance(node, dict):
        found = {node["datasource"]["uid"]} if isinstance(node.get("datasource"), dict) else set()
        return found.union(*(_datasource_uids(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_datasource_uids(item) for item in node))
    return set()


@pytest.mark.parametrize("path", sorted(GRAFANA_DASHBOARDS.glob("*.json")), ids=lambda path: path.name)
def test_dashboard_is_valid_and_uses_provisioned_datasources(path: Path) -> None:
    dashboard = json.loads(path.read_text())
    assert dashboard.get("uid")
    assert dashboard.get("title")
    assert dashboard["panels"], "dashboard has no panels"
    assert _datasource_uids(dashboard) <= _provisioned_datasource_uids()
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"


def test_overview_dashboard_has_service_variable_and_traces() -> None:
    dashboard = json.loads((GRAFANA_DASHBOARDS / "lcn-overview.json").read_text())
    assert dashboard["title"] == "LCN platform overview"
    assert [variable["name"] for variable in dashboard["templating"]["list"]] == ["job"]
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"] if "expr" in target]
    assert exprs
    assert all('job=~"$job"' in expr for expr in exprs), "every query filters by the service variable"
    tempo_panels = [panel for panel in dashboard["panels"] if panel["datasource"]["uid"] == "tempo"]
    assert tempo_panels
    assert tempo_panels[0]["targets"][0]["query"] == "{}"


def test_dashboards_and_rules_query_only_exported_metrics() -> None:
    assert dashboard_metric_names() <= EXPORTED_METRICS


def test_dashboard_provider_reads_the_directory_compose_mounts() -> None:
    provider_file = DEPLOY / "grafana" / "provisioning" / "dashboards" / "dashboards.yaml"
    paths = {provider["options"]["path"] for provider in load_yaml(provider_file)["providers"]}
    mounts = {volume.split(":")[1] for volume in compose()["services"]["grafana"]["volumes"]}
    assert paths <= mounts


# --- Kubernetes ---------------------------------------------------------------------------------


def _k8s_documents() -> list[dict]:
    kustomization = load_yaml(K8S / "kustomization.yaml")
    assert sorted(kustomization["resources"]) == sorted(
        path.name for path in K8S.glob("*.yaml") if path.name != "kustomization.yaml"
    )
    return [doc for name in kustomization["resources"] for doc in yaml.safe_load_all((K8S / name).read_text()) if doc]


def test_k8s_manifests_are_well_formed() -> None:
    documents = _k8s_documents()
    for doc in documents:
        assert doc["apiVersion"], doc
        assert doc["kind"], doc
        assert doc["metadata"]["name"], doc
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "lcn", doc["metadata"]["name"]
    kinds = {(doc["kind"], doc["metadata"]["name"]) for doc in documents}
    assert {
        ("Namespace", "lcn"),
        ("ConfigMap", "lcn-env"),
        ("Job", "lcn-migrate"),
    } <= kinds


@pytest.mark.parametrize(("service", "port"), SERVICE_PORTS.items())
def test_k8s_runs_each_service_with_probes_and_standby_replica(service: str, port: int) -> None:
    documents = {(doc["kind"], doc["metadata"]["name"]): doc for doc in _k8s_documents()}
    deployment, svc = (
        documents[("Deployment", service)],
        documents[("Service", service)],
    )
    assert deployment["spec"]["replicas"] >= 2, "a second replica keeps a relay on standby"
    template = deployment["spec"]["template"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= template["metadata"]["labels"].items()
    assert svc["spec"]["selector"].items() <= template["metadata"]["labels"].items()
    (container,) = template["spec"]["containers"]
    assert container["args"] == ["serve", service, "--host", "0.0.0.0"]
    assert container["ports"][0]["containerPort"] == port
    assert svc["spec"]["ports"][0]["port"] == port
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    env = {item["name"]: item["value"] for item in container["env"]}
    assert env == {
        "OTEL_SERVICE_NAME": f"lcn-{service}",
        f"LCN_{service.upper()}_PORT": str(port),
    }


# --- Every registered service is deployed -------------------------------------------------------


def deployed_services() -> dict[str, set[str]]:
    """The services each deploy file runs or scrapes."""
    compose_services = {
        spec["command"][1] for spec in compose()["services"].values() if spec.get("command", [""])[0] == "serve"
    }
    k8s_services = {
        container["args"][1]
        for doc in _k8s_documents()
        if doc["kind"] == "Deployment"
        for container in doc["spec"]["template"]["spec"]["containers"]
        if container.get("args", [""])[0] == "serve"
    }
    scraped = {
        target.split(":")[0]
        for job in load_yaml(PROMETHEUS_CONFIG)["scrape_configs"]
        for group in job["static_configs"]
        for target in group["targets"]
    }
    return {"docker-compose.yml": compose_services, "deploy/k8s": k8s_services, "prometheus.yml": scraped}


def missing_services(registered: set[str]) -> dict[str, set[str]]:
    """Per deploy file, the registered services it leaves out."""
    return {where: missing for where, listed in deployed_services().items() if (missing := registered - listed)}


def test_acceptance_deploy_files_list_every_registered_service() -> None:
    """Compose, Kubernetes and Prometheus each run or scrape every service the kit discovers."""
    assert SERVICE_PORTS, "no service is registered"
    assert missing_services(set(SERVICE_PORTS)) == {}


def test_deploy_check_can_fail() -> None:
    """A newly registered service that no deploy file lists is reported for each of them."""
    assert missing_services({*SERVICE_PORTS, "courses"}) == {
        "docker-compose.yml": {"courses"},
        "deploy/k8s": {"courses"},
        "prometheus.yml": {"courses"},
    }
