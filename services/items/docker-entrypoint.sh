#!/bin/sh
# Entry point of the items service's container.
#
#   serve [--reload]   wait for the database (ITEMS_DATABASE_URL), apply migrations, then run
#                      the server, `python -m items_service.server` (BIND, WEB_CONCURRENCY,
#                      WEB_THREADS, ... from the environment). Each worker fetches the users
#                      service's key set (USERS_JWKS_URL) as it starts, or uses the stored one.
#                      The default command; `--reload` (dev) restarts on code changes.
#   migrate            the same preparation without the server: the Kubernetes Job and the
#                      ECS one-off task run this before a rollout.
#   consume            wait for the database, then apply the users service's events until
#                      SIGTERM: from the Redis stream EVENTS_STREAM when REDIS_URL is set, else
#                      from the feed at USERS_EVENTS_URL (EVENTS_FEED_TOKEN). Run one per
#                      deployment; it does not migrate (serve or the migration job does).
#   anything else      run as given, e.g. `python manage.py db current`.
#
# MIGRATE_ON_START=false makes `serve` start the server at once: set it where a separate
# job migrates, so that replicas never race each other to upgrade the schema.
#
# `serve` and `consume` exec their process, so the container's SIGTERM reaches it directly.
set -eu

DB_WAIT_TIMEOUT="${DB_WAIT_TIMEOUT:-60}"

wait_db() {
    python manage.py wait-db --timeout "${DB_WAIT_TIMEOUT}"
}

command="${1:-serve}"
if [ "$#" -gt 0 ]; then shift; fi

case "${command}" in
    serve)
        if [ "${MIGRATE_ON_START:-true}" = "true" ]; then
            wait_db
            python manage.py migrate
        fi
        exec python -m items_service.server "$@"
        ;;
    migrate)
        wait_db
        python manage.py migrate
        ;;
    consume)
        wait_db
        exec python -m items_service.consumer "$@"
        ;;
    *)
        exec "${command}" "$@"
        ;;
esac
