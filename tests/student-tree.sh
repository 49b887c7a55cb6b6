#!/bin/sh
# student-tree.sh - student/ is exactly what tools/gen-student makes of the
# labs' reference files now, and carries no solution markers.
. "$top_srcdir/tests/lib.sh"

if "$top_srcdir/tools/gen-student" --all "$top_srcdir" "$scratch/student" 2> "$scratch/err"; then
    ok "tools/gen-student runs on every reference lab"
else
    not_ok "tools/gen-student runs on every reference lab" "$(cat "$scratch/err")"
fi
for lab in $(lab_names); do
    if diff -u "$top_srcdir/student/$lab.c" "$scratch/student/$lab.c" > "$scratch/diff" 2>&1; then
        ok "student/$lab.c matches the generator's output"
    else
        not_ok "student/$lab.c is out of date: run 'make student' and commit it" "$(head -n 40 "$scratch/diff")"
    fi
    if grep -n 'BEGIN SOLUTION\|END SOLUTION\|STUB:' "$top_srcdir/student/$lab.c" > "$scratch/markers"; then
        not_ok "student/$lab.c has no solution markers" "$(cat "$scratch/markers")"
    else
        ok "student/$lab.c has no solution markers"
    fi
done
done_testing
