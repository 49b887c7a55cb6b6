#!/bin/sh
# determinism.sh - the same submission gets the same verdicts every time:
# 20 copies of the sample, its linear and sequential labs (partial marks: a
# lab with a bug, a lab that does not compile, wrong answers to questions), are
# graded by one `ttgrade batch`, two at a time, and every copy's per-test
# statuses, scores and messages (timings stripped) must be byte-identical.
# The memory checks are left out to keep this fast (--no-memcheck).
. "$top_srcdir/tests/lib.sh"
ttgrade="$top_builddir/grader/ttgrade"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"
TMPDIR=$scratch; export TMPDIR
copies=20

mkdir -p "$scratch/class"
i=1
while [ $i -le $copies ]; do
    cp -R "$top_srcdir/examples/submissions/sample" "$scratch/class/copy$i" || exit 99
    i=$((i + 1))
done
chmod -R u+w "$scratch/class" # make distcheck's source tree is read-only
"$ttgrade" batch --quiet --jobs 2 --timeout 5 --out "$scratch/out" "$scratch/class" -- --no-memcheck \
    --lab linear --lab sequential > "$scratch/batch.out" 2>&1
status=$?
if [ "$status" -eq 0 ]; then ok "ttgrade batch graded all $copies copies"; else not_ok "ttgrade batch graded all $copies copies" "exit $status" "$(tail -n 20 "$scratch/batch.out")"; fi

# Every verdict of every item, without timings: the part that must not vary.
VERDICTS='{score, max_score, status, labs: [.labs[] | {name, status, score, reason, compiler_output,
  items: [(.tests[], .questions[]?) | {name, status, score, output}]}]}'
i=1 differ=
while [ $i -le $copies ]; do
    jq -S "$VERDICTS" "$scratch/out/students/copy$i/report.json" > "$scratch/v$i" 2> "$scratch/jq.err" || differ="$differ copy$i(unreadable)"
    if [ $i -gt 1 ] && ! cmp -s "$scratch/v1" "$scratch/v$i"; then
        differ="$differ copy$i"
        diff "$scratch/v1" "$scratch/v$i" | head -n 20 > "$scratch/first.diff"
    fi
    i=$((i + 1))
done
if [ -z "$differ" ] && [ -s "$scratch/v1" ] && jq -e '.score > 0 and .score < .max_score' "$scratch/v1" > /dev/null; then
    ok "$copies gradings of a partial submission: byte-identical verdicts and scores ($(jq -r '"\(.score)/\(.max_score)"' "$scratch/v1"))"
else
    not_ok "$copies gradings of a partial submission: byte-identical verdicts and scores" "differ:$differ" \
        "$(cat "$scratch/first.diff" "$scratch/jq.err" 2> /dev/null)"
fi

# The gradebook rows agree too, but for the student id.
cut -d, -f2- "$scratch/out/grades.csv" | sed 1d | sort -u > "$scratch/rows"
if [ "$(wc -l < "$scratch/rows")" -eq 1 ]; then ok "grades.csv: the same row for every copy"; else not_ok "grades.csv: the same row for every copy" "$(cat "$scratch/rows")"; fi
done_testing
