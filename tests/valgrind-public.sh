#!/bin/sh
# valgrind-public.sh - the reference solutions and the support library are
# Valgrind-clean under the public tests: no invalid access, no uninitialised
# read, no bad free, no definitely or indirectly lost byte in any test.
#
# Criterion runs each test in a worker process, so Valgrind follows children
# and writes one log per process; Criterion ignores the workers' Valgrind exit
# status, so the verdict comes from the logs' error summaries.
. "$top_srcdir/tests/lib.sh"
[ -n "${VALGRIND:-}" ] || skip_all "valgrind not found (apt-get install valgrind)"

for prog in support_tests ref_tests; do
    mkdir -p "$scratch/$prog"
    # No --track-origins: it makes each of the ~95 worker processes about a
    # third slower, and the grader's memory drivers already report origins.
    # (valgrind_fast, tests/lib.sh: each start costs about half as much.)
    valgrind_fast --trace-children=yes --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --log-file="$scratch/$prog/vg.%p.log" \
        "$top_builddir/tests/public/$prog" --jobs=2 > "$scratch/$prog.out" 2>&1
    status=$?
    logs=0 bad=""
    for log in "$scratch/$prog"/vg.*.log; do
        [ -e "$log" ] || continue
        logs=$((logs + 1))
        grep -q 'ERROR SUMMARY: 0 errors' "$log" || bad="$bad $log"
    done
    if [ "$status" -ne 0 ]; then
        not_ok "$prog passes under Valgrind" "$(tail -n 20 "$scratch/$prog.out")"
    else
        ok "$prog passes under Valgrind"
    fi
    if [ "$logs" -lt 2 ]; then
        not_ok "$prog: Valgrind followed the test workers" "only $logs log(s) written"
    elif [ -n "$bad" ]; then
        # shellcheck disable=SC2086
        not_ok "$prog: no Valgrind errors or leaks in $logs processes" "$(grep -h -A12 'lost in\|Invalid\|uninitialised\|free' $bad | head -n 60)"
    else
        ok "$prog: no Valgrind errors or leaks in $logs processes"
    fi
done
done_testing
