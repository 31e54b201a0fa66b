#!/usr/bin/env bash
# Runs every test of the suite on a fresh Debian machine:
#   1. installs what the tests need (Chromium, Japanese fonts incl. IPAexGothic for PDF reports, PostgreSQL) when missing,
#   2. starts a throw-away PostgreSQL on a free local port (infra/postgres-test.sh),
#   3. publishes the host as it is deployed, for the browser tests,
#   4. runs unit, host-level (SQLite + PostgreSQL) and browser tests, and stops PostgreSQL again,
#   5. runs the fault drills (infra/faults: two hosts behind nginx, a host killed, PostgreSQL stopped, an import cut off).
# Artifacts (test results, screenshots of the dashboard and a project page) go to artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

need=()
[[ -x /usr/bin/chromium ]] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
# PDF reports embed a Japanese TrueType font (PDFsharp cannot embed Noto CJK's CFF outlines): IPAexゴシック.
[[ -f /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf ]] || need+=(fonts-ipaexfont-gothic)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
# The fault drills run two hosts behind nginx and load them with wrk.
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need+=(nginx)
command -v wrk >/dev/null || need+=(wrk)
if ((${#need[@]})); then
  echo "== installing: ${need[*]}"
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
fi

artifacts="$root/artifacts"
rm -rf "$artifacts"
mkdir -p "$artifacts/test-results" "$artifacts/screenshots"
pgdir=$(mktemp -d /tmp/intranet-pg-XXXXXX)
cleanup() { infra/postgres-test.sh stop "$pgdir" || true; }
trap cleanup EXIT

echo "== starting PostgreSQL"
export INTRANET_TEST_POSTGRES=$(infra/postgres-test.sh start "$pgdir")

echo "== building"
dotnet build Intranet.sln -c Release -nologo -v quiet
echo "== publishing the host for the browser tests"
dotnet publish Host/Intranet.Host -c Release -o "$artifacts/host" -nologo -v quiet
export INTRANET_HOST_DIR="$artifacts/host"
export INTRANET_ARTIFACTS_DIR="$artifacts/screenshots"

status=0
for project in tests/Intranet.UnitTests tests/Intranet.ComponentTests tests/Intranet.IntegrationTests tests/Intranet.BrowserTests; do
  echo "== $project"
  # The fault drivers (Category=Fault) need a running cluster: infra/faults/*.sh run them below.
  filter=(); [[ $project == tests/Intranet.BrowserTests ]] && filter=(--filter "Category!=Fault")
  dotnet test "$project" -c Release --no-build -nologo "${filter[@]}" \
      --logger "trx;LogFileName=$(basename "$project").trx" --results-directory "$artifacts/test-results" \
      2>&1 | tee -a "$artifacts/test-output.log" || status=1
done

# The fault drills (docs/ops/infra.md): each starts PostgreSQL, two hosts and nginx on loopback, breaks something
# under load and checks what must hold; each counts as one test in the closing line.
drills_passed=0; drills_failed=0
for drill in kill-host pg-outage kill-during-import; do
  echo "== fault drill: $drill"
  if INTRANET_FAULT_OUT="$artifacts/faults" infra/faults/$drill.sh 2>&1 | tee -a "$artifacts/test-output.log"; then
    drills_passed=$((drills_passed + 1))
  else
    drills_failed=$((drills_failed + 1)); status=1
  fi
done

# One closing line over all projects and drills, in the form CI reads: "N passed, N failed".
python3 - "$artifacts/test-results" "$drills_passed" "$drills_failed" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed")); failed += int(c.get("failed")) + int(c.get("error")) + int(c.get("timeout")) + int(c.get("aborted"))
    skipped += int(c.get("notExecuted"))
passed += int(sys.argv[2]); failed += int(sys.argv[3])
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
