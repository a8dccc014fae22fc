#!/bin/sh
# Entry point of the users service's container.
#
#   serve [gunicorn options]  wait for the database, apply migrations, create or update the
#                             bootstrap admin (when ADMIN_EMAIL and ADMIN_PASSWORD are set),
#                             then run gunicorn. This is the default command.
#   migrate                   the same preparation without the server: the Kubernetes Job
#                             and the ECS one-off task run this before a rollout.
#   anything else             run as given, e.g. `python manage.py seed_db`.
#
# MIGRATE_ON_START=false makes `serve` start the server at once: set it where a separate
# job migrates, so that replicas never race each other to upgrade the schema.
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
        exec gunicorn -c gunicorn.conf.py "$@" users_service.wsgi:app
        ;;
    migrate)
        prepare
        ;;
    *)
        exec "${command}" "$@"
        ;;
esac
