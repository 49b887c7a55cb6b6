#!/bin/sh
# bench.sh - `make bench-grade` runs (bench/grade.sh, once, QUICK=1: one
# round, no all-hang grading, no batch), prints a ratio for every grading
# it ran, and prints the tables README.md's Performance section shows: the
# README's copy of the output ("ttgrade bench: ..." block) must have the
# same lines as this run's, numbers aside, so that the README cannot keep a
# table of a layout the bench no longer prints. Timings are never checked.
. "$top_srcdir/tests/lib.sh"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"
[ -x /usr/bin/time ] || skip_all "/usr/bin/time not found (apt-get install time)"

QUICK=1 DEBUG_CFLAGS=${DEBUG_CFLAGS:-} sh "$top_srcdir/bench/grade.sh" > "$scratch/bench.out" 2> "$scratch/bench.err"
status=$?
if [ $status -eq 0 ] && grep -q '^ttgrade bench:' "$scratch/bench.out"; then
    ok "bench/grade.sh (QUICK=1) runs"
else
    not_ok "bench/grade.sh (QUICK=1) runs" "exit $status" "$(tail -n 5 "$scratch/bench.err")"
fi

# The rows of the ratio table whose gradings ran have numbers.
for r in 'compile floor' 'full grade' 'no Valgrind'; do
    if grep -Eq "^  $r .* [0-9]+\.[0-9]+ +[0-9]+\.[0-9]+ +[0-9]+\.[0-9]+ +[0-9]+\.[0-9]+" "$scratch/bench.out"; then
        ok "the ratio table has figures for: $r"
    else
        not_ok "the ratio table has figures for: $r" "$(grep "^  $r" "$scratch/bench.out")"
    fi
done

# The bound of the goal without Valgrind (the phases' floors alone) has figures.
if grep -Eq '^  no Valgrind: compile, tests +[0-9]+\.[0-9]+ +[0-9]+\.[0-9]+ ' "$scratch/bench.out"; then
    ok "the floors' bound has figures: no Valgrind"
else
    not_ok "the floors' bound has figures: no Valgrind" "$(grep '^  no Valgrind: ' "$scratch/bench.out")"
fi

# layout FILE: the lines after the first four (title, machine, tools,
# rounds: this machine's), without the line that only BEFORE=DIR prints
# ("  before: DIR ..."), with every number and every lone "-" as N and runs
# of blanks as one.
layout() {
    sed -e '1,4d' -e '/^  before: /d' "$1" | sed -E 's/[0-9]+(\.[0-9]+)?/N/g; s/(^| )-( |$)/\1N\2/g; s/(^| )-( |$)/\1N\2/g; s/[[:space:]]+/ /g; s/ $//'
}
$AWK '/^```/ { if (inside) exit; next } /^ttgrade bench:/ { inside = 1 } inside' "$top_srcdir/README.md" \
    > "$scratch/readme.out"
layout "$scratch/readme.out" > "$scratch/readme.layout"
layout "$scratch/bench.out" > "$scratch/bench.layout"
if [ -s "$scratch/readme.layout" ] && diff "$scratch/readme.layout" "$scratch/bench.layout" > "$scratch/layout.diff"; then
    ok "README.md's bench output has the layout bench/grade.sh prints"
else
    not_ok "README.md's bench output has the layout bench/grade.sh prints (run make bench, paste its output)" \
        "$(head -n 20 "$scratch/layout.diff")"
fi
done_testing
