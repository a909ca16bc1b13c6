#!/usr/bin/env bash
# Static checks that hold the code where it is (issue 10, item 8); .ci/run calls this.
#
#   ruff check        lint (pyflakes, bugbear, bandit, pyupgrade, imports, line length)
#   ruff format       --check: the layout is ruff's
#   mypy --strict     on app/ (SQLAlchemy's minor version is pinned in pyproject.toml)
#   alembic check     the models and the migrations agree (on a fresh SQLite database
#                     migrated to head; the migration tests cover PostgreSQL)
#   module size       no .py under app/ longer than MAX_MODULE_LINES (400): split a module
#                     by responsibility before it grows past it
#
# Runs every check, prints one line each, and exits non-zero if any failed.
# Sets up .venv like scripts/test.sh (with the `dev` extra for ruff and mypy).
set -uo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/venv.sh
. "$REPO_ROOT/scripts/lib/venv.sh"

javskoll_ensure_venv "test,dev" || exit 1
cd "$REPO_ROOT" || exit 1
BIN=${JAVSKOLL_VENV:-$REPO_ROOT/.venv}/bin

declare -a RESULTS=()
FAILED=0

check() {
    local label=$1; shift
    javskoll_log "check: $label"
    if "$@"; then
        RESULTS+=("$(printf '%-14s OK' "$label")")
    else
        RESULTS+=("$(printf '%-14s FAILED' "$label")")
        FAILED=1
    fi
}

alembic_check() {
    local dir rc=0
    dir=$(mktemp -d "${TMPDIR:-/tmp}/javskoll-alembic.XXXXXX")
    export DATABASE_URL="sqlite:///$dir/check.db"
    "$BIN/alembic" upgrade head && "$BIN/alembic" check || rc=$?
    unset DATABASE_URL
    rm -rf "$dir"
    return "$rc"
}

MAX_MODULE_LINES=400

module_size() {
    local long
    long=$(find app -name '*.py' -print0 | xargs -0 wc -l | grep -v ' total$' \
        | awk -v max="$MAX_MODULE_LINES" '$1 > max {print "  " $2 ": " $1 " lines"}')
    if [[ -n $long ]]; then
        javskoll_log "modules over $MAX_MODULE_LINES lines (split them by responsibility):"
        printf '%s\n' "$long" >&2
        return 1
    fi
}

check "ruff check" "$BIN/ruff" check .
check "ruff format" "$BIN/ruff" format --check .
check "mypy" "$BIN/mypy" --strict app
check "alembic check" alembic_check
check "module size" module_size

for line in "${RESULTS[@]}"; do
    javskoll_log "  $line"
done
if [[ $FAILED -ne 0 ]]; then
    javskoll_log "static checks FAILED"
    exit 1
fi
javskoll_log "static checks OK"
