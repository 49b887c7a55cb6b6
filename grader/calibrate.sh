#!/bin/sh
# calibrate.sh - measures the reference's own CPU time on this machine and
# writes ttgrade's time limits from it (grader/timelimits.h reads them).
#
# Usage: calibrate.sh TTGRADE DATADIR SRCDIR OUT [RUNS]
#
# Grades the reference's lab files (SRCDIR/labs/NN-<lab>/<lab>.c, where
# SRCDIR/tools/labs finds them) RUNS times
# (default: $TTCALIBRATE_RUNS, else 3) with ttgrade and the data dir DATADIR,
# at the fixed limits, and
# reads what each run left in its scratch dir: each hidden test's CPU time
# from its PASS record ("PASS lab::test WALL CPU", grader/hidden/hidden_util.c),
# each lab's memory driver's CPU time under Valgrind from the host's status
# file ("end LAB PID HOW VALUE SECONDS CPU", memcheck/ttmemhost.c), and the
# performance tier's callgrind run's from the log of the steps ("CPU WALL
# perf.log", tasks.log: grader/proc.h; --sandbox rlimits, so that the
# run is ttgrade's own child and its CPU time is seen).
# The smallest of the runs is kept: another program on the machine only ever
# adds CPU time (caches, migrations; up to 4x for these sub-millisecond
# tests next to a make -j2), so the smallest is the most repeatable measure
# of the reference's own cost, and the factors cover the rest. Each limit is
#     test:   max(TEST_FLOOR, TEST_FACTOR x reference) = max(0.1 s, 100 x)
#     memory: max(MEM_FLOOR, MEM_FACTOR x reference)   = max(1 s, 5 x)
#             (of the whole run's CPU: the limit is on CPU time without
#             progress, so each scenario gets it)
#     perf:   max(PERF_FLOOR, PERF_FACTOR x reference) = max(1 s, 3 x)
# rounded up to the next step of 1, 2, 5, 10, 20, 50 ... (x 10^k): nearby
# machines then write the very same limits, and the same submission gets the
# same score on each. Why these numbers: README.md, "How grading works".
# The same runs count the reference tt_matmul_fast's instructions for lab 1's
# performance tier, whose scale is a share of the reference's speedup with
# this compiler (grader/perf.h): written to DATADIR/perf/matmul.ref when the
# tier ran (Valgrind and the driver there).
# Fails (status 1, nothing written) unless every run gives full marks.
# The runs are at fixed limits (--timeout, whatever limits.txt DATADIR has),
# which are wall-clock limits: WALL s a test, 2 x WALL + 6 s without
# progress for a memory driver, 4 x WALL + 20 s for the performance tier.
# WALL is generous (60 s) so that a loaded machine (a load average of 25 on
# 2 cores stretched the memory checks past 16 s at --timeout 5) does not
# fail the reference; only CPU time is recorded, which load does not move.
# TTCALIBRATE_WALL overrides it.
# TTCALIBRATE_RUNS=1 is for the throwaway trees of make check's tests (a
# built copy an instructor's edit or a new lab rebuilds, Gradescope's setup.sh
# run from the bundle): one run instead of three, a third of the cost. Its
# limits can only come out higher than three runs' (load adds CPU time, never
# takes it), so the reference and every honest submission keep their points;
# the course's own build, and a real grading machine, keep three.
set -u
[ $# -ge 4 ] || { echo "usage: $0 TTGRADE DATADIR SRCDIR OUT [RUNS]" >&2; exit 2; }
ttgrade=$1 datadir=$2 srcdir=$3 out=$4 runs=${5:-${TTCALIBRATE_RUNS:-3}}
case $runs in '' | *[!0-9]* | 0) echo "$0: RUNS must be a whole number of at least 1, not '$runs'" >&2; exit 2 ;; esac
WALL=${TTCALIBRATE_WALL:-60}
TEST_FLOOR=0.1 TEST_FACTOR=100 MEM_FLOOR=1 MEM_FACTOR=5 PERF_FLOOR=1 PERF_FACTOR=3
AWK=${AWK:-awk}

work=$(mktemp -d "${TMPDIR:-/tmp}/ttcalibrate.XXXXXX") || exit 1
kept=
trap 'rm -rf "$work" $kept' EXIT
: > "$work/pass"; : > "$work/status"; : > "$work/tasks"
# the sandbox user (ttgrade as root) must reach the lab files and its scratch
chmod 755 "$work"
mkdir "$work/sub" "$work/tmp" && chmod 755 "$work/sub" && chmod 711 "$work/tmp" || exit 1
# the labs: the data dir's labs.txt, a copy of labs/manifest
refs=$("$srcdir/tools/labs" "$datadir/labs.txt" all reference) ||
    { echo "$0: no labs in $datadir/labs.txt" >&2; exit 1; }
for f in $refs; do
    cp "$srcdir/$f" "$work/sub/" || exit 1
done
chmod 644 "$work"/sub/*.c

i=0
while [ "$i" -lt "$runs" ]; do
    i=$((i + 1))
    # --timeout: the fixed limits (generous: above), whatever limits.txt DATADIR has already
    TMPDIR="$work/tmp" "$ttgrade" --datadir "$datadir" --timeout "$WALL" --sandbox rlimits --keep --quiet --no-questions \
        --json "$work/run$i.json" "$work/sub" > "$work/run$i.out" 2> "$work/run$i.err"
    status=$?
    scratch=$(sed -n 's/^ttgrade: kept the scratch directory //p' "$work/run$i.err")
    kept="$kept $scratch"
    if [ "$status" -ne 0 ] || [ -z "$scratch" ]; then
        echo "$0: the reference does not get full marks (ttgrade exit $status):" >&2
        cat "$work/run$i.err" "$work/run$i.out" >&2
        exit 1
    fi
    cat "$scratch"/out/*.pass >> "$work/pass"
    cat "$scratch"/out/mem1.status >> "$work/status" 2> /dev/null
    grep ' perf\.log$' "$scratch"/tasks.log >> "$work/tasks" 2> /dev/null
done

{
    echo "# limits.txt - ttgrade's time limits on this machine, in CPU seconds, from the"
    echo "# reference's own CPU time (the smallest of $runs runs), written by grader/calibrate.sh"
    echo "# on $(uname -n), $(date -u '+%Y-%m-%d %H:%M UTC'). Each limit is max($TEST_FLOOR s, $TEST_FACTOR x) for a"
    echo "# hidden test, max($MEM_FLOOR s, $MEM_FACTOR x) for a lab's memory driver under Valgrind, max($PERF_FLOOR s,"
    echo "# $PERF_FACTOR x) for the performance tier under callgrind, rounded up to 1, 2 or 5 x 10^k s."
    echo "# Run grader/calibrate.sh again on a new grading machine."
    echo "#   test LAB NAME LIMIT REFERENCE"
    echo "#   memory LAB LIMIT REFERENCE"
    echo "#   perf LAB LIMIT REFERENCE"
    $AWK -v tf="$TEST_FLOOR" -v tx="$TEST_FACTOR" -v mf="$MEM_FLOOR" -v mx="$MEM_FACTOR" \
        -v pf="$PERF_FLOOR" -v px="$PERF_FACTOR" '
        # the smallest of 1, 2, 5 x 10^k that is at least x
        function step(x,   p, m) {
            p = 1
            while (p > x) p /= 10
            while (p * 10 <= x) p *= 10
            m = x / p
            return m <= 1 ? p : m <= 2 ? 2 * p : m <= 5 ? 5 * p : 10 * p
        }
        function limit(ref, floor, factor) { return step(ref * factor > floor ? ref * factor : floor) }
        FILENAME ~ /pass$/ && $1 == "PASS" && NF == 4 {
            split($2, id, "::"); key = id[1] " " id[2]
            if (!(key in test)) order[n++] = key
            if (!(key in test) || $4 + 0 < test[key]) test[key] = $4 + 0
        }
        FILENAME ~ /status$/ && $1 == "end" && $4 == "exited" && $5 == 0 && NF == 7 {
            if (!($2 in mem)) morder[m++] = $2
            if (!($2 in mem) || $7 + 0 < mem[$2]) mem[$2] = $7 + 0
        }
        FILENAME ~ /tasks$/ && $3 == "perf.log" && NF == 3 {
            if (perf == "" || $1 + 0 < perf) perf = $1 + 0
        }
        END {
            for (i = 0; i < n; i++)
                printf "test %s %g %.6f\n", order[i], limit(test[order[i]], tf, tx), test[order[i]]
            for (i = 0; i < m; i++)
                printf "memory %s %g %.3f\n", morder[i], limit(mem[morder[i]], mf, mx), mem[morder[i]]
            if (perf != "" && perf > 0)
                printf "perf matmul %g %.3f\n", limit(perf, pf, px), perf
        }' "$work/pass" "$work/status" "$work/tasks"
} > "$work/limits.txt" || exit 1
[ -s "$work/status" ] || echo "$0: no memory driver ran (no Valgrind?): the memory checks keep their fixed limits" >&2
grep -q '^test ' "$work/limits.txt" || { echo "$0: no PASS records were found" >&2; exit 1; }
cp "$work/limits.txt" "$out.tmp" && mv "$out.tmp" "$out" || exit 1

# The reference's counts (the same in every run: callgrind counts
# instructions), from the last run's JSON report.
count() { sed -n "s/^[[:space:]]*\"$1_instructions\":[[:space:]]*\([0-9][0-9]*\),*\$/\1/p" "$work/run$runs.json"; }
naive=$(count naive) fast=$(count fast)
if [ -n "$naive" ] && [ -n "$fast" ] && [ "$fast" -gt 0 ] && [ -d "$datadir/perf" ]; then
    {
        echo "# matmul.ref - the reference tt_matmul_fast's instruction counts (callgrind, 128 x 128),"
        echo "# written by grader/calibrate.sh on $(uname -n): the performance tier's scale is a share of"
        echo "# the reference's speedup, naive / fast, with the compiler ttgrade uses (grader/perf.h)."
        echo "naive $naive"
        echo "fast $fast"
    } > "$datadir/perf/matmul.ref.tmp" && mv "$datadir/perf/matmul.ref.tmp" "$datadir/perf/matmul.ref"
elif [ -d "$datadir/perf" ]; then
    echo "$0: the performance tier did not count the reference: it stays ungraded" >&2
fi
