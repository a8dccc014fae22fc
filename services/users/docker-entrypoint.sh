#!/bin/sh
# Entry point of the users service's container.
#
#   serve [--reload]          wait for the database, apply migrations, create or update the
#                             bootstrap admin (when ADMIN_EMAIL and ADMIN_PASSWORD are set),
#                             then run the server, `python -m users_service.server`, which
#                             reads its settings (BIND, WEB_CONCURRENCY, WEB_THREADS, ...) from
#                             the environment. This is the default command; `--reload` (dev)
#                             runs one worker that restarts when the code changes.
#   migrate                   the same preparation without the server: the Kubernetes Job
#                             and the ECS one-off task run this before a rollout.
#   relay [--batch-size N]    wait for the database, then publish the outbox's events to the
#                             Redis stream (REDIS_URL, EVENTS_STREAM) until SIGTERM, which it
#                             receives directly and answers by finishing its batch.
#   anything else             run as given, e.g. `python manage.py seed_db`.
#
# MIGRATE_ON_START=false makes `serve` start the server at once: set it where a separate
# job migrates, so that replicas never race each other to upgrade the schema.
#
# `serve` execs the server, so the container's SIGTERM reaches it directly (no shell in
# between): it turns /health/ready to 503, keeps serving for SHUTDOWN_DRAIN_SECONDS, then
# gives in-flight requests up to GRACEFUL_TIMEOUT seconds and stops its workers.
set -eu

DB_WAIT_TIMEOUT="${DB_WAIT_TIMEOUT:-60}"

prepare() {
    python manage.py wait-db --timeout "${DB_WAIT_TIMEOUT}"
    python manage.py db upgrade
    if [ -n "${ADMIN_EMAIL:-}" ] && [ -n "${ADMIN_PASSWORD:-}" ]; then
        python manage.py create-admin
    fi
}

command="${1:-serve}"
if [ "$#" -gt 0 ]; then shift; fi

case "${command}" in
    serve)
        if [ "${MIGRATE_ON_START:-true}" = "true" ]; then
            prepare
        fi
        exec python -m users_service.server "$@"
        ;;
    migrate)
        prepare
        ;;
    relay)
        python manage.py wait-db --timeout "${DB_WAIT_TIMEOUT}"
        exec python -m users_service.relay "$@"
        ;;
    *)
        exec "${command}" "$@"
        ;;
esac
