# Shared steps of the fault scripts (sourced, not run). Each script starts its own cluster in a fresh folder,
# sends traffic only to loopback, bounds every loop, and stops everything it started on exit, failing or not.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
export INTRANET_CLUSTER_DIR=${INTRANET_CLUSTER_DIR:-$(mktemp -u /tmp/intranet-fault-XXXXXX)}
out=${INTRANET_FAULT_OUT:-$root/artifacts/faults}
mkdir -p "$out"
cluster() { "$root/infra/cluster.sh" "$@"; }
failures=0
check() {   # check "what" CONDITION…: prints ok/FAILED, counts failures
  local what=$1; shift
  if "$@"; then echo "ok      $what"; else echo "FAILED  $what"; failures=$((failures + 1)); fi
}
finish() {
  local status=$?
  cluster stop >/dev/null 2>&1 || true
  if ((status == 0 && failures == 0)); then echo "== $(basename "$0"): passed"; else echo "== $(basename "$0"): FAILED ($failures check(s), exit $status)"; fi
  ((status == 0 && failures == 0)) || exit 1
}
trap finish EXIT

# The host published once for all scripts (INTRANET_HOST_DIR), else published here.
ensure_host() {
  if [[ -z ${INTRANET_HOST_DIR:-} ]]; then
    export INTRANET_HOST_DIR="$out/host"
    dotnet publish Host/Intranet.Host -c Release -o "$INTRANET_HOST_DIR" -nologo -v quiet
  fi
  command -v wrk >/dev/null || {
    local sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq wrk >/dev/null
  }
}

# Signs in the cluster's plan-office user with curl; prints the Cookie header value for wrk and curl.
login_cookie() {
  local url jar page token handler email password
  url=$(cluster url); jar=$(mktemp)
  IFS=$'\t' read -r email password _ <"$INTRANET_CLUSTER_DIR/users.txt"
  page=$(curl -s -c "$jar" -b "$jar" "$url/account/login")
  token=$(grep -o 'name="__RequestVerificationToken" value="[^"]*"' <<<"$page" | sed 's/.*value="//;s/"$//')
  handler=$(grep -o 'name="_handler" value="[^"]*"' <<<"$page" | sed 's/.*value="//;s/"$//')
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "Input.Email=$email" --data-urlencode "Input.Password=$password" \
    --data-urlencode "__RequestVerificationToken=$token" --data-urlencode "_handler=$handler" "$url/account/login"
  awk '$6 ~ /^(Intranet\.Auth|intranet_route)$/ {printf "%s=%s; ", $6, $7}' "$jar" | sed 's/; $//'
  rm -f "$jar"
}

# probe SECONDS FILE [PATH]: one GET through nginx every 0.25 s, "epoch_ms status" per line, for SECONDS or until the
# file PROBE_STOP exists.
probe() {
  local seconds=$1 file=$2 path=${3:-/health/live} url end
  url=$(cluster url); end=$((SECONDS + seconds))
  : >"$file"
  while ((SECONDS < end)) && [[ ! -e ${PROBE_STOP:-/nonexistent} ]]; do
    echo "$(date +%s%3N) $(curl -s -o /dev/null -m 5 -w '%{http_code}' -H "Cookie: ${PROBE_COOKIE:-}" "$url$path" || true)" >>"$file"
    sleep 0.25
  done
}

now_ms() { date +%s%3N; }

# sql "SELECT …": runs a query on the cluster's PostgreSQL, prints the bare result.
sql() { psql "host=127.0.0.1 port=$(cat "$INTRANET_CLUSTER_DIR/pg/port") user=postgres dbname=postgres" -XAtq -c "$1"; }
