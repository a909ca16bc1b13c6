# shellcheck shell=bash
# Shared helper for scripts/serve.sh and scripts/test.sh (sourced, not run).
#
#   javskoll_ensure_venv [EXTRAS]
#
# Creates $REPO_ROOT/.venv with Python 3.11 when it is missing (or broken, or
# not 3.11), then `pip install -e .[EXTRAS]` quietly. The install is skipped
# when a stamp file records the same hash of pyproject.toml (+ extras + Python
# version) as now. Set JAVSKOLL_FORCE_INSTALL=1 to reinstall anyway.
#
# Environment:
#   JAVSKOLL_PYTHON  interpreter to create the venv with (default: python3.11,
#                    else python3 / python if they are >=3.11,<3.12)
#   JAVSKOLL_VENV    venv directory (default: $REPO_ROOT/.venv)

javskoll_log() { printf '[javskoll] %s\n' "$*" >&2; }
javskoll_die() { printf '[javskoll] ERROR: %s\n' "$*" >&2; exit 1; }

# True when "$1" is a working Python 3.11 interpreter.
_javskoll_is_py311() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' >/dev/null 2>&1
}

_javskoll_find_python() {
    local cand
    if [[ -n "${JAVSKOLL_PYTHON:-}" ]]; then
        _javskoll_is_py311 "$JAVSKOLL_PYTHON" \
            || javskoll_die "JAVSKOLL_PYTHON=$JAVSKOLL_PYTHON is not a working Python 3.11"
        printf '%s\n' "$JAVSKOLL_PYTHON"
        return
    fi
    for cand in python3.11 python3 python; do
        if command -v "$cand" >/dev/null 2>&1 && _javskoll_is_py311 "$cand"; then
            command -v "$cand"
            return
        fi
    done
    javskoll_die "Python 3.11 not found (tried python3.11, python3, python; the project needs >=3.11,<3.12). Install it or set JAVSKOLL_PYTHON=/path/to/python3.11."
}

_javskoll_hash() {
    # $1 = python to hash with; remaining args are hashed as text after the file.
    local py=$1 file=$2; shift 2
    "$py" - "$file" "$@" <<'PY'
import hashlib, sys
h = hashlib.sha256(open(sys.argv[1], "rb").read())
for extra in sys.argv[2:]:
    h.update(b"\0" + extra.encode())
print(h.hexdigest())
PY
}

javskoll_ensure_venv() {
    local rc=0 lock_fd=
    : "${REPO_ROOT:?REPO_ROOT must be set before javskoll_ensure_venv}"
    local venv=${JAVSKOLL_VENV:-$REPO_ROOT/.venv}
    # Serialise concurrent set-ups of the same venv (e.g. two terminals). The
    # lock is released before returning, so a long-running server started
    # afterwards does not hold it.
    if command -v flock >/dev/null 2>&1 && { exec {lock_fd}>"$venv.lock"; } 2>/dev/null; then
        flock -w 900 "$lock_fd" || javskoll_die "timed out waiting for $venv.lock"
    fi
    _javskoll_ensure_venv_locked "$@" || rc=$?
    if [[ -n "$lock_fd" ]]; then
        flock -u "$lock_fd" 2>/dev/null || true
        exec {lock_fd}>&-
    fi
    return "$rc"
}

_javskoll_ensure_venv_locked() {
    local extras=${1:-}
    : "${REPO_ROOT:?REPO_ROOT must be set before javskoll_ensure_venv}"
    local venv=${JAVSKOLL_VENV:-$REPO_ROOT/.venv}
    local vpy=$venv/bin/python
    local spec=.
    [[ -n "$extras" ]] && spec=".[${extras}]"

    [[ -f "$REPO_ROOT/pyproject.toml" ]] || javskoll_die "no pyproject.toml in $REPO_ROOT"

    if [[ -d "$venv" ]] && ! _javskoll_is_py311 "$vpy"; then
        javskoll_log "$venv is broken or not Python 3.11; recreating it"
        rm -rf "$venv"
    fi
    if [[ ! -d "$venv" ]]; then
        local base_py
        base_py=$(_javskoll_find_python)
        javskoll_log "creating $venv with $base_py ($("$base_py" -V 2>&1))"
        "$base_py" -m venv "$venv" \
            || javskoll_die "'$base_py -m venv' failed (on Debian/Ubuntu: apt-get install python3.11-venv)"
    fi

    export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_ROOT_USER_ACTION=ignore
    local stamp=$venv/.javskoll-install${extras:+-${extras//[^A-Za-z0-9]/_}}.stamp
    local want have=
    want=$(_javskoll_hash "$vpy" "$REPO_ROOT/pyproject.toml" "$spec" "$("$vpy" -V 2>&1)")
    [[ -f "$stamp" ]] && have=$(<"$stamp")
    if [[ "$want" == "$have" && -z "${JAVSKOLL_FORCE_INSTALL:-}" ]] \
        && [[ -x "$venv/bin/javskoll" ]]; then
        return 0
    fi

    javskoll_log "installing javskoll ('pip install -e $spec') into $venv ..."
    local log
    log=$(mktemp "${TMPDIR:-/tmp}/javskoll-pip.XXXXXX")
    if ! (cd "$REPO_ROOT" && "$vpy" -m pip install -q -e "$spec") >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log" "$stamp"
        javskoll_die "pip install -e '$spec' failed (output above)"
    fi
    # Show what pip still printed in quiet mode (warnings), minus the noise about
    # configured-but-absent local index folders.
    grep -v "^WARNING: Location '.*' is ignored: it is neither a file nor a directory" "$log" >&2 || true
    rm -f "$log"
    printf '%s\n' "$want" >"$stamp"
    javskoll_log "install done"
}
