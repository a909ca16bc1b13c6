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
# service prints how to create the first API key.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/venv.sh
. "$REPO_ROOT/scripts/lib/venv.sh"

javskoll_ensure_venv ""
cd "$REPO_ROOT"
exec "${JAVSKOLL_VENV:-$REPO_ROOT/.venv}/bin/javskoll" serve "$@"
