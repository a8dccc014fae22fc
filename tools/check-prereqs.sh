#!/bin/sh
# Stops `make up` / `make test` with one clear sentence when Python 3.11+ or Node 20+ is missing.
# Usage: check-prereqs.sh PYTHON
python=${1:-python3}

if ! command -v "$python" >/dev/null 2>&1; then
    echo "make: Python 3.11 or newer is needed but '$python' was not found: install Python 3.11+ or run make with PYTHON=/path/to/python3.11." >&2
    exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    found=$("$python" -c 'import platform; print(platform.python_version())' 2>/dev/null || echo unknown)
    echo "make: Python 3.11 or newer is needed but '$python' is $found: install Python 3.11+ or run make with PYTHON=/path/to/python3.11." >&2
    exit 1
fi
if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
    echo "make: '$python' cannot create virtual environments: install its venv module (on Debian or Ubuntu: apt-get install python3-venv)." >&2
    exit 1
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "make: Node.js 20 or newer (with npm) is needed but was not found: install Node.js 20+ and run make again." >&2
    exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
    echo "make: Node.js 20 or newer is needed but node is $(node --version): install Node.js 20+ and run make again." >&2
    exit 1
fi
