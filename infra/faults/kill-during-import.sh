#!/usr/bin/env bash
# Fault: hosts start and die while an import runs.
#   PostgreSQL + two hosts + nginx (infra/cluster.sh) on loopback. Host 2 is stopped so uploads land on host 1; an HR
#   user uploads rosters of INTRANET_FAULT_ROWS staff (default 30,000) in the browser (ClusterImportDriver).
#   1. While the first roster's job runs on host 1, host 2 starts: it must leave that job alone, and the job succeeds.
#   2. While the second roster's job runs on host 1, host 1 is killed (host 2 is up). The job page on host 2 must say
#      the import was interrupted and offer 「もう一度取り込む」: the file kept in the database, run again without
#      uploading it, must succeed.
# Passes when: the job running during host 2's start succeeded; nothing of the cut-off import was written and no
# job is left running; the job was marked failed by the surviving host; the retry imports every row exactly once.
source "$(dirname "$0")/lib.sh"
rows=${INTRANET_FAULT_ROWS:-30000}
ensure_host
dotnet build tests/Intranet.BrowserTests -c Release -nologo -v quiet >/dev/null

roster() {   # roster FILE PREFIX: INTRANET_FAULT_ROWS staff whose numbers start with PREFIX
python3 - "$1" "$rows" "$2" <<'PY'
import sys
path, rows, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "w", encoding="utf-8", newline="\n") as f:
    f.write("employee_number,name,department,workplace,workplace_type,employment_category,active_from,manager,active_to,effective_from\n")
    for i in range(rows):
        f.write(f"{prefix}{i:06d},職員 {prefix}{i:06d},{['総務課','企画課','職員課','情報政策課'][i % 4]},本庁舎,本庁,正規,2015-04-01,0,,\n")
PY
}
first="$out/kill-during-import.first.csv"; roster "$first" A
file="$out/kill-during-import.staff.csv"; roster "$file" B

cluster start --hosts 2
cluster kill-host 2 >/dev/null
staff_table=$(sql "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables
                   WHERE table_schema = 'telework' AND table_name ILIKE 'staff%' ORDER BY length(table_name) LIMIT 1")
echo "staff table: $staff_table"

driver() {   # driver STEP FILE JOBFILE
  INTRANET_CLUSTER_URL=$(cluster url) INTRANET_CLUSTER_USERS=$INTRANET_CLUSTER_DIR/users.txt INTRANET_FAULT_IMPORT_FILE=$2 \
  INTRANET_FAULT_IMPORT_STEP=$1 INTRANET_FAULT_REPORT=$3 \
    dotnet test tests/Intranet.BrowserTests -c Release --no-build -nologo \
    --filter "Category=Fault&FullyQualifiedName~ClusterImportDriver" --logger "console;verbosity=normal" >"$out/kill-during-import.$1.log" 2>&1
}

echo "== 1. uploading $rows rows on host 1, starting host 2 while the job runs"
driver start "$first" "$out/kill-during-import.first.job" || { tail -n 40 "$out/kill-during-import.start.log"; exit 1; }
cluster start-host 2
first_status=0; driver succeeds "$first" "$out/kill-during-import.first.job" || first_status=$?
check "a host that started while an import ran left it alone: the import succeeded" test "$first_status" -eq 0
cluster kill-host 2 >/dev/null
staff_before=$(sql "SELECT count(*) FROM $staff_table")

echo "== 2. uploading $rows other rows on host 1, killing host 1 while the job runs"
driver start "$file" "$out/kill-during-import.job" || { tail -n 40 "$out/kill-during-import.start.log"; exit 1; }
job=$(cat "$out/kill-during-import.job")
sleep 2
echo "== killing host 1 while job $job runs"
cluster kill-host 1
staff_after_kill=$(sql "SELECT count(*) FROM $staff_table")
cluster start-host 2

echo "== retrying on host 2"
retry_status=0; driver retry "$file" "$out/kill-during-import.job" || retry_status=$?
grep -E "中断|retry:|Assert|Failed|Passed" "$out/kill-during-import.retry.log" | head -10 || true
job_state=$(sql "SELECT \"State\" FROM imports.\"Jobs\" WHERE \"Id\" = '$job'" 2>/dev/null || echo "?")
running=$(sql "SELECT count(*) FROM imports.\"Jobs\" WHERE \"State\" = 'Running'" 2>/dev/null || echo "?")
retried_as=$(sql "SELECT coalesce(\"RetriedAs\"::text, '') FROM imports.\"Jobs\" WHERE \"Id\" = '$job'" 2>/dev/null || echo "?")
parts_left=$(sql "SELECT count(*) FROM imports.\"JobFileChunks\"" 2>/dev/null || echo "?")
staff_final=$(sql "SELECT count(*) FROM $staff_table")
echo "staff: $staff_before before, $staff_after_kill right after the kill, $staff_final after the retry; job $job state $job_state, retried as ${retried_as:-none}; jobs still running: $running; file parts left: $parts_left"

check "nothing of the cut-off import was written" test "$staff_after_kill" -eq "$staff_before"
check "the surviving host marked the job failed as interrupted, and the retry succeeded" test "$retry_status" -eq 0
check "the retry imported every row exactly once" test "$staff_final" -eq $((staff_before + rows))
check "no job is left running" test "$running" = 0
check "the interrupted job was retried from its kept file, which is then gone" test -n "$retried_as" -a "$parts_left" = 0
