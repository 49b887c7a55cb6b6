#!/bin/sh
# mutants.sh - the mutant gate on a fixed sample (tools/mutants --sample 2:
# two mutants per lab, one of them memory-only if the lab has one): each is
# killed, in its own lab only. The whole corpus is `make mutants`. Also: every
# mutant's patch still applies to the reference as it is (patch --fuzz=0), so
# an edit of a reference file makes its author refresh the mutants it touches, and
# the harness leaves no temporary files and no processes behind.
. "$top_srcdir/tests/lib.sh"

# Every <name>.patch of a lab's mutants/ folder: a header (MUTANT: or
# MUTANT(memory):, then Caught by:) and a patch of the lab's reference file,
# named as it is (a/ and b/ its path from the top), that applies to it
# exactly; no full copies left.
command -v patch > /dev/null 2>&1 || skip_all "patch not found (apt-get install patch)"
bad="" n="0" copies=""
for lab in $(lab_names); do
    ref=$(lab_file reference "$lab") mdir=$(lab_file mutants "$lab")
    copies="$copies $(cd "$top_srcdir" && ls -d "$mdir"/*.c 2> /dev/null || true)"
    for p in "$top_srcdir/$mdir"/*.patch; do
        [ -f "$p" ] || continue
        n=$((n + 1))
        name=$(basename "$p" .patch); id=$lab/$name
        case $(head -n 1 "$p") in 'MUTANT: '* | 'MUTANT(memory): '*) ;; *) bad="$bad
$id.patch: its first line must be MUTANT: <the bug> or MUTANT(memory): <the bug>" ;; esac
        sed -n '/^---/q; p' "$p" | grep -q '^Caught by: ' || bad="$bad
$id.patch: its header has no Caught by: line (the hidden tests or memory scenarios that must catch it)"
        # its file names: the lab's solution, a/ and b/ (as tools/mutant-new writes them)
        labels=$(awk 'old != "" && /^\+\+\+ / { print old; print } { old = "" } /^--- / { old = $0 }' "$p")
        [ "$labels" = "--- a/$ref
+++ b/$ref" ] || bad="$bad
$id.patch: its file names are not --- a/$ref and +++ b/$ref (one file, the lab's solution): $(echo $labels)"
        if [ ! -f "$top_srcdir/$ref" ]; then
            bad="$bad
$id.patch: no $ref"
        elif ! patch --dry-run --fuzz=0 --batch --silent -o "$scratch/mutant.c" \
            "$top_srcdir/$ref" < "$p" > "$scratch/patch.out" 2>&1; then
            bad="$bad
$mdir/$name.patch no longer applies to $ref: refresh it with tools/mutant-new --refresh $lab $name"
        fi
    done
done
[ -z "$(echo $copies)" ] || bad="$bad
full copies instead of patches (make them patches: tools/mutant-convert): $(echo $copies)"
if [ $n -gt 0 ] && [ -z "$bad" ]; then
    ok "all $n mutant patches have a header and apply to their lab's reference file with --fuzz=0"
else
    not_ok "all $n mutant patches have a header and apply to their lab's reference file with --fuzz=0" "$bad"
fi

command -v jq > /dev/null 2>&1 || { ok "# SKIP the mutant gate: jq not found (apt-get install jq)"; done_testing; }
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
