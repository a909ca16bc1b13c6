#!/usr/bin/env bash
# Run the Jävskoll service: sets up .venv (Python 3.11) on first use, installs
# the package (`pip install -e .`, skipped while pyproject.toml is unchanged),
# then runs `javskoll serve`, which applies migrations and serves on
# 127.0.0.1:8000 unless --host/--port say otherwise.
#
#   scripts/serve.sh [--host HOST] [--port PORT]
#
# DATABASE_URL picks the database (default sqlite:///./javskoll.db, relative to
# the repository root). In development without JAVSKOLL_BOOTSTRAP_KEY the
# service prints how to create the first API key. It also says how to run the
# `javskoll` command line from the directory you started it in (the venv's bin
# is not on PATH unless you `source .venv/bin/activate`).
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/venv.sh
. "$REPO_ROOT/scripts/lib/venv.sh"

USER_DIR=$PWD
javskoll_ensure_venv ""
CLI="${JAVSKOLL_VENV:-$REPO_ROOT/.venv}/bin/javskoll"
if [[ "$(command -v javskoll 2>/dev/null || true)" -ef "$CLI" ]]; then
    JAVSKOLL_CLI=javskoll
else
    # The path from where the user stands, so that the hints can be pasted as printed.
    JAVSKOLL_CLI=$(realpath --relative-to="$USER_DIR" "$CLI" 2>/dev/null || echo "$CLI")
    [[ "$JAVSKOLL_CLI" == */* ]] || JAVSKOLL_CLI="./$JAVSKOLL_CLI"
fi
export JAVSKOLL_CLI
javskoll_log "the command line: $JAVSKOLL_CLI --help (import, screen, apikey, audit); or 'source $(dirname "$JAVSKOLL_CLI")/activate' to put javskoll on PATH"
cd "$REPO_ROOT"
exec "$CLI" serve "$@"
