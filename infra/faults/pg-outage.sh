#!/usr/bin/env bash
# Fault: PostgreSQL stops for 20 s (INTRANET_FAULT_OUTAGE) under the two hosts.
#   PostgreSQL + two hosts + nginx (infra/cluster.sh) on loopback. A probe reads a signed-in page that needs the
#   database through nginx every 0.25 s: 10 s before, during the outage, and 20 s after PostgreSQL is back.
# Passes when: before the outage every answer is 200; during it every answer is 503 (never 500) and a browser gets
# the Japanese 「一時的に利用できません」 page with a retry; within 10 s of PostgreSQL's return the page answers 200
# again, from the same host processes (no restart).
source "$(dirname "$0")/lib.sh"
outage=${INTRANET_FAULT_OUTAGE:-20}
ensure_host

cluster start --hosts 2
url=$(cluster url)
export PROBE_COOKIE=$(login_cookie)
pids_before=$(cat "$INTRANET_CLUSTER_DIR"/host-*/pid | sort | tr '\n' ' ')
page=/plans/hadano-ict-2021

probe $((10 + outage + 20)) "$out/pg-outage.probe.txt" "$page" &
probe_pid=$!
sleep 10
t_stop=$(now_ms); cluster stop-db
sleep $((outage / 2))
curl -s -m 10 -H "Accept: text/html" -H "Cookie: $PROBE_COOKIE" -D "$out/pg-outage.headers.txt" -o "$out/pg-outage.page.html" "$url$page" || true
curl -s -m 10 -H "Cookie: $PROBE_COOKIE" -o "$out/pg-outage.text.txt" -w '%{http_code}' "$url/plans/hadano-ict-2021/kpis.json" >"$out/pg-outage.text-status.txt" || true
sleep $((outage - outage / 2))
t_start=$(now_ms); cluster start-db
wait $probe_pid || true
pids_after=$(cat "$INTRANET_CLUSTER_DIR"/host-*/pid | sort | tr '\n' ' ')

python3 - "$out/pg-outage.probe.txt" "$t_stop" "$t_start" >"$out/pg-outage.summary.txt" <<'PY'
import sys, collections
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
stop, start = int(sys.argv[2]), int(sys.argv[3])
before = collections.Counter(s for t, s in rows if int(t) < stop)
during = collections.Counter(s for t, s in rows if stop + 1000 < int(t) < start)   # 1 s for PostgreSQL to go down
after = [(int(t), s) for t, s in rows if int(t) > start]
recovered = next((t - start for t, s in after if s == "200"), None)
late = collections.Counter(s for t, s in after if recovered is not None and t - start > recovered)
print(f"# before={dict(before)} during={dict(during)} recovered_after_ms={recovered} after_recovery={dict(late)}")
print(f"before_ok={int(set(before) == {'200'})}")
print(f"during_ok={int(set(during) == {'503'})}")
print(f"recovered_ok={int(recovered is not None and recovered <= 10000 and set(late) <= {'200'})}")
PY
cat "$out/pg-outage.summary.txt"
head -n 1 "$out/pg-outage.headers.txt" || true
value() { sed -n "s/^$1=//p" "$out/pg-outage.summary.txt"; }

check "before the outage every answer was 200" test "$(value before_ok)" = 1
check "during the outage every answer was 503, never 500" test "$(value during_ok)" = 1
check "the page a browser gets says 一時的に利用できません and offers a retry" \
  bash -c "grep -q '一時的に利用できません' '$out/pg-outage.page.html' && grep -qi '^retry-after' '$out/pg-outage.headers.txt'"
check "other clients get 503 as well" test "$(cat "$out/pg-outage.text-status.txt")" = 503
check "200 again within 10 s of PostgreSQL's return, and only 200 after that" test "$(value recovered_ok)" = 1
check "no host was restarted" test "$pids_before" = "$pids_after"
