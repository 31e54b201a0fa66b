#!/usr/bin/env bash
# Runs every fault drill (each starts and stops its own cluster); exits non-zero when one of them fails.
set -uo pipefail
cd "$(dirname "$0")/../.."
status=0
for drill in kill-host pg-outage kill-during-import; do
  echo "== $drill"
  infra/faults/$drill.sh || status=1
done
exit $status
