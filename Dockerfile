# One image for every service; `apoyo serve SERVICE` picks the role. Built by users who have
# Docker (docker-compose.yml, deploy/k8s); the test suite runs without it.
FROM python:3.11-slim AS build
RUN pip install --no-cache-dir uv==0.13.8
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
COPY libs ./libs
COPY services ./services
COPY src ./src
# Bytecode compiled once here: the image's user cannot write /venv, so every process (and
# each identity worker) would compile every module it imports at each start, about 1.5 CPU
# seconds more for the `apoyo` command's imports (2.8-3.1 s without bytecode, 1.3-1.5 with).
ENV UV_PROJECT_ENVIRONMENT=/venv UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1
RUN uv sync --locked --no-dev --no-editable

FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends fonts-ocr-b \
    && rm -rf /var/lib/apt/lists/* && useradd --system --uid 10001 apoyo \
    && install -d -o apoyo -m 0700 /var/lib/apoyo/keys
COPY --from=build /venv /venv
ENV PATH=/venv/bin:$PATH APOYO_HTTP_HOST=0.0.0.0
# A named volume mounted here starts with this folder's owner and mode (docker-compose.yml).
USER apoyo
EXPOSE 8000
ENTRYPOINT ["apoyo"]
CMD ["serve", "capture"]
