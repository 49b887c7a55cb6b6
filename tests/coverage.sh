#!/bin/sh
# coverage.sh - the coverage gate (make coverage): the hidden tests, the
# memory drivers and the allocation-failure sweep run every line and at least
# 90% of the branches of each reference lab file; every line left out says
# why. Also: tools/coverage works on the skeleton with the public tests (what
# make coverage-student does).
. "$top_srcdir/tests/lib.sh"
command -v gcovr > /dev/null 2>&1 || skip_all "gcovr not found (apt-get install gcovr)"
n_labs=$(lab_count)

# Every exclusion marker of the reference gives its reason: "GCOVR_EXCL_LINE: why".
bad=$(cd "$top_srcdir" && grep -n 'GCOVR_EXCL_\(LINE\|START\|BR_LINE\|BR_START\)' $(lab_files reference) |
      grep -v 'GCOVR_EXCL_[A-Z_]*: [^ ]' || true)
if [ -z "$bad" ]; then
    ok "every coverage exclusion in the reference lab files gives a reason"
else
    not_ok "every coverage exclusion in the reference lab files gives a reason" "$bad"
fi

status=0
"$top_srcdir/tools/coverage" --srcdir "$top_srcdir" --tree reference --out "$scratch/ref" \
    > "$scratch/ref.out" 2>&1 || status=$?
summary=$scratch/ref/summary.txt
if [ ! -s "$summary" ]; then
    not_ok "tools/coverage --tree reference writes a summary" "exit $status" "$(tail -n 30 "$scratch/ref.out")"
    done_testing
fi
for p in $(sed -n 's/^coverage: ran \([^:]*\): .*/\1/p' "$scratch/ref.out"); do
    if grep -q "^coverage: ran $p: ok" "$scratch/ref.out"; then
        ok "coverage build: $p passes on the reference"
    else
        not_ok "coverage build: $p passes on the reference" "$(tail -n 20 "$scratch/ref/logs/$p.log")"
    fi
done
if [ -f "$top_srcdir/memcheck/scenario.c" ]; then
    if grep -q 'programs run:.* mem_' "$summary"; then
        ok "the memory drivers (mem_<lab>.c) are part of the coverage run"
    else
        not_ok "the memory drivers (mem_<lab>.c) are part of the coverage run" "$(head -n 1 "$summary")"
    fi
fi
for f in $(lab_files reference); do
    line=$($AWK -v f="$f" '$1 == f' "$summary")
    case $line in
    *"   ok") ok "$(echo "$line" | sed 's/ \{2,\}/ /g')" ;;
    "") not_ok "$f is in the coverage report" "$(cat "$summary")" ;;
    *) not_ok "$(echo "$line" | sed 's/ \{2,\}/ /g')" "$($AWK -v f="$f" '$1 == f { on = 1; print; next } on && /^[^ ]/ { exit } on' "$summary")" ;;
    esac
done
if [ $status -eq 0 ] && grep -q '^Gate: passed' "$summary" && [ -s "$scratch/ref/html/index.html" ]; then
    ok "make coverage's gate passes, with an HTML report"
else
    not_ok "make coverage's gate passes, with an HTML report" "exit $status" "$(cat "$summary")"
fi

# The student side: the skeleton, the public tests, no gate; failing tests
# are expected.
status=0
"$top_srcdir/tools/coverage" --srcdir "$top_srcdir" --tree student --out "$scratch/student" \
    > "$scratch/student.out" 2>&1 || status=$?
n=$(grep -c '^.*student/[a-z]*\.c  *lines ' "$scratch/student/summary.txt" 2> /dev/null || true)
if [ $status -eq 0 ] && [ "$n" = "$n_labs" ] && [ -s "$scratch/student/html/index.html" ]; then
    ok "tools/coverage --tree student reports the $n_labs skeleton files (make coverage-student)"
else
    not_ok "tools/coverage --tree student reports the $n_labs skeleton files (make coverage-student)" \
        "exit $status, $n files" "$(tail -n 20 "$scratch/student.out")"
fi
done_testing
