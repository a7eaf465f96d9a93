# One image for all four services; pick one with the command, e.g. `serve monitor` or `migrate all`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv

RUN pip install --no-cache-dir uv==0.13.9 \
    && useradd --system --create-home --uid 10001 --user-group lcn

WORKDIR /app

# Manifests and lock first so the dependency layer is reused when only code changes.
COPY pyproject.toml uv.lock ./
COPY shared/pyproject.toml shared/pyproject.toml
COPY services/registry/pyproject.toml services/registry/pyproject.toml
COPY services/monitor/pyproject.toml services/monitor/pyproject.toml
COPY services/events/pyproject.toml services/events/pyproject.toml
COPY services/notify/pyproject.toml services/notify/pyproject.toml
COPY benchmarks/pyproject.toml benchmarks/pyproject.toml
RUN uv sync --frozen --no-dev --all-packages --no-install-workspace

# Workspace members are editable installs, so the repo layout (incl. services/*/migrations) must stay as is.
COPY . .
RUN uv sync --frozen --no-dev --all-packages

ENV PATH="/app/.venv/bin:${PATH}"
USER 10001:10001

ENTRYPOINT ["lcn"]
CMD ["serve", "registry", "--host", "0.0.0.0"]
