#!/usr/bin/env bash
# The arrangement a city's IT runs, on one machine and on loopback addresses only, for tests and demos:
# PostgreSQL, two or more Intranet hosts on one database, and nginx in front with sticky sessions.
#
#   infra/cluster.sh start [--hosts N]   starts everything (N hosts, default 2); prints the URL (http://127.0.0.1:PORT)
#   infra/cluster.sh stop                stops everything it started and deletes the cluster folder
#   infra/cluster.sh status              one line per part: running or not
#   infra/cluster.sh kill-host K         kill -9 of host K (1…N), as a crash would
#   infra/cluster.sh start-host K        starts host K again (waits until /health/ready answers 200)
#   infra/cluster.sh stop-db | start-db  stops / starts PostgreSQL (same data, same port)
#   infra/cluster.sh cli ARGS…           runs an admin verb of the host against the cluster's database
#   infra/cluster.sh url                 the URL of nginx
#
# Settings (environment): INTRANET_CLUSTER_DIR (default /tmp/intranet-cluster), INTRANET_HOST_DIR (a published host;
# without it the host is published into the cluster folder). The folder holds PostgreSQL's data (pg/), each host's
# data folder and log (host-K/), nginx's configuration and logs (nginx/) and the plan office user created at start
# (users.txt, mode 0600: the plan office and HR users created at start). Installs nginx and PostgreSQL when missing (apt-get, as root or through sudo).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${INTRANET_CLUSTER_DIR:-/tmp/intranet-cluster}
cmd=${1:-}
shift || true

die() { echo "cluster: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
host_count() { ls -d "$dir"/host-* 2>/dev/null | wc -l; }
host_dir() { cat "$dir/host-dir"; }
connection() { cat "$dir/connection"; }

install_missing() {
  local need=()
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need+=(nginx)
  ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
  if ((${#need[@]})); then
    local sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

# Environment of every host process and admin verb: PostgreSQL, Production, loopback proxy trusted.
host_env() {
  local k=$1
  env -u Intranet__DataDirectory -u ASPNETCORE_URLS \
    Database__Provider=PostgreSql \
    ConnectionStrings__Intranet="$(connection)" \
    Intranet__DataDirectory="$dir/host-$k/data" \
    ASPNETCORE_ENVIRONMENT=Production \
    AllowedHosts="127.0.0.1;localhost" \
    ForwardedHeaders__KnownProxies__0=127.0.0.1 \
    Logging__Json=true \
    "${@:2}"
}

wait_ready() {
  local url=$1 pid=$2 log=$3
  for _ in $(seq 1 240); do
    kill -0 "$pid" 2>/dev/null || { tail -n 40 "$log" >&2; die "the host behind $url exited before it was ready"; }
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$url/health/ready" || true) == 200 ]] && return 0
    sleep 0.5
  done
  tail -n 40 "$log" >&2
  die "$url/health/ready did not answer 200 within 120 s"
}

start_host() {
  local k=$1
  local port; port=$(cat "$dir/host-$k/port")
  mkdir -p "$dir/host-$k/data"
  rm -f "$dir/host-$k/pid"
  # In a session of its own (kill-host kills the whole process group); the pid is written by the process itself,
  # since setsid forks when it is started as a group leader.
  (cd "$(host_dir)" && host_env "$k" setsid bash -c 'echo $$ >"$1"; exec dotnet Intranet.Host.dll --urls "$2"' host \
      "$dir/host-$k/pid" "http://127.0.0.1:$port" >>"$dir/host-$k/host.log" 2>&1 </dev/null &)
  for _ in $(seq 1 50); do [[ -s $dir/host-$k/pid ]] && break; sleep 0.1; done
  wait_ready "http://127.0.0.1:$port" "$(cat "$dir/host-$k/pid")" "$dir/host-$k/host.log"
  echo "host $k: http://127.0.0.1:$port (pid $(cat "$dir/host-$k/pid"))"
}

kill_host() {
  local k=$1
  local pidfile="$dir/host-$k/pid"
  [[ -f $pidfile ]] || die "no host $k"
  local pid; pid=$(cat "$pidfile")
  kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pidfile"
  echo "host $k killed (pid $pid)"
}

pg_ctl_() { as_postgres "$(pg_bin)/pg_ctl" -D "$dir/pg/data" "$@"; }

start_db() {
  local port; port=$(cat "$dir/pg/port")
  pg_ctl_ -l "$dir/pg/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir/pg -c fsync=off -c max_connections=200" start >/dev/null
  echo "PostgreSQL: 127.0.0.1:$port"
}

write_nginx() {
  local n=$1 port=$2
  mkdir -p "$dir/nginx/tmp"
  {
    echo "worker_processes 1;"
    echo "pid $dir/nginx/nginx.pid;"
    echo "error_log $dir/nginx/error.log warn;"
    echo "events { worker_connections 1024; }"
    echo "http {"
    echo "  log_format upstream '\$remote_addr [\$time_local] \"\$request\" \$status \$body_bytes_sent upstream=\$upstream_addr route=\$intranet_route';"
    echo "  access_log $dir/nginx/access.log upstream;"
    for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $dir/nginx/tmp/$t;"; done
    echo "  include $root/infra/nginx/intranet-maps.conf;"
    echo "  upstream intranet {"
    echo "    hash \$intranet_route consistent;"
    for k in $(seq 1 "$n"); do echo "    server 127.0.0.1:$(cat "$dir/host-$k/port") max_fails=3 fail_timeout=5s;"; done
    echo "    keepalive 16;"
    echo "  }"
    echo "  server {"
    echo "    listen 127.0.0.1:$port;"
    echo "    location / { include $root/infra/nginx/intranet-proxy.conf; }"
    echo "  }"
    echo "}"
  } >"$dir/nginx/nginx.conf"
}

case $cmd in
  start)
    hosts=2
    while (($#)); do case $1 in --hosts) hosts=${2:?}; shift 2 ;; *) die "unknown option $1" ;; esac; done
    [[ -e $dir ]] && die "$dir exists: run 'infra/cluster.sh stop' first"
    install_missing
    mkdir -p "$dir"
    chmod 0755 "$dir"   # PostgreSQL (user postgres) needs to reach its folder inside
    infra_pg=$("$root/infra/postgres-test.sh" start "$dir/pg")
    echo "$infra_pg" >"$dir/connection"
    echo "PostgreSQL: $infra_pg"
    if [[ -n ${INTRANET_HOST_DIR:-} ]]; then
      echo "$(cd "$INTRANET_HOST_DIR" && pwd)" >"$dir/host-dir"
    else
      echo "publishing the host into $dir/host-bin"
      dotnet publish "$root/Host/Intranet.Host" -c Release -o "$dir/host-bin" -nologo -v quiet
      echo "$dir/host-bin" >"$dir/host-dir"
    fi
    [[ -f $(host_dir)/Intranet.Host.dll ]] || die "$(host_dir) holds no Intranet.Host.dll"
    for k in $(seq 1 "$hosts"); do mkdir -p "$dir/host-$k"; free_port >"$dir/host-$k/port"; done
    # The first host migrates the new database and loads the bundled plans; the others start on a migrated one.
    start_host 1
    # Users for tests and demos (users.txt: e-mail TAB password TAB role, mode 0600): the plan office and HR.
    (umask 077; : >"$dir/users.txt")
    for user in plan-office:PlanOffice:企画課 hr:HumanResources:職員課; do
      IFS=: read -r name role department <<<"$user"
      password="cluster-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
      (cd "$(host_dir)" && host_env 1 dotnet Intranet.Host.dll create-user --email "$name@cluster.local" \
          --password "$password" --role "$role" --department "$department" >/dev/null)
      printf '%s@cluster.local\t%s\t%s\n' "$name" "$password" "$role" >>"$dir/users.txt"
    done
    for k in $(seq 2 "$hosts"); do start_host "$k"; done
    nginx_port=$(free_port)
    write_nginx "$hosts" "$nginx_port"
    nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx"
    echo "http://127.0.0.1:$nginx_port" >"$dir/url"
    echo "nginx: http://127.0.0.1:$nginx_port"
    ;;
  stop)
    [[ -d $dir ]] || exit 0
    [[ -f $dir/nginx/nginx.pid ]] && nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx" -s stop 2>/dev/null || true
    for pidfile in "$dir"/host-*/pid; do
      [[ -f $pidfile ]] || continue
      pid=$(cat "$pidfile"); kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    for pidfile in "$dir"/host-*/pid; do
      [[ -f $pidfile ]] || continue
      pid=$(cat "$pidfile")
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
    done
    "$root/infra/postgres-test.sh" stop "$dir/pg" || true
    rm -rf "$dir"
    echo "cluster stopped"
    ;;
  status)
    [[ -d $dir ]] || { echo "not running"; exit 1; }
    for k in $(seq 1 "$(host_count)"); do
      pid=$(cat "$dir/host-$k/pid" 2>/dev/null || true)
      if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then state="running (pid $pid)"; else state="stopped"; fi
      echo "host $k: http://127.0.0.1:$(cat "$dir/host-$k/port") $state"
    done
    if pg_ctl_ status >/dev/null 2>&1; then echo "PostgreSQL: running"; else echo "PostgreSQL: stopped"; fi
    echo "nginx: $(cat "$dir/url")"
    ;;
  kill-host) kill_host "${1:?host number}" ;;
  start-host) start_host "${1:?host number}" ;;
  stop-db) pg_ctl_ -m fast -w stop >/dev/null; echo "PostgreSQL stopped" ;;
  start-db) start_db ;;
  cli) cd "$(host_dir)" && host_env 1 dotnet Intranet.Host.dll "$@" ;;
  url) cat "$dir/url" ;;
  *) sed -n '2,17p' "$0" >&2; exit 2 ;;
esac
