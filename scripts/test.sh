#!/usr/bin/env bash
# Run the whole Jävskoll test suite: sets up .venv (Python 3.11) on first use,
# installs the package with its test extras (`pip install -e '.[test]'`,
# skipped while pyproject.toml is unchanged), then runs pytest. Extra
# arguments go to pytest, e.g. `scripts/test.sh -x -k health`.
#
# The suite runs on SQLite by default. To run it on PostgreSQL:
#   JAVSKOLL_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/javskoll_test scripts/test.sh
#
# Exit status is pytest's, except that "no tests collected" (pytest's 5) is a
# failure here (exit 1): a run that executes no test never passes.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/venv.sh
. "$REPO_ROOT/scripts/lib/venv.sh"

javskoll_ensure_venv "test,dev"
cd "$REPO_ROOT"

if [[ -n "${JAVSKOLL_TEST_DATABASE_URL:-}" ]]; then
    # Print the URL without any password.
    javskoll_log "test database: $(sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#' <<<"$JAVSKOLL_TEST_DATABASE_URL")"
else
    javskoll_log "test database: SQLite (JAVSKOLL_TEST_DATABASE_URL not set)"
fi

rc=0
"${JAVSKOLL_VENV:-$REPO_ROOT/.venv}/bin/python" -m pytest "$@" || rc=$?

case $rc in
    0) ;;
    5)
        javskoll_log "FAILED: pytest collected no tests (exit 5). A run that executes no test is treated as a failure."
        exit 1
        ;;
    *) javskoll_log "pytest exited with status $rc" ;;
esac
exit "$rc"
