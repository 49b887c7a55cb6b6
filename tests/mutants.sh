#!/bin/sh
# mutants.sh - the mutant gate on a fixed sample (tools/mutants --sample 2:
# two mutants per lab, one of them memory-only if the lab has one): each is
# killed, in its own lab only. The whole corpus is `make mutants`. Also: the
# harness leaves no temporary files and no processes behind.
. "$top_srcdir/tests/lib.sh"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"

mkdir "$scratch/tmp"
status=0
TMPDIR=$scratch/tmp "$top_srcdir/tools/mutants" --srcdir "$top_srcdir" --ttgrade "$top_builddir/grader/ttgrade" \
    --sample 2 --verbose > "$scratch/out" 2>&1 || status=$?
n=0
while IFS= read -r line; do
    case $line in
    "killed "* | "skipped "*) ok "$line"; n=$((n + 1)) ;;
    "survived "* | "broken "* | "spilled "* | "error "*) not_ok "$line"; n=$((n + 1)) ;;
    esac
done < "$scratch/out"
if [ $status -eq 0 ] && [ $n -ge 10 ]; then
    ok "tools/mutants --sample 2: every sampled mutant killed ($n graded)"
else
    not_ok "tools/mutants --sample 2: every sampled mutant killed ($n graded)" "exit $status" "$(tail -n 25 "$scratch/out")"
fi
left=$(ls -A "$scratch/tmp")
if [ -z "$left" ]; then
    ok "tools/mutants leaves no temporary files"
else
    not_ok "tools/mutants leaves no temporary files" "$left"
fi
procs=$(ps -eo args= 2> /dev/null | grep -F "$scratch/tmp/" | grep -v grep || true)
if [ -z "$procs" ]; then
    ok "tools/mutants leaves no processes behind"
else
    not_ok "tools/mutants leaves no processes behind" "$procs"
fi
done_testing
