# The image of a Python service built on the shared kit, users or items (Flask on granian:
# `python -m <service>_service.server`). The build argument SERVICE names the service; its
# folder is the build context and the kit is the build context named kit:
#   docker build -f services/python-service.Dockerfile --build-arg SERVICE=users \
#       --build-context kit=services/kit --target prod -t users services/users
# Targets: dev (test tools; docker-compose.yml mounts the code and reloads on change)
# and prod (the default: runtime dependencies only).

# Base images are pinned by digest; the tag says which release the digest is.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d

FROM ${PYTHON_IMAGE} AS base
# /tmp is the only writable place at run time (a tmpfs, an emptyDir, or on ECS the prod
# target's VOLUME): the server keeps its Prometheus metrics directory and its run directory
# (the drain flag) there, via tempfile.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/opt/kit \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app
WORKDIR /app
# How both targets run; each stage built from this one inherits it.
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/health/ready', timeout=2)"]
ENTRYPOINT ["/app/docker-entrypoint.sh"]

# Locked, hashed wheels only: no compiler is needed and nothing unpinned gets in.
FROM base AS venv
RUN python -m venv /opt/venv
COPY requirements.txt ./
RUN pip install --require-hashes --no-deps -r requirements.txt

FROM venv AS dev
COPY requirements-dev.txt ./
RUN pip install --require-hashes --no-deps -r requirements-dev.txt
# The kit comes from the build context named kit (services/kit); compose mounts it in dev.
# hadolint ignore=DL3022
COPY --from=kit service_kit /opt/kit/service_kit
COPY . .
ENV APP_ENV=development \
    BIND=0.0.0.0:5000
USER 10001:10001
CMD ["serve", "--reload"]

FROM base AS prod
ARG SERVICE
COPY --from=venv /opt/venv /opt/venv
# Only what runs: no tests, no test requirements. The code stays owned by root: the service
# can read it but never rewrite it.
# hadolint ignore=DL3022
COPY --from=kit service_kit /opt/kit/service_kit
COPY manage.py docker-entrypoint.sh ./
COPY migrations ./migrations
COPY ${SERVICE}_service ./${SERVICE}_service
# ECS on Fargate mounts an empty volume at /tmp owned by root with mode 0755, unless the
# image declares that path a VOLUME: then the volume takes the image's owner and mode.
RUN chown 10001:10001 /tmp && chmod 1777 /tmp
VOLUME ["/tmp"]
ENV APP_ENV=production \
    BIND=0.0.0.0:5000
USER 10001:10001
CMD ["serve"]
