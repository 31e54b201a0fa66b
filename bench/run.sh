#!/usr/bin/env bash
# The benchmark of issue #12: each measure of the suite beside its physical limit, measured in the same run on the
# same machine, against the real published host on a throw-away data folder / database.
#
#   bench/run.sh [--scale N] [--provider sqlite|postgres]
#
# --scale 1 is a city's volume (1,000 staff, 200,000 telework days over five fiscal years, 200 RPA cases with 20,000
# runs, 50 meeting bodies with 2,000 sessions); the default 10 is the issue's volume. Prints one line per measure
#   measure | ours | baseline | ratio | goal | met
# ending with "N of M goals met", and writes the same as a markdown table to bench/results/latest-<provider>-scale<N>.md.
# Lines whose goal is "—" are context (no goal of their own).
#
# Settings (environment):
#   INTRANET_HOST_DIR   a published host (dotnet publish Host/Intranet.Host -c Release -r linux-x64 --self-contained false
#                       -p:PublishReadyToRun=true -o DIR); without it the host is
#                       published into bench/.work/host (ignored by git)
#   BENCH_WORK_DIR      throw-away folder for databases, logs and the host's data (default /tmp/intranet-bench-<pid>,
#                       deleted at the end unless BENCH_KEEP=1)
#   BENCH_WRK_SECONDS   duration of each wrk run (default 20); BENCH_PAGE_RUNS timed requests per page (default 25)
#   BENCH_FY            the fiscal year of the dashboard (default 2023)
#   BENCH_SESSIONS      open interactive sessions driven in Chromium (default 300; 0 skips the measure)
#   BENCH_PG_EXTRA      appended to the host's PostgreSQL connection string (e.g. ";Max Auto Prepare=0"), to compare
#                       pool settings side by side
#
# Installs what it needs when missing (wrk, sqlite3, time, curl, PostgreSQL; apt-get, as root or through sudo), sends
# load only to 127.0.0.1, bounds every loop, and stops everything it started (hosts, PostgreSQL) on exit.
set -Eeuo pipefail
# The whole script is one block, read before it runs: editing this file during a run does not change that run.
{
root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/bench
scale=10
provider=sqlite
while (($#)); do
  case $1 in
    --scale) scale=${2:?--scale needs a number}; shift 2 ;;
    --scale=*) scale=${1#*=}; shift ;;
    --provider) provider=${2:?--provider needs sqlite or postgres}; shift 2 ;;
    --provider=*) provider=${1#*=}; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "bench: unknown option $1 (--scale N --provider sqlite|postgres)" >&2; exit 2 ;;
  esac
done
[[ $scale =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "bench: --scale must be a number" >&2; exit 2; }
[[ $provider == sqlite || $provider == postgres ]] || { echo "bench: --provider is sqlite or postgres" >&2; exit 2; }
wrk_seconds=${BENCH_WRK_SECONDS:-20}
page_runs=${BENCH_PAGE_RUNS:-25}
fy=${BENCH_FY:-2023}
sessions=${BENCH_SESSIONS:-300}
work=${BENCH_WORK_DIR:-/tmp/intranet-bench-$$}
started_at=$(date +%s)

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# ---------------------------------------------------------------- what it needs
install_missing() {
  local need=()
  command -v wrk >/dev/null || need+=(wrk)
  command -v sqlite3 >/dev/null || need+=(sqlite3)
  command -v curl >/dev/null || need+=(curl)
  [[ -x /usr/bin/time ]] || need+=(time)
  command -v python3 >/dev/null || need+=(python3)
  [[ ${BENCH_SESSIONS:-300} == 0 || -x /usr/bin/chromium ]] || need+=(chromium fonts-noto-cjk)
  if [[ $provider == postgres ]]; then
    ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
    command -v psql >/dev/null || need+=(postgresql-client)
  fi
  if ((${#need[@]})); then
    log "installing ${need[*]}"
    local sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

# ---------------------------------------------------------------- cleanup
host_pids=()
pg_dir=""
cleanup() {
  local pid
  for pid in "${host_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${host_pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [[ -n $pg_dir ]] && "$root/infra/postgres-test.sh" stop "$pg_dir" >/dev/null 2>&1 || true
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'echo "bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
trap 'exit 130' INT TERM

install_missing
mkdir -p "$work" "$bench/results" "$bench/.work"
chmod 0755 "$work"   # PostgreSQL (user postgres) reaches its folder inside

# ---------------------------------------------------------------- host and data
if [[ -n ${INTRANET_HOST_DIR:-} ]]; then
  host_dir=$(cd "$INTRANET_HOST_DIR" && pwd)
else
  host_dir=$bench/.work/host
  log "publishing the host into $host_dir"
  # As a city's server is installed (docs/ops/infra.md): compiled ahead of time (ReadyToRun), so that a command-line verb
  # and a fresh host spend their first second running rather than compiling.
  dotnet publish "$root/Host/Intranet.Host" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$host_dir" -nologo -v quiet >&2
fi
[[ -f $host_dir/Intranet.Host.dll ]] || die "$host_dir holds no Intranet.Host.dll"

data=$bench/.work/data-scale$scale
if [[ ! -f $data/summary.txt || ! -f $data/new-day-5.csv ]]; then   # (new-day-5.csv: data of an earlier version lacks it)
  log "building the data generator"
  dotnet build "$bench/Intranet.Bench.DataGen" -c Release -nologo -v quiet -o "$bench/.work/datagen" >&2
  log "generating the data set at scale $scale into $data"
  rm -rf "$data"
  dotnet "$bench/.work/datagen/Intranet.Bench.DataGen.dll" --scale "$scale" --out "$data" >/dev/null
fi
rows() { awk -F'\t' -v f="$1" '$1 == f {print $2}' "$data/summary.txt"; }

# ---------------------------------------------------------------- databases
pg_port=""
if [[ $provider == postgres ]]; then
  pg_dir=$work/pg
  "$root/infra/postgres-test.sh" start "$pg_dir" >/dev/null
  pg_port=$(cat "$pg_dir/port")
  for db in bench_small bench_large bench_raw bench_host; do
    psql "host=127.0.0.1 port=$pg_port user=postgres dbname=postgres" -XAtq -c "CREATE DATABASE $db" >/dev/null
  done
fi
pg_conn() { echo "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$1;Maximum Pool Size=100${BENCH_PG_EXTRA:-}"; }
psql_() { local db=$1; shift; psql "host=127.0.0.1 port=$pg_port user=postgres dbname=$db" -XAtq -v ON_ERROR_STOP=1 "$@"; }

# env_args SET: the environment of the host of data set SET (small | large) as an env command line, in henv.
env_args() {
  local set=$1
  local db_env=(Database__Provider=Sqlite)
  [[ $provider == postgres ]] && db_env=(Database__Provider=PostgreSql "ConnectionStrings__Intranet=$(pg_conn "bench_$set")")
  mkdir -p "$work/$set/data" "$work/$set/drop"
  # The host data set imports every kind through a drop folder of its own (drop-KIND); the others take new days in drop.
  local drops=("Imports__DropFolders__telework-days=$work/$set/drop" "Imports__DropFolders__rpa-runs=$work/$set/drop-rpa-runs"
    "Imports__DropFolders__meeting-sessions=$work/$set/drop-meeting-sessions") k
  if [[ $set == host ]]; then
    drops=()
    for k in "${kinds[@]}"; do drops+=("Imports__DropFolders__${k%%:*}=$work/$set/drop-${k%%:*}"); done
  fi
  henv=(env -u ASPNETCORE_URLS -u Intranet__DataDirectory -u ConnectionStrings__Intranet "${db_env[@]}"
    Intranet__DataDirectory="$work/$set/data" ASPNETCORE_ENVIRONMENT=Production AllowedHosts="127.0.0.1;localhost"
    "${drops[@]}" Imports__DropFolderPollSeconds=1)
}
# cli SET ARGS…: an admin verb of the host on data set SET (run from the host's folder, its content root).
cli() { local set=$1; shift; env_args "$set"; (cd "$host_dir" && "${henv[@]}" dotnet Intranet.Host.dll "$@"); }
# timed_cli OUT SET ARGS…: the same under /usr/bin/time (see timed).
timed_cli() { local out=$1 set=$2; shift 2; env_args "$set"; (cd "$host_dir" && timed "$out" "${henv[@]}" dotnet Intranet.Host.dll "$@"); }

# The SQL of the module tables, per provider (SQLite: schema as table prefix). A query below is written once, identifiers
# double-quoted as PostgreSQL needs them (the columns are PascalCase); SQLite reads them alike. Only what differs in
# substance has a form per provider (date arithmetic, the bulk-load baselines).
tbl() { if [[ $provider == postgres ]]; then echo "\"${1%%_*}\".\"${1#*_}\""; else echo "\"$1\""; fi; }
sql_on() {   # sql_on SET QUERY: runs QUERY on the data set's database, prints the bare result
  if [[ $provider == postgres ]]; then psql_ "bench_$1" -c "$2"; else sqlite3 "$work/$1/data/intranet.db" "$2"; fi
}
timed_sql() {   # timed_sql OUT SET QUERY: sql_on under /usr/bin/time
  if [[ $provider == postgres ]]; then
    timed "$1" psql "host=127.0.0.1 port=$pg_port user=postgres dbname=bench_$2" -XAtq -v ON_ERROR_STOP=1 -c "$3"
  else
    timed "$1" sqlite3 "$work/$2/data/intranet.db" "$3"
  fi
}

# timed FILE CMD…: runs CMD under /usr/bin/time; FILE gets "seconds peak_kb", FILE.log CMD's output (also appended to
# $work/logs/commands.log). The seconds are read from the nanosecond clock around it, not from time's %e, whose 10 ms
# steps made the small baselines (sqlite3 .import of 50 rows) read 0 ms.
mkdir -p "$work/logs"
timed() {
  local out=$1 t0 t1; shift
  t0=$(date +%s%N)
  if /usr/bin/time -o "$out.kb" -f '%M' "$@" >"$out.log" 2>&1; then cat "$out.log" >>"$work/logs/commands.log"
  else cat "$out.log" >>"$work/logs/commands.log"; tail -n 20 "$out.log" >&2; die "failed: $*"; fi
  t1=$(date +%s%N)
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }') $(tail -n 1 "$out.kb")" >"$out"
}
# net_s FILE: the import's own time from a timed import: the 所要時間 the verb prints (reading, checking, writing and
# reporting to the plan, without the process start-up), or, from a host that does not print it, the wall time less the
# verb's start-up measured in this run.
net_s() {
  local own
  own=$(grep -o '所要時間: [0-9.]*' "$1.log" | awk '{print $2}' | tail -n 1)
  if [[ -n $own ]]; then echo "$own"
  else awk -v s="$(cut -d' ' -f1 "$1")" -v u="$startup" 'BEGIN { v = s - u; if (v < 0.01) v = 0.01; print v }'; fi
}

# ---------------------------------------------------------------- results
results=()        # "measure|ours|baseline|ratio|goal|met"
goals=0; met=0
fmt_s() { awk -v v="$1" 'BEGIN { if (v < 1) printf "%.0f ms", v * 1000; else printf "%.1f s", v }'; }
fmt_ms() { awk -v v="$1" 'BEGIN { printf "%.0f ms", v }'; }
fmt_mb() { awk -v v="$1" 'BEGIN { printf "%.0f MB", v / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "—"; else printf "%.2f×", a / b }'; }
# add MEASURE OURS BASELINE RATIO GOAL MET(yes|no|—)
add() {
  results+=("$1|$2|$3|$4|$5|$6")
  if [[ $6 != "—" ]]; then goals=$((goals + 1)); [[ $6 == yes ]] && met=$((met + 1)); fi
  printf '%s | %s | %s | %s | %s | %s\n' "$1" "$2" "$3" "$4" "$5" "$6"
}
yes_if() { if awk "BEGIN { exit !($1) }"; then echo yes; else echo no; fi; }

# ---------------------------------------------------------------- host process
# start_host SET: starts the host on a free port; sets host_url and host_pid.
start_host() {
  local set=$1 port
  port=$(free_port)
  host_url=http://127.0.0.1:$port
  rm -f "$work/$set/pid"
  env_args "$set"
  (cd "$host_dir" && "${henv[@]}" bash -c 'echo $$ >"$1"; exec dotnet Intranet.Host.dll --urls "$2"' host \
      "$work/$set/pid" "$host_url" >>"$work/logs/host-$set.log" 2>&1 </dev/null &)
  for _ in $(seq 1 50); do [[ -s $work/$set/pid ]] && break; sleep 0.1; done
  host_pid=$(cat "$work/$set/pid")
  host_pids+=("$host_pid")
  for _ in $(seq 1 240); do
    kill -0 "$host_pid" 2>/dev/null || { tail -n 40 "$work/logs/host-$set.log" >&2; die "the host exited before it was ready"; }
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$host_url/health/ready" || true) == 200 ]] && return 0
    sleep 0.5
  done
  tail -n 40 "$work/logs/host-$set.log" >&2
  die "$host_url/health/ready did not answer 200 within 120 s"
}
stop_host() {
  kill -TERM "$host_pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$host_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$host_pid" 2>/dev/null || true
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$host_pid/status" 2>/dev/null || echo 0; }

# login: signs the bench user in with curl (antiforgery token from the login form); sets cookie (Cookie header value).
bench_email=bench@bench.local
bench_password="Bench-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')"
login() {
  local jar page token handler status
  jar=$(mktemp -p "$work")
  page=$(curl -s -c "$jar" -b "$jar" "$host_url/account/login")
  token=$(grep -o 'name="__RequestVerificationToken" value="[^"]*"' <<<"$page" | sed 's/.*value="//;s/"$//')
  handler=$(grep -o 'name="_handler" value="[^"]*"' <<<"$page" | sed 's/.*value="//;s/"$//')
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "Input.Email=$bench_email" --data-urlencode "Input.Password=$bench_password" \
    --data-urlencode "__RequestVerificationToken=$token" --data-urlencode "_handler=$handler" "$host_url/account/login"
  # The sign-in cookie and the antiforgery cookie of the login page, as a browser sends them.
  cookie=$(awk '$6 ~ /^(Intranet\.Auth|\.AspNetCore\.Antiforgery)/ {printf "%s=%s; ", $6, $7}' "$jar" | sed 's/; $//')
  rm -f "$jar"
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$host_url/dashboard?fy=$fy")
  [[ $status == 200 ]] || die "signed in, but /dashboard answered $status (expected 200)"
}

pages=("/telework" "/rpa" "/rpa/pipeline" "/paperless" "/dashboard?fy=$fy" "/telework/export/summary.csv")
# get_page URL COOKIE: "status seconds bytes" of one GET.
get_page() { curl -s -o /dev/null -m 120 -H "Cookie: $2" -w '%{http_code} %{time_total} %{size_download}\n' "$1" || echo "000 0 0"; }
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }   # of the numbers on stdin (the lower of two)
median_ms() { awk -v s="$(median)" 'BEGIN { printf "%.1f", s * 1000 }'; }                 # of seconds on stdin, in ms
# measure_pages RUNS: every page on the small and the large host, requests alternating between the two (so that load
# from elsewhere on the machine hits both alike), which host goes first alternating too (so that an effect of the order
# falls on both alike: /rpa, whose queries read the same 200 cases on both hosts, measured 1.07×–1.42×): 2 untimed
# requests each, then RUNS timed pairs, whose seconds are added to $work/times-SET-N (N: the page's place in pages).
# A status other than 200 is counted (page_errors) and the run goes on: the page's line then fails its goal and names
# the statuses. page_medians then writes the medians to $work/pages-small and $work/pages-large as "path ms bytes".
declare -A page_errors=()
measure_pages() {
  local p n=0 i set status t bytes order
  for p in "${pages[@]}"; do
    n=$((n + 1))
    for i in $(seq 1 $(($1 + 2))); do
      order=(small large); ((i % 2 == 0)) && order=(large small)   # which goes first alternates too
      for set in "${order[@]}"; do
        if [[ $set == small ]]; then read -r status t bytes < <(get_page "$small_url$p" "$small_cookie")
        else read -r status t bytes < <(get_page "$large_url$p" "$large_cookie"); fi
        if [[ $status != 200 ]]; then
          page_errors[$set $p]="${page_errors[$set $p]:-}${page_errors[$set $p]:+, }HTTP $status"
          log "  GET $p on the $set host answered $status"
          continue
        fi
        ((i > 2)) && echo "$t" >>"$work/times-$set-$n"
        echo "$bytes" >"$work/bytes-$set-$n"
      done
    done
  done
}
page_medians() {
  local p n=0 set
  : >"$work/pages-small"; : >"$work/pages-large"
  for p in "${pages[@]}"; do
    n=$((n + 1))
    for set in small large; do
      echo "$p $(median_ms <"$work/times-$set-$n") $(cat "$work/bytes-$set-$n")" >>"$work/pages-$set"
    done
    log "  $p: small $(page_row small "$p" | cut -d' ' -f1) ms, large $(page_row large "$p" | cut -d' ' -f1) ms"
  done
}
# start_pages_hosts FIRST SECOND: starts the hosts of the two data sets in that order and signs in to each.
start_pages_hosts() {
  local set
  for set in "$@"; do
    start_host "$set"; login
    if [[ $set == small ]]; then small_url=$host_url; small_pid=$host_pid; small_cookie=$cookie
    else large_url=$host_url; large_pid=$host_pid; large_cookie=$cookie; fi
  done
}
page_row() { awk -v p="$2" '$1 == p {print $2, $3; exit}' "$work/pages-$1"; }   # page_row SET PATH: "ms bytes"

# settle: waits (at most 60 s) until the host answers /health/live within 50 ms, so one load does not spill into the next.
settle() {
  local t
  for _ in $(seq 1 120); do
    t=$(curl -s -o /dev/null -m 5 -w '%{time_total}' "$host_url/health/live" || echo 5)
    awk -v t="$t" 'BEGIN { exit !(t < 0.05) }' && return 0
    sleep 0.5
  done
}
# wrk_run PATH CONNECTIONS: prints "req/s p50 p95 errors requests" (requests still running at the end are not counted).
wrk_run() {
  settle
  wrk -t2 -c"$2" -d"${wrk_seconds}s" --timeout 30s -s "$bench/wrk-report.lua" -H "Cookie: $cookie" "$host_url$1" 2>&1 \
    | awk '/^BENCH / {print $2, $3, $4, $5, $6}'
}

# prepare SET: a new database with the bundled plans and the bench user (every role that owns data).
prepare() {
  cli "$1" migrate >>"$work/logs/commands.log" 2>&1 || die "migrate failed (see logs)"
  cli "$1" create-user --email "$bench_email" --password "$bench_password" --role Administrator --role PlanOffice \
    --role HumanResources --role RpaTeam --role MeetingOrganizer --department 情報システム課 >>"$work/logs/commands.log" 2>&1 \
    || { tail -n 5 "$work/logs/commands.log" >&2; die "create-user failed"; }
}
kinds=(staff:staff.csv rpa-cases:rpa-cases.csv rpa-runs:rpa-runs.csv meeting-bodies:meeting-bodies.csv meeting-sessions:meeting-sessions.csv telework-days:telework-days.csv)

log "scale $scale, $provider, $(rows telework-days.csv) telework days; work folder $work"

# ================================================================ the small data set: page baselines
log "small data set: importing"
prepare small
for k in "${kinds[@]}"; do
  timed_cli "$work/t" small import "${k%%:*}" "$data/small/${k#*:}"
done

# ================================================================ the large data set: imports
log "large data set: imports"
prepare large
# The verb's own start-up (process, configuration, migration check) without work, the lower of two runs: not counted in
# an import's time, so that an import is compared with the bulk insert of its rows, not with .NET's start-up.
timed_cli "$work/t1" large mappings list staff
timed_cli "$work/t2" large mappings list staff
startup=$(awk '{print $1}' "$work/t1" "$work/t2" | sort -g | head -n 1)
add "import verb start-up (process; not counted below)" "$(fmt_s "$startup")" "—" "—" "—" "—"
declare -A import_s import_kb
for k in "${kinds[@]}"; do
  kind=${k%%:*}
  log "  import $kind ($(rows "${k#*:}") rows)"
  timed_cli "$work/t" large import "$kind" "$data/large/${k#*:}"
  read -r _ kb <"$work/t"
  import_s[$kind]=$(net_s "$work/t")
  import_kb[$kind]=$kb
done
log "  re-import telework-days (adds nothing)"
timed_cli "$work/t" large import telework-days "$data/large/telework-days.csv"
read -r _ reimport_kb <"$work/t"
reimport_s=$(net_s "$work/t")

# ---------------------------------------------------------------- baselines: bulk insert of the same rows
log "baselines: bulk insert of the same rows"
declare -A raw_ddl=(
  [staff]='employee_number TEXT NOT NULL, name TEXT NOT NULL, department TEXT NOT NULL, workplace TEXT NOT NULL, workplace_type TEXT NOT NULL, employment_category TEXT NOT NULL, active_from DATE NOT NULL, manager INTEGER NOT NULL, active_to DATE, effective_from DATE'
  [rpa-cases]='code TEXT NOT NULL, title TEXT NOT NULL, business_process TEXT NOT NULL, department TEXT NOT NULL, tool TEXT, robot TEXT, contact TEXT, plan_code TEXT, project_code TEXT, status TEXT, status_date DATE, assessment_from DATE, executions_per_year INTEGER, items_per_execution NUMERIC, manual_minutes_per_item NUMERIC, robot_minutes_per_item NUMERIC'
  [rpa-runs]='"case" TEXT NOT NULL, run_id TEXT NOT NULL, started_at TIMESTAMP NOT NULL, ended_at TIMESTAMP, outcome TEXT NOT NULL, items INTEGER NOT NULL'
  [meeting-bodies]='code TEXT NOT NULL, name TEXT NOT NULL, category TEXT NOT NULL, department TEXT NOT NULL, usual_attendees INTEGER, sheets_per_attendee NUMERIC, baseline_from DATE'
  [meeting-sessions]='body TEXT NOT NULL, held_on DATE NOT NULL, sequence INTEGER NOT NULL, format TEXT NOT NULL, materials TEXT NOT NULL, attendees INTEGER NOT NULL, sheets_printed INTEGER NOT NULL, tablets INTEGER NOT NULL, note TEXT'
  [telework-days]='employee_number TEXT NOT NULL, date DATE NOT NULL, type TEXT NOT NULL, hours TEXT, day_fraction NUMERIC NOT NULL, manager_trial INTEGER NOT NULL'
)
# The same unique keys and indexes as the module tables.
declare -A raw_index=(
  [staff]='CREATE UNIQUE INDEX raw_staff_key ON raw_staff (employee_number);'
  [rpa-cases]='CREATE UNIQUE INDEX raw_rpa_cases_key ON raw_rpa_cases (code);'
  [rpa-runs]='CREATE UNIQUE INDEX raw_rpa_runs_key ON raw_rpa_runs ("case", run_id); CREATE INDEX raw_rpa_runs_date ON raw_rpa_runs (started_at);'
  [meeting-bodies]='CREATE UNIQUE INDEX raw_meeting_bodies_key ON raw_meeting_bodies (code);'
  [meeting-sessions]='CREATE UNIQUE INDEX raw_meeting_sessions_key ON raw_meeting_sessions (body, held_on, sequence); CREATE INDEX raw_meeting_sessions_date ON raw_meeting_sessions (held_on);'
  [telework-days]='CREATE UNIQUE INDEX raw_telework_days_key ON raw_telework_days (employee_number, date); CREATE INDEX raw_telework_days_date ON raw_telework_days (date);'
)
raw_db=$work/raw/raw.db
mkdir -p "$work/raw"
declare -A raw_s raw_kb
for k in "${kinds[@]}"; do
  kind=${k%%:*}; file=$data/large/${k#*:}; t=raw_${kind//-/_}
  if [[ $provider == postgres ]]; then
    psql_ bench_raw -c "CREATE TABLE $t (${raw_ddl[$kind]}); ${raw_index[$kind]}" >/dev/null
    timed "$work/t" psql "host=127.0.0.1 port=$pg_port user=postgres dbname=bench_raw" -XAtq -v ON_ERROR_STOP=1 \
      -c "BEGIN" -c "\\copy $t FROM '$file' WITH (FORMAT csv, HEADER true)" -c "COMMIT"
  else
    sqlite3 "$raw_db" "PRAGMA journal_mode=WAL; CREATE TABLE $t (${raw_ddl[$kind]}); ${raw_index[$kind]}" >/dev/null
    # .import: one transaction, one prepared INSERT for every row.
    timed "$work/t" sqlite3 "$raw_db" ".import --csv --skip 1 '$file' $t"
  fi
  read -r s kb <"$work/t"
  raw_s[$kind]=$s; raw_kb[$kind]=$kb
done
# The re-import baseline: the same file into a staging table, then insert what is new (nothing).
if [[ $provider == postgres ]]; then
  timed "$work/t" psql "host=127.0.0.1 port=$pg_port user=postgres dbname=bench_raw" -XAtq -v ON_ERROR_STOP=1 \
    -c "BEGIN" -c "CREATE TEMP TABLE stage (LIKE raw_telework_days)" \
    -c "\\copy stage FROM '$data/large/telework-days.csv' WITH (FORMAT csv, HEADER true)" \
    -c "INSERT INTO raw_telework_days SELECT * FROM stage ON CONFLICT DO NOTHING" -c "COMMIT"
else
  timed "$work/t" sqlite3 "$raw_db" "CREATE TEMP TABLE stage (${raw_ddl[telework-days]})" \
    ".import --csv --skip 1 '$data/large/telework-days.csv' stage" "INSERT OR IGNORE INTO raw_telework_days SELECT * FROM stage"
fi
read -r raw_reimport_s _ <"$work/t"

for k in "${kinds[@]}"; do
  kind=${k%%:*}
  add "import $kind ($(rows "${k#*:}") rows)" "$(fmt_s "${import_s[$kind]}")" "$(fmt_s "${raw_s[$kind]}")" \
    "$(ratio "${import_s[$kind]}" "${raw_s[$kind]}")" "≤ 2×" "$(yes_if "${import_s[$kind]} <= 2 * ${raw_s[$kind]}")"
done
for kind in staff rpa-runs meeting-sessions telework-days; do
  add "import $kind: peak RSS" "$(fmt_mb "${import_kb[$kind]}")" "$(fmt_mb "${raw_kb[$kind]}")" "$(ratio "${import_kb[$kind]}" "${raw_kb[$kind]}")" \
    "≤ 500 MB" "$(yes_if "${import_kb[$kind]} <= 500 * 1024")"
done
add "re-import telework-days, adds nothing (baseline: our first import)" "$(fmt_s "$reimport_s")" "$(fmt_s "${import_s[telework-days]}")" \
  "$(ratio "$reimport_s" "${import_s[telework-days]}")" "≤ 1×" "$(yes_if "$reimport_s <= ${import_s[telework-days]}")"
add "re-import telework-days vs staging + insert of nothing new" "$(fmt_s "$reimport_s")" "$(fmt_s "$raw_reimport_s")" \
  "$(ratio "$reimport_s" "$raw_reimport_s")" "—" "—"
add "re-import telework-days: peak RSS" "$(fmt_mb "$reimport_kb")" "—" "—" "≤ 500 MB" "$(yes_if "$reimport_kb <= 500 * 1024")"

# ---------------------------------------------------------------- the same imports through a running host (context)
# The path a city uses every day: the host has started (process, configuration, models) before the file arrives. Each
# kind's file goes into the drop folder of a host on a new database of its own, in the order above; the time is the
# 所要時間 of the drop folder's report (the same span as the command line's). The first import of each kind in that
# host still compiles its own code and queries (JIT, EF), as the first new day does (the new-day lines below).
# drop_file FOLDER FILE POLLS: writes FILE into the drop folder as another system would (another name, then a rename)
# and waits (POLLS × 0.1 s at most) for the host's report on it; true when the file was imported (done/NAME.report.txt).
drop_file() {
  local folder=$1 name; name=$(basename "$2")
  mkdir -p "$folder"
  cp "$2" "$folder/$name.part" && mv "$folder/$name.part" "$folder/$name"
  for _ in $(seq 1 "$3"); do [[ -s $folder/done/$name.report.txt || -s $folder/failed/$name.report.txt ]] && break; sleep 0.1; done
  [[ -s $folder/done/$name.report.txt ]]
}
log "imports through a running host's drop folders"
prepare host
start_host host
for k in "${kinds[@]}"; do
  kind=${k%%:*}; name=${k#*:}; folder=$work/host/drop-$kind
  if ! drop_file "$folder" "$data/large/$name" 6000; then   # at most 10 minutes a file
    head -n 5 "$folder/failed/$name.report.txt" >&2 2>/dev/null || true
    die "the host did not import $name (refused, or no report within 10 minutes)"
  fi
  own=$(grep -o '所要時間: [0-9.]*' "$folder/done/$name.report.txt" | awk '{print $2}')
  add "import $kind through the running host's drop folder (its first $kind)" "$(fmt_s "$own")" "$(fmt_s "${raw_s[$kind]}")" \
    "$(ratio "$own" "${raw_s[$kind]}")" "—" "—"
done
stop_host

# ================================================================ the large data set: pages, load, latency
log "page times: the small and the large data set side by side"
# Half the pairs with the small host started first, half after both were restarted the other way round, so that which
# host was started first falls on both alike, as the order of the requests does. With two hosts up, the one started
# second answered the same request more slowly: /paperless (same queries, same bytes), large ÷ small over 25 alternating
# pairs: small started first 1.18× and 1.25×, large started first 0.79× and 0.96×. Before this, the small host always
# started first and /paperless read 1.37×–1.46× on SQLite in three runs.
rm -f "$work"/times-* "$work"/bytes-*
start_pages_hosts small large
measure_pages $((page_runs / 2))
host_pid=$small_pid; stop_host
host_pid=$large_pid; stop_host
start_pages_hosts large small
measure_pages $((page_runs - page_runs / 2))
page_medians
host_pid=$small_pid; stop_host
host_url=$large_url; host_pid=$large_pid; cookie=$large_cookie
for p in "${pages[@]}"; do
  read -r small_ms _ < <(page_row small "$p") || die "no time for $p"
  read -r large_ms _ < <(page_row large "$p") || die "no time for $p"
  errs="${page_errors[small $p]:+small: ${page_errors[small $p]}}${page_errors[small $p]:+${page_errors[large $p]:+; }}${page_errors[large $p]:+large: ${page_errors[large $p]}}"
  if [[ -n $errs ]]; then
    add "GET $p (median of $page_runs; errors: $errs)" "$(fmt_ms "$large_ms")" "$(fmt_ms "$small_ms") at $(rows small/telework-days.csv) days" \
      "$(ratio "$large_ms" "$small_ms")" "≤ 1.2× and ≤ 100 ms, no error" "no"
  else
    add "GET $p (median of $page_runs)" "$(fmt_ms "$large_ms")" "$(fmt_ms "$small_ms") at $(rows small/telework-days.csv) days" \
      "$(ratio "$large_ms" "$small_ms")" "≤ 1.2× and ≤ 100 ms" "$(yes_if "$large_ms <= 1.2 * $small_ms && $large_ms <= 100")"
  fi
done
read -r _ dash_bytes < <(page_row large "/dashboard?fy=$fy")
add "dashboard HTML size" "$((dash_bytes / 1024)) KB" "—" "—" "—" "—"

# The SQL aggregate behind the telework summary: participants and days per fiscal year and department.
days_t=$(tbl telework_Days); staff_t=$(tbl telework_Staff); assign_t=$(tbl telework_Assignments)
if [[ $provider == postgres ]]; then
  agg_sql="SELECT COUNT(*) FROM (SELECT EXTRACT(YEAR FROM d.\"Date\" - INTERVAL '3 months') AS fy, a.\"Department\", COUNT(DISTINCT d.\"StaffId\"), SUM(d.\"DayFraction\")
    FROM $days_t d JOIN $assign_t a ON a.\"StaffId\" = d.\"StaffId\" GROUP BY 1, 2) x"
else
  agg_sql="SELECT COUNT(*) FROM (SELECT CASE WHEN substr(d.Date, 6, 2) < '04' THEN substr(d.Date, 1, 4) - 1 ELSE substr(d.Date, 1, 4) END AS fy,
    a.Department, COUNT(DISTINCT d.StaffId), SUM(d.DayFraction) FROM $days_t d JOIN $assign_t a ON a.StaffId = d.StaffId GROUP BY 1, 2)"
fi
year_sql="SELECT COUNT(DISTINCT \"StaffId\") FROM $days_t WHERE \"Date\" BETWEEN '2025-04-01' AND '2026-03-31'"
timed_sql "$work/t" large "$agg_sql"; read -r agg_s _ <"$work/t"
read -r csv_ms _ < <(page_row large /telework/export/summary.csv)
add "telework summary CSV vs its SQL aggregate (per year and department)" "$(fmt_ms "$csv_ms")" "$(fmt_s "$agg_s")" \
  "$(ratio "$csv_ms" "$(awk -v s="$agg_s" 'BEGIN { print s * 1000 }')")" "—" "—"

log "large data set: /dashboard?fy=$fy and /health/live under wrk (${wrk_seconds} s each)"
rss_before=$(rss_kb)
for c in 50 300; do
  read -r d_rps d_p50 d_p95 d_err d_req < <(wrk_run "/dashboard?fy=$fy" "$c") || true
  : "${d_req:=0}" "${d_rps:=0}" "${d_p50:=0}" "${d_p95:=0}" "${d_err:=0}"
  rss_after=$(rss_kb)
  read -r h_rps h_p50 h_p95 h_err h_req < <(wrk_run "/health/live" "$c") || true
  : "${h_req:=0}" "${h_rps:=0}" "${h_p50:=0}" "${h_p95:=0}" "${h_err:=0}"
  log "  $c connections: dashboard $d_rps req/s p50 $d_p50 ms p95 $d_p95 ms errors $d_err; /health/live $h_rps req/s"
  if ((c == 50)); then
    add "dashboard under wrk, 50 connections: req/s" "$d_rps" "$h_rps" "$(ratio "$d_rps" "$h_rps")" "—" "—"
    add "dashboard under wrk, 50 connections: p50 / p95" "$(fmt_ms "$d_p50") / $(fmt_ms "$d_p95")" "$(fmt_ms "$h_p50") / $(fmt_ms "$h_p95")" "—" "—" "—"
  else
    add "dashboard under wrk, 300 connections: req/s" "$d_rps" "$h_rps (/health/live)" "$(ratio "$d_rps" "$h_rps")" "≥ 500 req/s" "$(yes_if "$d_rps >= 500")"
    add "dashboard under wrk, 300 connections: p95 ($d_req requests in ${wrk_seconds} s)" "$(fmt_ms "$d_p95")" "$(fmt_ms "$h_p95") (/health/live)" "—" "≤ 200 ms" \
      "$(yes_if "$d_req > 0 && $d_p95 <= 200")"
    add "dashboard under wrk, 300 connections: errors" "$d_err" "$h_err (/health/live)" "—" "0" "$(yes_if "$d_req > 0 && $d_err == 0")"
    add "host RSS after the dashboard load (before: $(fmt_mb "$rss_before"))" "$(fmt_mb "$rss_after")" "—" "—" "—" "—"
  fi
done

# One new telework day reaching the plan: the time from the day being visible in the database to the plan's
# participation figure for its year (FY2025) changing. As the attendance system delivers it: a file written into the
# running host's drop folder for telework days (Imports:DropFolders:telework-days, looked at every second here), which
# the host imports and reports to the plan. The goal is measured on a host that has taken a day before (a running
# server takes them all day); the first day after start-up, which pays the import path's JIT and EF query compilation
# once, is its own context line. The same for a day imported by a cold command-line process (another person's day),
# which pays that compilation in every process (docs/perf/cold-start.md).
log "large data set: one new telework day reaching the plan"
metric_t=$(tbl plankpi_MetricValues)
metric_q="SELECT \"Value\" || '@' || \"MeasuredAt\" FROM $metric_t WHERE \"Key\" = 'telework.participation-rate' AND \"FiscalYear\" = 2025"
# poll_open SET / poll_q QUERY / poll_close: one client connection to the data set's database, kept open as the
# coprocess POLL, answering one query per round trip (about 1 ms here). A new psql process costs 80 ms on this machine
# (a new sqlite3 one 12 ms), which made the instrument, not the host, the larger part of the time measured below. Polls
# are 5 ms apart (poll_pause: a read that times out on a pipe nobody writes to), so that the poller, with its client and
# its database connection, does not take one of the two cores from the host it measures.
poll_open() {
  exec {pause_fd}<> <(:)
  if [[ $provider == postgres ]]; then coproc POLL { psql "host=127.0.0.1 port=$pg_port user=postgres dbname=bench_$1" -XAtq 2>&1; }
  else coproc POLL { sqlite3 "$work/$1/data/intranet.db" 2>&1; }; fi
}
poll_q() {   # sets polled to QUERY's single value ("" when it has no row); dies on an error or after 10 s without one
  local line   # (no command substitution: the coprocess's descriptors are not meant for subshells, and a fork per poll
               # would cost more than the poll)
  printf "SELECT 'r:' || COALESCE(CAST((%s) AS TEXT), '');\n" "$1" >&"${POLL[1]}"
  IFS= read -r -t 10 line <&"${POLL[0]}" || die "no answer from the database to: $1"
  [[ $line == r:* ]] || die "the database answered \"$line\" to: $1"
  polled=${line#r:}
}
poll_pause() { read -r -t 0.005 -u "$pause_fd" _ || true; }
poll_close() { local fd=${POLL[1]} pid=$POLL_PID; exec {fd}>&- {pause_fd}>&-; wait "$pid" 2>/dev/null || true; }
# reach_ms VISIBLE_Q METRIC_Q CMD…: runs CMD in the background (it imports one new record), polls the database through
# one open connection; prints the ms from the record being visible (VISIBLE_Q answers other than 0) to METRIC_Q's answer
# changing, or "" when either was not seen within CMD's run (at most 30,000 polls, a few minutes).
reach_ms() {
  local visible_q=$1 metric_q=$2; shift 2
  local before day_at="" metric_at="" pid now i polled
  poll_open large
  poll_q "$metric_q"; before=$polled
  "$@" >>"$work/logs/commands.log" 2>&1 &
  pid=$!
  for ((i = 0; i < 30000; i++)); do   # the clock is bash's $EPOCHREALTIME (µs), not date: no process per poll
    now=${EPOCHREALTIME/./}
    if [[ -z $day_at ]]; then poll_q "$visible_q"; [[ $polled != 0 ]] && day_at=$now; fi
    if [[ -n $day_at && -z $metric_at ]]; then poll_q "$metric_q"; [[ $polled != "$before" ]] && metric_at=${EPOCHREALTIME/./}; fi
    [[ -n $metric_at ]] && break
    poll_pause
    if ! kill -0 "$pid" 2>/dev/null; then
      if [[ -n $day_at ]]; then sleep 0.2; poll_q "$metric_q"; [[ $polled != "$before" ]] && metric_at=${EPOCHREALTIME/./}; fi
      break
    fi
  done
  poll_close
  wait "$pid" || die "the import of one new record failed (see logs)"
  if [[ -n $day_at && -n $metric_at ]]; then awk -v a="$day_at" -v b="$metric_at" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; else echo ""; fi
}
# day_q FILE: the query that counts the days of the person of FILE's one day.
day_q() {
  local number; number=$(awk -F, 'NR == 2 {print $1}' "$1")
  echo "SELECT COUNT(*) FROM $days_t d JOIN $staff_t s ON s.\"Id\" = d.\"StaffId\" WHERE s.\"EmployeeNumber\" = '$number'"
}
# reach_day FILE CMD…: reach_ms of FILE's new day and the FY2025 participation.
reach_day() { local file=$1; shift; reach_ms "$(day_q "$file")" "$metric_q" "$@"; }
# drop_day FILE: drop_file into the large host's drop folder, waiting at most 120 s.
drop_day() { drop_file "$drop" "$1" 1200; }
# five_reaches FN: FN 1 … FN 5 (each prints the ms of one new record reaching the plan, or ""), one after the other: the
# goal is on their median (one sample swung 100–160 ms on PostgreSQL). Sets five_ms (the median, "" when none was seen)
# and five_range (" (lowest–highest)", with how many of 5 were seen when not all).
five_reaches() {
  local all=() ms k seen=""
  for k in 1 2 3 4 5; do
    ms=$("$1" "$k")
    [[ -n $ms ]] && all+=("$ms")
  done
  five_ms=""; five_range=""
  ((${#all[@]} > 0)) || return 0
  mapfile -t all < <(printf '%s\n' "${all[@]}" | sort -g)
  five_ms=$(printf '%s\n' "${all[@]}" | median)
  ((${#all[@]} < 5)) && seen=", ${#all[@]} of 5 seen"
  five_range=" ($(fmt_ms "${all[0]}")–$(fmt_ms "${all[-1]}")$seen)"
}
drop=$work/large/drop
timed_sql "$work/t" large "$year_sql"; read -r year_s _ <"$work/t"
year_ms=$(awk -v s="$year_s" 'BEGIN { print s * 1000 }')
first_ms=$(reach_day "$data/first-day.csv" drop_day "$data/first-day.csv")
reach_new_day() { reach_day "$data/new-day-$1.csv" drop_day "$data/new-day-$1.csv"; }   # the K-th of five new days
five_reaches reach_new_day
drop_ms=$five_ms; drop_range=$five_range
cli_ms=$(reach_day "$data/new-day-cli.csv" cli large import telework-days "$data/new-day-cli.csv")
# add_reach LABEL MS [SUFFIX [GOAL_MS]]: one line of this measure beside the year's aggregate; an empty MS reads "not
# seen". Only a line with GOAL_MS counts towards the goals.
add_reach() {
  # (not "met": add counts the goals met in that global)
  local label=$1 ms=$2 suffix=${3:-} goal=${4:-} goal_text="—" verdict="—"
  [[ -n $goal ]] && goal_text="≤ $goal ms" && verdict=no
  if [[ -n $ms ]]; then
    [[ -n $goal ]] && verdict=$(yes_if "$ms <= $goal")
    add "$label" "$(fmt_ms "$ms")$suffix" "$(fmt_s "$year_s") (the year's aggregate)" "$(ratio "$ms" "$year_ms")" "$goal_text" "$verdict"
  else
    add "$label" "not seen" "$(fmt_s "$year_s") (the year's aggregate)" "—" "$goal_text" "$verdict"
  fi
}
add_reach "one new telework day reaching the plan (FY2025 participation), dropped in the running host's folder (median of 5, not its first)" \
  "$drop_ms" "$drop_range" 100
add_reach "the same, the first day the host takes after start-up" "$first_ms"
add_reach "the same, imported by a cold command-line process" "$cli_ms"

# One new RPA run reaching the plan (issue #12: "one new telework day, run or session updates its indicator in ≤ 100 ms"):
# a tool's log of one run of a case in production, 6,000 items in FY2025, written into the running host's drop folder for
# runs; from the run being visible to the plan's FY2025 hours saved (cumulative) changing. The first run after start-up is
# context, the goal is on the median of the five after it. Beside it: the SQL sum of the year's items (what summing the
# runs at report time reads).
log "large data set: one new RPA run reaching the plan"
runs_t=$(tbl rpa_Runs); cases_t=$(tbl rpa_Cases)
hours_q="SELECT \"Value\" || '@' || \"MeasuredAt\" FROM $metric_t WHERE \"Key\" = 'rpa.hours-saved' AND \"FiscalYear\" = 2025"
run_year_sql="SELECT SUM(\"ItemsProcessed\") FROM $runs_t WHERE \"RunDate\" BETWEEN '2025-04-01' AND '2026-03-31'"
run_case=$(awk -F, 'NR == 2 {print $1}' "$data/large/rpa-cases.csv")
# new_run K: writes the run file of the K-th new run, prints its path.
new_run() {
  local f=$work/new-run-$1.csv
  printf 'case,run_id,started_at,ended_at,outcome,items\n%s,BENCH-NEW-%s,2025-06-%02d 10:00:00,2025-06-%02d 10:30:00,success,6000\n' \
    "$run_case" "$1" $((10 + $1)) $((10 + $1)) >"$f"
  echo "$f"
}
# reach_run K: reach_ms of the K-th new run dropped into the running host's folder for runs. The run is looked up by its
# key (case, run key): by the run key alone, a scan of the 200,000 runs took 21 ms a poll on SQLite, as long as what is
# measured, so a run was seen up to a scan late and, when the import ended within one scan, not at all (4 of 5 seen).
reach_run() {
  local f visible; f=$(new_run "$1")
  visible="SELECT COUNT(*) FROM $runs_t r JOIN $cases_t c ON c.\"Id\" = r.\"CaseId\" WHERE c.\"Code\" = '$run_case' AND r.\"RunKey\" = 'id:BENCH-NEW-$1'"
  reach_ms "$visible" "$hours_q" drop_file "$work/large/drop-rpa-runs" "$f" 1200
}
timed_sql "$work/t" large "$run_year_sql"; read -r year_s _ <"$work/t"
year_ms=$(awk -v s="$year_s" 'BEGIN { print s * 1000 }')
first_run_ms=$(reach_run 0)
five_reaches reach_run
run_ms=$five_ms; run_range=$five_range
add_reach "one new RPA run reaching the plan (FY2025 hours saved), dropped in the running host's folder (median of 5, not its first)" \
  "$run_ms" "$run_range" 100
add_reach "the same, the first run the host takes after start-up" "$first_run_ms"

# One new meeting session reaching the plan: an organizer's file of one 庁議 session in FY2025, written into the running
# host's drop folder for sessions; from the session being visible to the plan's report of the paperless figures being
# done (the paperless feed no longer pending in imports_PendingFeeds, which the host clears after the report). Not the rate
# changing: with about 1,000 庁議 sessions a year at scale 10, one more often leaves the rate's one decimal as it was, and
# the report then writes nothing. The first session after start-up is context; the goal is on the median of five after it.
# Beside it: the SQL count of the year's sessions per category (what recomputing the rates reads).
log "large data set: one new meeting session reaching the plan"
sessions_t=$(tbl paperless_Sessions); bodies_t=$(tbl paperless_Bodies); pending_t=$(tbl imports_PendingFeeds)
session_body=$(awk -F, 'NR > 1 && $3 == "庁議" {print $1; exit}' "$data/large/meeting-bodies.csv")
[[ -n $session_body ]] || die "no 庁議 body in $data/large/meeting-bodies.csv"
session_year_sql="SELECT b.\"Category\", COUNT(*) FROM $sessions_t s JOIN $bodies_t b ON b.\"Id\" = s.\"BodyId\" WHERE s.\"HeldOn\" BETWEEN '2025-04-01' AND '2026-03-31' GROUP BY b.\"Category\""
# reach_session K: reach_ms of the K-th new session (sequence 9 on 2025-07-1K: no generated session has it) dropped into
# the running host's folder for sessions.
reach_session() {
  local f=$work/new-session-$1.csv day visible done_q
  day=$(printf '2025-07-%02d' $((10 + $1)))
  printf 'body,held_on,sequence,format,materials,attendees,sheets_printed,tablets,note\n%s,%s,9,WEB,電子のみ,12,0,0,bench\n' "$session_body" "$day" >"$f"
  visible="SELECT COUNT(*) FROM $sessions_t s JOIN $bodies_t b ON b.\"Id\" = s.\"BodyId\" WHERE b.\"Code\" = '$session_body' AND s.\"HeldOn\" = '$day' AND s.\"Sequence\" = 9"
  done_q="SELECT CASE WHEN ($visible) > 0 AND NOT EXISTS (SELECT 1 FROM $pending_t WHERE \"Feed\" = 'paperless') THEN 1 ELSE 0 END"
  reach_ms "$visible" "$done_q" drop_file "$work/large/drop-meeting-sessions" "$f" 1200
}
timed_sql "$work/t" large "$session_year_sql"; read -r year_s _ <"$work/t"
year_ms=$(awk -v s="$year_s" 'BEGIN { print s * 1000 }')
first_session_ms=$(reach_session 0)
five_reaches reach_session
session_ms=$five_ms; session_range=$five_range
add_reach "one new meeting session reaching the plan (the paperless report done), dropped in the running host's folder (median of 5, not its first)" \
  "$session_ms" "$session_range" 100
add_reach "the same, the first session the host takes after start-up" "$first_session_ms"

stop_host

# Open interactive sessions on the dashboard, on a freshly started host (the load above leaves its own memory behind):
# Chromium tabs of one signed-in browser (bench/Intranet.Bench.Sessions), the host's RSS once all are interactive.
if ((sessions > 0)); then
  log "large data set: $sessions open interactive sessions on /dashboard?fy=$fy"
  # Built every run (seconds when nothing changed): a driver kept from an earlier checkout would measure the old way.
  dotnet build "$bench/Intranet.Bench.Sessions" -c Release -nologo -v quiet -o "$bench/.work/sessions" >&2
  start_host large
  login
  idle_kb=$(rss_kb)
  out=$(dotnet "$bench/.work/sessions/Intranet.Bench.Sessions.dll" --url "$host_url" --path "/dashboard?fy=$fy" --cookie "$cookie" \
    --pid "$host_pid" --sessions "$sessions" 2>>"$work/logs/sessions.log" | awk '/^SESSIONS / {print $2, $3, $4, $5, $6}') || true
  read -r s_ok s_asked s_rss _ s_secs <<<"${out:-0 $sessions 0 0 0}"
  log "  $s_ok of $s_asked interactive in $s_secs s, host RSS $((s_rss / 1024)) MB (idle $((idle_kb / 1024)) MB)"
  # Which batches of tabs missed, and how long the slowest batch took (the driver's "batch FIRST OK/TABS SECONDS" lines).
  missed=$(awk '/^batch / { split($3, n, "/"); if (n[1] < n[2]) printf " %s (%s)", $2, $3 }' "$work/logs/sessions.log")
  slowest=$(awk '/^batch / { print $4 }' "$work/logs/sessions.log" | sort -g | tail -n 1)
  log "  batches of tabs that missed (first tab, interactive/tabs):${missed:- none}; the slowest batch took ${slowest:-?} s"
  if ((s_ok == s_asked)); then
    add "host RSS with $sessions open interactive sessions on the dashboard" "$(fmt_mb "$s_rss")" "$(fmt_mb "$idle_kb") (idle host)" \
      "$(ratio "$s_rss" "$idle_kb")" "≤ 1 GB" "$(yes_if "$s_rss <= 1024 * 1024")"
  else
    add "host RSS with $sessions open interactive sessions on the dashboard" "only $s_ok of $s_asked sessions interactive" "$(fmt_mb "$idle_kb") (idle host)" \
      "—" "≤ 1 GB" "no"
  fi
  stop_host
fi

# ================================================================ the summary
summary="$met of $goals goals met"
echo "$summary"
elapsed=$(( $(date +%s) - started_at ))
out=$bench/results/latest-$provider-scale$scale.md
{
  echo "# bench/run.sh --scale $scale --provider $provider"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo) RAM, commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), run took ${elapsed} s."
  echo "Data: $(rows staff.csv) staff, $(rows telework-days.csv) telework days, $(rows rpa-cases.csv) RPA cases with $(rows rpa-runs.csv) runs,"
  echo "$(rows meeting-bodies.csv) meeting bodies with $(rows meeting-sessions.csv) sessions (page baselines: $(rows small/telework-days.csv) days,"
  echo "$(rows small/rpa-runs.csv) runs, $(rows small/meeting-sessions.csv) sessions)."
  echo
  echo "| measure | ours | baseline | ratio | goal | met |"
  echo "|---|---|---|---|---|---|"
  for r in "${results[@]}"; do echo "| ${r//|/ | } |"; done
  echo
  echo "**$summary**"
} >"$out"
log "written $out (${elapsed} s)"
exit 0
}
