#!/usr/bin/env bash
# Make sure a PostgreSQL server is reachable and print its URL on stdout
# (everything else goes to stderr), e.g.
#
#   postgresql+psycopg://postgres@127.0.0.1:5432/postgres
#
# In order:
#   1. a server already answers on $JAVSKOLL_PG_HOST:$JAVSKOLL_PG_PORT
#      (default 127.0.0.1:5432) and lets user postgres in without a password:
#      use it;
#   2. a Debian cluster (pg_lsclusters) is configured on that port: start it
#      with `pg_ctlcluster --skip-systemctl-redirect VER NAME start`;
#   3. otherwise create (once) a private throw-away cluster under
#      $JAVSKOLL_PG_DIR (default ${TMPDIR:-/tmp}/javskoll-pg-<uid>) with initdb,
#      trust auth, listening on 127.0.0.1 on a free port, and start it with
#      pg_ctl. As root it runs as the `postgres` system user (created with
#      useradd if missing), since PostgreSQL refuses to run as root.
#      Durability is switched off in it (fsync=off): it is for tests only.
#
# Idempotent: running it again prints the same URL and starts nothing new.
#
#   scripts/ensure-postgres.sh           ensure a server, print its URL
#   scripts/ensure-postgres.sh --stop    stop the private cluster (if running)
#   scripts/ensure-postgres.sh --purge   stop it and delete its directory
#
# Environment:
#   JAVSKOLL_PG_HOST     host to probe (default 127.0.0.1)
#   JAVSKOLL_PG_PORT     port to probe (default 5432)
#   JAVSKOLL_PG_USER     role to connect as (default postgres)
#   JAVSKOLL_PG_DIR      private cluster directory (see 3.)
#   JAVSKOLL_PG_BINDIR   directory holding initdb/pg_ctl/psql/pg_isready
#   JAVSKOLL_PG_TIMEOUT  seconds to wait for a server to start (default 60)
#   JAVSKOLL_PG_OS_USER  when run as root: OS user owning the private cluster
#                        (default postgres; created with useradd if missing)
set -euo pipefail

PG_HOST=${JAVSKOLL_PG_HOST:-127.0.0.1}
PG_PORT=${JAVSKOLL_PG_PORT:-5432}
PG_USER=${JAVSKOLL_PG_USER:-postgres}
PG_TIMEOUT=${JAVSKOLL_PG_TIMEOUT:-60}
PRIV_DIR=${JAVSKOLL_PG_DIR:-${TMPDIR:-/tmp}/javskoll-pg-$(id -u)}
PRIV_DATA=$PRIV_DIR/data
PRIV_PORT_FILE=$PRIV_DIR/port
PRIV_LOG=$PRIV_DIR/server.log

log() { printf '[ensure-postgres] %s\n' "$*" >&2; }
die() { printf '[ensure-postgres] ERROR: %s\n' "$*" >&2; exit 1; }

[[ "$PG_PORT" =~ ^[0-9]+$ ]] || die "JAVSKOLL_PG_PORT must be a number, got '$PG_PORT'"
[[ "$PG_TIMEOUT" =~ ^[0-9]+$ ]] || die "JAVSKOLL_PG_TIMEOUT must be a number, got '$PG_TIMEOUT'"

# --- locate the PostgreSQL binaries --------------------------------------------
find_bindir() {
    local d
    if [[ -n "${JAVSKOLL_PG_BINDIR:-}" ]]; then
        [[ -x "$JAVSKOLL_PG_BINDIR/pg_ctl" ]] || die "JAVSKOLL_PG_BINDIR=$JAVSKOLL_PG_BINDIR has no pg_ctl"
        printf '%s\n' "$JAVSKOLL_PG_BINDIR"; return 0
    fi
    # Debian's versioned directories, newest first.
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4 -rn); do
        [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && { printf '%s\n' "$d"; return 0; }
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"; return 0
    fi
    for d in /usr/local/bin /usr/local/pgsql/bin; do
        [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && { printf '%s\n' "$d"; return 0; }
    done
    return 1
}
BINDIR=$(find_bindir || true)

# Client tools: prefer those on PATH (Debian's wrappers), then BINDIR.
client() {
    local name=$1
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"
    elif [[ -n "$BINDIR" && -x "$BINDIR/$name" ]]; then printf '%s\n' "$BINDIR/$name"
    else return 1
    fi
}
PG_ISREADY=$(client pg_isready || true)
PSQL=$(client psql || true)
[[ -n "$PG_ISREADY" && -n "$PSQL" ]] \
    || die "pg_isready/psql not found. Install the PostgreSQL client and server (Debian: apt-get install postgresql) or set JAVSKOLL_PG_BINDIR."

url_for() { printf 'postgresql+psycopg://%s@%s:%s/postgres\n' "$PG_USER" "$1" "$2"; }

# is_ready HOST PORT: the server accepts connections.
is_ready() { "$PG_ISREADY" -q -h "$1" -p "$2" -t 3 >/dev/null 2>&1; }

# usable HOST PORT: we can log in as $PG_USER without a password and may create
# databases. Prints the reason on failure.
usable() {
    local out
    if ! out=$(PGCONNECT_TIMEOUT=5 timeout 15 "$PSQL" -w -X -A -t -v ON_ERROR_STOP=1 \
            -h "$1" -p "$2" -U "$PG_USER" -d postgres \
            -c "SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user" 2>&1); then
        log "server on $1:$2 answers but '$PG_USER' cannot log in without a password: ${out//$'\n'/ }"
        return 1
    fi
    if [[ "$out" != "t" ]]; then
        log "role '$PG_USER' on $1:$2 may not CREATE DATABASE"
        return 1
    fi
}

# wait_ready HOST PORT: poll until ready or PG_TIMEOUT seconds have passed.
wait_ready() {
    local deadline=$((SECONDS + PG_TIMEOUT))
    until is_ready "$1" "$2"; do
        ((SECONDS < deadline)) || return 1
        sleep 1
    done
}

# --- running things as a non-root user -------------------------------------------
RUN_AS=
if [[ $(id -u) -eq 0 ]]; then
    RUN_AS=${JAVSKOLL_PG_OS_USER:-postgres}
fi
ensure_run_as_user() {
    [[ -n "$RUN_AS" ]] || return 0
    if ! id -u "$RUN_AS" >/dev/null 2>&1; then
        log "creating system user '$RUN_AS' (PostgreSQL refuses to run as root)"
        useradd --system --user-group --home-dir /nonexistent --no-create-home \
            --shell /usr/sbin/nologin "$RUN_AS" \
            || die "useradd $RUN_AS failed; run this script as a non-root user instead"
    fi
}
as_owner() {
    if [[ -z "$RUN_AS" ]]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u "$RUN_AS" -- "$@"
    else
        # su needs a shell; quote the command for it.
        su -s /bin/sh "$RUN_AS" -c "$(printf '%q ' "$@")"
    fi
}

# --- private cluster ----------------------------------------------------------------
pick_free_port() {
    local p
    for p in $(seq 55432 55532); do
        if ! is_ready 127.0.0.1 "$p" \
            && ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            printf '%s\n' "$p"; return 0
        fi
    done
    return 1
}

private_running_port() {
    # Prints the private cluster's port when it is up.
    [[ -f "$PRIV_PORT_FILE" ]] || return 1
    local p
    p=$(<"$PRIV_PORT_FILE")
    [[ "$p" =~ ^[0-9]+$ ]] || return 1
    is_ready 127.0.0.1 "$p" || return 1
    printf '%s\n' "$p"
}

# True when the postmaster named in postmaster.pid is alive. A zombie (possible
# where PID 1 does not reap orphans, as in some containers) counts as dead.
private_pid_alive() {
    local pid state
    [[ -f "$PRIV_DATA/postmaster.pid" ]] || return 1
    pid=$(head -n1 "$PRIV_DATA/postmaster.pid" 2>/dev/null || true)
    [[ "$pid" =~ ^[0-9]+$ && -d /proc/$pid ]] || return 1
    state=$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# Remove a postmaster.pid left by a server that is gone (killed, machine reset).
clear_stale_pid() {
    if [[ -f "$PRIV_DATA/postmaster.pid" ]] && ! private_pid_alive; then
        log "removing stale $PRIV_DATA/postmaster.pid (server process is gone)"
        rm -f "$PRIV_DATA/postmaster.pid"
    fi
}

stop_private() {
    clear_stale_pid
    if [[ -f "$PRIV_DATA/postmaster.pid" && -n "$BINDIR" ]]; then
        log "stopping private cluster in $PRIV_DATA"
        as_owner "$BINDIR/pg_ctl" -D "$PRIV_DATA" -m fast -t "$PG_TIMEOUT" -w stop >&2 \
            || die "pg_ctl stop failed (see $PRIV_LOG)"
    else
        log "no private cluster running in $PRIV_DATA"
    fi
}

start_private() {
    [[ -n "$BINDIR" ]] \
        || die "no server on $PG_HOST:$PG_PORT and no initdb/pg_ctl found to create one. Install PostgreSQL (Debian: apt-get install postgresql) or set JAVSKOLL_PG_BINDIR."
    ensure_run_as_user

    mkdir -p "$PRIV_DIR"
    chmod 700 "$PRIV_DIR"
    [[ -n "$RUN_AS" ]] && chown "$RUN_AS:" "$PRIV_DIR"
    # The owner must be able to reach the directory through its parents.
    as_owner test -w "$PRIV_DIR" \
        || die "user '${RUN_AS:-$(id -un)}' cannot write to $PRIV_DIR (set JAVSKOLL_PG_DIR to a directory under /tmp)"

    local major
    major=$("$BINDIR/pg_ctl" --version | sed -nE 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/p' | head -n1)
    if [[ -f "$PRIV_DATA/PG_VERSION" && -n "$major" && "$(<"$PRIV_DATA/PG_VERSION")" != "$major" ]]; then
        log "private cluster in $PRIV_DATA is PostgreSQL $(<"$PRIV_DATA/PG_VERSION"), binaries are $major: recreating it"
        as_owner "$BINDIR/pg_ctl" -D "$PRIV_DATA" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$PRIV_DATA"
    fi

    # Already running (on a port our port file does not name)? Reuse it.
    clear_stale_pid
    if private_pid_alive; then
        local running_port
        running_port=$(sed -n 4p "$PRIV_DATA/postmaster.pid")
        if [[ "$running_port" =~ ^[0-9]+$ ]] && wait_ready 127.0.0.1 "$running_port" \
            && usable 127.0.0.1 "$running_port"; then
            as_owner sh -c "printf '%s\n' '$running_port' > '$PRIV_PORT_FILE'"
            log "using the private cluster already running on 127.0.0.1:$running_port"
            url_for 127.0.0.1 "$running_port"
            return 0
        fi
        die "a server is running in $PRIV_DATA but is not usable; stop it with '$0 --stop'"
    fi

    if [[ ! -f "$PRIV_DATA/PG_VERSION" ]]; then
        rm -rf "$PRIV_DATA"
        log "creating private cluster in $PRIV_DATA with $BINDIR/initdb"
        as_owner "$BINDIR/initdb" -D "$PRIV_DATA" -U "$PG_USER" -A trust -E UTF8 --locale=C \
            >"$PRIV_DIR/initdb.log" 2>&1 \
            || { cat "$PRIV_DIR/initdb.log" >&2; die "initdb failed"; }
    fi

    local port
    port=$(pick_free_port) || die "no free TCP port in 55432-55532"
    as_owner sh -c "printf '%s\n' '$port' > '$PRIV_PORT_FILE'"
    log "starting private cluster on 127.0.0.1:$port (log: $PRIV_LOG)"
    if ! as_owner "$BINDIR/pg_ctl" -D "$PRIV_DATA" -l "$PRIV_LOG" -w -t "$PG_TIMEOUT" \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $PRIV_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            start >&2; then
        tail -n 30 "$PRIV_LOG" >&2 2>/dev/null || true
        die "pg_ctl start failed (log above, $PRIV_LOG)"
    fi
    wait_ready 127.0.0.1 "$port" || die "private cluster did not accept connections within ${PG_TIMEOUT}s (see $PRIV_LOG)"
    usable 127.0.0.1 "$port" || die "private cluster is up but not usable"
    url_for 127.0.0.1 "$port"
}

# --- Debian cluster ---------------------------------------------------------------
start_debian_cluster() {
    command -v pg_lsclusters >/dev/null 2>&1 && command -v pg_ctlcluster >/dev/null 2>&1 || return 1
    local ver name port status rest found=
    while read -r ver name port status rest; do
        [[ "$port" == "$PG_PORT" ]] || continue
        found=1
        log "Debian cluster $ver/$name is configured on port $port (status: $status); starting it"
        if ! timeout $((PG_TIMEOUT + 30)) pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start >&2 2>&1; then
            # "already running" also exits non-zero; the readiness check decides.
            log "pg_ctlcluster $ver $name start reported an error"
        fi
        if wait_ready "$PG_HOST" "$PG_PORT"; then
            return 0
        fi
        log "cluster $ver/$name did not come up within ${PG_TIMEOUT}s"
    done < <(pg_lsclusters -h 2>/dev/null || true)
    [[ -n "$found" ]] || log "no Debian cluster configured on port $PG_PORT"
    return 1
}

# --- main ---------------------------------------------------------------------------
case "${1:-}" in
    --stop) stop_private; exit 0 ;;
    --purge) stop_private; log "deleting $PRIV_DIR"; rm -rf "$PRIV_DIR"; exit 0 ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0" >&2; exit 0 ;;
    "") ;;
    *) die "unknown argument '$1' (try --help)" ;;
esac

# 1. a server already answers
if is_ready "$PG_HOST" "$PG_PORT"; then
    if usable "$PG_HOST" "$PG_PORT"; then
        log "using the server on $PG_HOST:$PG_PORT"
        url_for "$PG_HOST" "$PG_PORT"
        exit 0
    fi
    log "falling back to a private cluster"
else
    log "no server answers on $PG_HOST:$PG_PORT"
    # 2. a Debian cluster on that port that is merely stopped
    if start_debian_cluster; then
        if usable "$PG_HOST" "$PG_PORT"; then
            log "using the server on $PG_HOST:$PG_PORT"
            url_for "$PG_HOST" "$PG_PORT"
            exit 0
        fi
        log "falling back to a private cluster"
    fi
fi

# 3. a private cluster: reuse the running one, else create/start it.
if port=$(private_running_port); then
    if usable 127.0.0.1 "$port"; then
        log "using the private cluster already running on 127.0.0.1:$port ($PRIV_DATA)"
        url_for 127.0.0.1 "$port"
        exit 0
    fi
    die "private cluster on 127.0.0.1:$port is up but not usable; stop it with '$0 --stop'"
fi
start_private
