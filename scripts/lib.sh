# Shared set-up for scripts/run and scripts/test: system packages, the
# virtualenv, and project-local PostgreSQL and Redis on loopback.
# Sourced, not executed. Every step reuses what is already there.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="$ROOT/.var"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
mkdir -p "$VAR"

STARTED="${STARTED:-$(date +%s)}"
export STARTED
# Each step says what it does and how long the script has run.
say() { printf '\033[1m==> [%3ss] %s\033[0m\n' "$(($(date +%s) - STARTED))" "$*"; }

# The PostgreSQL cluster must be reachable by the postgres user; a clone under
# a private home directory (e.g. /root, mode 700) keeps its cluster in /var/tmp.
state_dir() {
  if runuser -u postgres -- test -x "$ROOT" 2>/dev/null && runuser -u postgres -- test -x "$VAR" 2>/dev/null; then
    echo "$VAR"
  else
    echo "/var/tmp/parkplan-$(printf '%s' "$ROOT" | md5sum | cut -c1-8)"
  fi
}

ensure_system_packages() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  command -v msgfmt >/dev/null || missing+=(gettext)
  # LibreOffice headless stands in for the offices' WPS/Word/Excel: the report tests convert DOCX and XLSX to PDF.
  local pkg
  for pkg in libreoffice-writer-nogui libreoffice-calc-nogui; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
  if [ "${#missing[@]}" -gt 0 ]; then
    say "Installing ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
      echo "Need root to install: ${missing[*]}" >&2
      exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# uv builds the virtualenv from requirements.txt, the lock file (`uv pip compile requirements.in
# -o requirements.txt`): `uv pip sync` installs exactly its pins, removes anything else, and takes
# seconds where pip took minutes. uv itself is pinned here and kept apart from the project's
# virtualenv, in .var/uv (pip bootstraps it once).
UV_VERSION=0.13.8
UV="$VAR/uv/bin/uv"

ensure_uv() {
  [ "$("$UV" --version 2>/dev/null)" = "uv $UV_VERSION" ] && return 0
  say "Installing uv $UV_VERSION into .var/uv"
  python3 -m venv "$VAR/uv"
  "$VAR/uv/bin/pip" install -q --disable-pip-version-check "uv==$UV_VERSION" 2>&1 | grep -v -i 'location' || true
}

ensure_venv() {
  local stamp="$VENV/.requirements.sha" want
  want="$(sha256sum < "$ROOT/requirements.txt" | cut -c1-16)"
  if [ -x "$PY" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  ensure_uv
  if [ ! -x "$PY" ]; then
    say "Creating the virtualenv in .venv (uv venv)"
    "$UV" venv --quiet --seed --python python3 "$VENV"
  fi
  say "Installing the $(grep -c '^[A-Za-z].*==' "$ROOT/requirements.txt") pinned Python packages (uv pip sync requirements.txt)"
  "$UV" pip sync --python "$PY" "$ROOT/requirements.txt" 2>&1 | sed 's/^/    /'
  "$UV" pip check --python "$PY" >/dev/null 2>&1 || "$UV" pip check --python "$PY"
  echo "$want" > "$stamp"
}

# Collect (and compress) the static files, saying how many are done as it goes.
collect_static() {
  "$PY" manage.py collectstatic --no-input -v2 "$@" | awk '
    /^(Copying|Post-processed) / { n++; if (n % 200 == 0) { printf "    %d files\n", n; fflush() } }
    END { printf "    %d files collected and compressed\n", n }'
}

pg_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$d" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; exit 1; }
  echo "$d"
}

# start_postgres NAME PORT [extra server options]
start_postgres() {
  local name="$1" port="$2"; shift 2
  local base dir bin
  base="$(state_dir)"; dir="$base/$name"; bin="$(pg_bin)"
  mkdir -p "$base"
  if [ ! -f "$dir/PG_VERSION" ]; then
    say "Creating the PostgreSQL cluster in $dir"
    mkdir -p "$dir"; chown postgres: "$base" "$dir"; chmod 700 "$dir"
    runuser -u postgres -- "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! runuser -u postgres -- "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    say "Starting PostgreSQL on 127.0.0.1:$port"
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $dir $*" start >/dev/null
    PG_STARTED=1
  fi
  PG_DIR="$dir"
}

stop_postgres() {
  [ -n "${PG_STARTED:-}" ] || return 0
  runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null 2>&1 || true
}

ensure_database() {
  local port="$1" db="$2"
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -tAc "select 1 from pg_database where datname='$db'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U postgres -qc "create database $db" >/dev/null
  fi
}

# start_redis NAME PORT
start_redis() {
  local name="$1" port="$2" dir
  dir="$(state_dir)/$name"; mkdir -p "$dir"
  if ! redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
    say "Starting Redis on 127.0.0.1:$port"
    redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --dir "$dir" \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save '' --appendonly no
    for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    REDIS_STARTED=1
  fi
  REDIS_DIR="$dir"
}

stop_redis() {
  [ -n "${REDIS_STARTED:-}" ] && [ -f "$REDIS_DIR/redis.pid" ] || return 0
  kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true
}

# Compile the translation catalogues (the .mo files are build output, not kept in git).
compile_messages() {
  local po
  for po in "$ROOT"/locale/*/LC_MESSAGES/*.po; do
    [ -f "$po" ] || continue
    [ "${po%.po}.mo" -nt "$po" ] || { say "Compiling the translations"; msgfmt --check-format -o "${po%.po}.mo" "$po"; }
  done
}
