#!/bin/sh
# What `make test` needs besides what `make up` needs, set up when this user may:
#   - Debian's chromium, for the end-to-end tests (no test tool downloads a browser);
#   - the PostgreSQL server binaries, redis-server and slowhttptest, for the reliability suite,
#     which starts private PostgreSQL and Redis servers and attacks the gateway with slow clients;
#   - PostgreSQL on 127.0.0.1:5432 (DATABASE_TEST_URL) and Redis on 127.0.0.1:6379, running:
#     both users runs create their test databases there.
# As root, or with passwordless sudo, missing packages are installed with apt-get and stopped
# servers started. Anyone else gets one sentence with the command to run, before anything else.
set -eu

pg_url=${DATABASE_TEST_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
pg_url=$(printf '%s' "$pg_url" | sed 's/^postgresql+psycopg:/postgresql:/')
shown_url=$(printf '%s' "$pg_url" | sed 's#//\([^:/@]*\):[^@]*@#//\1:***@#')

say() {
    echo "make test: $*" >&2
}

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
else
    as_root="none"
fi

# ---- Debian packages --------------------------------------------------------------------

missing=""
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1 \
    && ! command -v chromium-browser >/dev/null 2>&1; then
    missing="$missing chromium"
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
    && ! { command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; }; then
    missing="$missing postgresql"
fi
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
command -v slowhttptest >/dev/null 2>&1 || missing="$missing slowhttptest"
missing=${missing# }

if [ -n "$missing" ]; then
    listed=$(printf '%s' "$missing" | sed 's/ /, /g; s/\(.*\), /\1 and /')
    if ! command -v apt-get >/dev/null 2>&1; then
        say "the end-to-end and reliability suites need $listed (Debian's package names), and this machine has no apt-get: install them with its package manager, then run make test again."
        exit 1
    fi
    if [ "$as_root" = none ]; then
        if command -v sudo >/dev/null 2>&1; then
            run="sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing"
        else
            run="su -c 'apt-get update && apt-get install -y --no-install-recommends $missing'"
        fi
        say "the end-to-end and reliability suites need $listed, which only root can install: run \`$run\`, then make test again."
        exit 1
    fi
    echo "make test: installing $listed (Debian packages) for the end-to-end and reliability suites"
    # shellcheck disable=SC2086 # $as_root is a command prefix, $missing a list of names
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # shellcheck disable=SC2086
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        $missing >/dev/null
fi

# ---- PostgreSQL and Redis running -------------------------------------------------------

if ! pg_isready -q -t 5 -d "$pg_url" 2>/dev/null; then
    # A Debian cluster on port 5432 that is installed but stopped.
    cluster=$(pg_lsclusters -h 2>/dev/null | awk '$3 == 5432 && $4 == "down" { print $1 " " $2; exit }')
    if [ -n "$cluster" ] && [ "$as_root" != none ]; then
        echo "make test: starting PostgreSQL $cluster"
        # shellcheck disable=SC2086
        $as_root pg_ctlcluster --skip-systemctl-redirect $cluster start
    fi
    if ! pg_isready -q -t 10 -d "$pg_url" 2>/dev/null; then
        newest=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
        if [ -n "${DATABASE_TEST_URL:-}" ]; then
            start="start that server, or set DATABASE_TEST_URL to one that runs"
        elif [ -n "$cluster" ]; then
            start="run \`sudo pg_ctlcluster --skip-systemctl-redirect $cluster start\`"
        elif [ -n "$newest" ] && command -v pg_createcluster >/dev/null 2>&1; then
            start="run \`sudo pg_createcluster --start $newest main\`"
        else
            start="start a PostgreSQL server on 127.0.0.1:5432, or set DATABASE_TEST_URL to one"
        fi
        say "the users suites need PostgreSQL at $shown_url and nothing answers there: $start, then run make test again."
        exit 1
    fi
fi
if ! problem=$(psql -w -X -A -t -q -d "$pg_url" -c 'select 1' 2>&1 >/dev/null); then
    case $problem in
        *password*)
            # Debian's own configuration asks for a password on TCP, and its postgres role has none.
            say "PostgreSQL at $shown_url asks for a password: give the postgres role one once with \`sudo -u postgres psql -c \"ALTER ROLE postgres PASSWORD 'postgres'\"\` and run \`PGPASSWORD=postgres make test\` (or give 127.0.0.1 trust in pg_hba.conf, as CI machines have)."
            ;;
        *)
            reason=$(printf '%s' "$problem" | head -n 1 | sed 's/^psql: //; s/^error: //')
            say "PostgreSQL at $shown_url refuses the test suites ($reason): set DATABASE_TEST_URL to a server where its user may create databases, then run make test again."
            ;;
    esac
    exit 1
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    # Redis needs no root; it keeps nothing on disk, as on CI machines.
    echo "make test: starting redis-server on 127.0.0.1:6379"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp >/dev/null
    tries=0
    until redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; do
        tries=$((tries + 1))
        if [ "$tries" -ge 50 ]; then
            say "redis-server did not start on 127.0.0.1:6379: run \`redis-server --port 6379 --save ''\` to see why."
            exit 1
        fi
        sleep 0.2
    done
fi
