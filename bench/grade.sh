#!/bin/sh
# bench/grade.sh - how long grading takes (`make bench-grade`). Prints, all
# measured in this one run, side by side:
#
#   1. the machine: online cores (nproc) and load average;
#   2. one full submission (examples/submissions/complete: five labs, hidden
#      tests, Valgrind, questions) graded by ttgrade, with Valgrind and
#      without it (--no-memcheck --no-perf: no memory checks, and no
#      callgrind for lab 1's performance tier): the median of N runs of
#      each phase, wall seconds, and the median CPU seconds (user + system,
#      children included);
#   3. each lab's run under Valgrind (median): its child of memcheck/ttmemhost,
#      which runs every lab's memory driver in one Valgrind;
#   4. a sequential baseline for the same submission: every file compiled
#      from source with ttgrade's flags, each lab's hidden tests linked and
#      run, then each memory driver linked and run under Valgrind with
#      ttgrade's options, one step after another; and the ratio ttgrade /
#      baseline;
#   5. `ttgrade batch` over BATCH copies and variants of the example
#      submissions at --jobs 1 and --jobs 2, and the scaling ratio;
#   6. a control: how far this machine itself scales from one stream of work
#      to two, for a CPU loop, compiles, process starts, and a Criterion
#      program of empty tests (a process per test, as in the hidden tests),
#      so that the batch's scaling can be read against what the machine
#      allows.
#
# Figures only: nothing here passes or fails on a timing (make check never
# runs it). Environment: RUNS (default 5), BATCH (default 50), BATCH_FLAGS
# (extra ttgrade options for the batch, e.g. --no-memcheck), and from make:
# top_srcdir, top_builddir, CC, CRITERION_CFLAGS, CRITERION_LIBS, VALGRIND.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
RUNS=${RUNS:-5}
BATCH=${BATCH:-50}
BATCH_FLAGS=${BATCH_FLAGS:-}
CC=${CC:-gcc}
CRITERION_CFLAGS=${CRITERION_CFLAGS:-}
CRITERION_LIBS=${CRITERION_LIBS:--lcriterion}
VALGRIND=${VALGRIND:-$(command -v valgrind || true)}
ttgrade=$top_builddir/grader/ttgrade
LABS=$("$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" names) || exit 2  # the labs, from labs/manifest

die() { echo "bench-grade: $*" >&2; exit 2; }
command -v jq > /dev/null 2>&1 || die "jq not found (apt-get install jq)"
[ -x "$ttgrade" ] || die "$ttgrade not built (run make first)"
[ -x /usr/bin/time ] || die "/usr/bin/time not found (apt-get install time)"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/bench-grade.XXXXXX") || die "cannot make a temporary folder"
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM HUP
sub=$top_srcdir/examples/submissions/complete

# median: the middle of the numbers on stdin (the mean of the two middle ones
# for an even count), 3 decimals.
median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f\n", m }'
}
# ratio A B: A / B with 2 decimals, "-" if B is 0 or missing.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f\n", a / b; else print "-" }'; }
# timed FILE CMD...: runs CMD, appends "wall cpu" to FILE.
timed() {
    out=$1; shift
    /usr/bin/time -f '%e %U %S' -o "$scratch/time.tmp" "$@"
    rc=$?
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$scratch/time.tmp" >> "$out"
    return $rc
}

echo "ttgrade speed bench: $(nproc) online cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "submission: examples/submissions/complete (5 labs, hidden tests, memory checks, questions)"
echo "medians of $RUNS runs; wall and CPU seconds (CPU = user + system, children included)"
echo

# ------------------------------------------------------- one submission --
for mode in full nomem; do
    : > "$scratch/$mode.times"
    flag=; [ $mode = nomem ] && flag='--no-memcheck --no-perf'
    for i in $(seq "$RUNS"); do
        timed "$scratch/$mode.times" "$ttgrade" -q $flag --json "$scratch/$mode.$i.json" "$sub" \
            > "$scratch/$mode.$i.out" 2>&1
        [ $? -le 1 ] || die "ttgrade failed: $(tail -n 5 "$scratch/$mode.$i.out")"
    done
done
# phase FIELD MODE: the median of .timings.FIELD over the runs.
phase() {
    for f in "$scratch/$2".*.json; do jq -r ".timings.$1 // 0" "$f"; done | median
}
full_wall=$(cut -d' ' -f1 "$scratch/full.times" | median)
full_cpu=$(cut -d' ' -f2 "$scratch/full.times" | median)
nomem_wall=$(cut -d' ' -f1 "$scratch/nomem.times" | median)
nomem_cpu=$(cut -d' ' -f2 "$scratch/nomem.times" | median)
echo "Per submission (phases overlap: the tests, the memory checks and the performance tier share the pools)"
printf '  %-22s %12s %14s\n' phase "with Valgrind" "no Valgrind"
for p in intake compile tests memcheck perf questions; do
    printf '  %-22s %12s %14s\n' "$p" "$(phase $p full)" "$(phase $p nomem)"
done
printf '  %-22s %12s %14s\n' "total (ttgrade's)" "$(phase total full)" "$(phase total nomem)"
printf '  %-22s %12s %14s\n' "wall (process)" "$full_wall" "$nomem_wall"
printf '  %-22s %12s %14s\n' "CPU (process)" "$full_cpu" "$nomem_cpu"
printf '  %-22s %12s %14s\n' "target (wall)" "< 2" "< 1"
echo
echo "Each lab's memory driver under Valgrind (its child of ttmemhost; wall, median)"
for lab in $LABS; do
    v=$(for f in "$scratch"/full.*.json; do
            jq -r --arg l "$lab" '.labs[] | select(.name == $l) | .memcheck_time // empty' "$f"
        done | median)
    printf '  %-22s %12s\n' "$lab" "$v"
done
echo

# ------------------------------------------------------------- baseline --
: > "$scratch/base.times"
for i in $(seq "$RUNS"); do
    rm -rf "$scratch/base"
    timed "$scratch/base.times" sh "$top_srcdir/bench/baseline.sh" "$sub" "$scratch/base" \
        > "$scratch/base.out" 2>&1 || die "the baseline failed: $(tail -n 5 "$scratch/base.out")"
done
base_wall=$(cut -d' ' -f1 "$scratch/base.times" | median)
base_cpu=$(cut -d' ' -f2 "$scratch/base.times" | median)
echo "Sequential baseline (bench/baseline.sh: compile all from source, run tests, then Valgrind, in turn)"
printf '  %-22s %12s %14s\n' "" wall CPU
printf '  %-22s %12s %14s\n' baseline "$base_wall" "$base_cpu"
printf '  %-22s %12s %14s\n' "ttgrade" "$full_wall" "$full_cpu"
printf '  %-22s %12s %14s\n' "ttgrade / baseline" "$(ratio "$full_wall" "$base_wall")" "$(ratio "$full_cpu" "$base_cpu")"
echo

# ---------------------------------------------------------------- batch --
# BATCH full submissions: the complete one, the sample, and the complete one
# with one lab file replaced by a buggy example's (wrong matmul, leaking
# sequential, double free in module), in turn.
mkdir -p "$scratch/class" || die "cannot make the class folder"
ex=$top_srcdir/examples/submissions
i=0
while [ $i -lt "$BATCH" ]; do
    d=$scratch/class/s$(printf '%03d' $i)
    case $((i % 5)) in
        0) cp -R "$ex/complete" "$d" ;;
        1) cp -R "$ex/sample" "$d" ;;
        2) cp -R "$ex/complete" "$d" && cp "$ex/wrong-matmul/matmul.c" "$d/" ;;
        3) cp -R "$ex/complete" "$d" && cp "$ex/leak-sequential/sequential.c" "$d/" ;;
        4) cp -R "$ex/complete" "$d" && cp "$ex/double-free-module/module.c" "$d/" ;;
    esac || die "cannot copy the examples"
    rm -f "$d/README.md"
    i=$((i + 1))
done
: > "$scratch/batch.times"
for j in 1 2; do
    rm -rf "$scratch/grades$j"
    timed "$scratch/batch.times" "$ttgrade" batch -q --jobs $j --out "$scratch/grades$j" "$scratch/class" \
        ${BATCH_FLAGS:+--} $BATCH_FLAGS > "$scratch/batch$j.out" 2>&1
    [ $? -le 1 ] || die "ttgrade batch --jobs $j failed: $(tail -n 5 "$scratch/batch$j.out")"
done
b1=$(sed -n 1p "$scratch/batch.times" | cut -d' ' -f1)
b2=$(sed -n 2p "$scratch/batch.times" | cut -d' ' -f1)
c1=$(sed -n 1p "$scratch/batch.times" | cut -d' ' -f2)
c2=$(sed -n 2p "$scratch/batch.times" | cut -d' ' -f2)
echo "Batch: $BATCH submissions (ttgrade batch${BATCH_FLAGS:+ -- $BATCH_FLAGS}), one run each"
printf '  %-22s %12s %14s %14s\n' "" "wall" "submissions/s" "CPU/submission"
printf '  %-22s %12s %14s %14s\n' "--jobs 1" "$b1" "$(ratio "$BATCH" "$b1")" "$(ratio "$c1" "$BATCH")"
printf '  %-22s %12s %14s %14s\n' "--jobs 2" "$b2" "$(ratio "$BATCH" "$b2")" "$(ratio "$c2" "$BATCH")"
printf '  %-22s %12s\n' "scaling (1 / 2)" "$(ratio "$b1" "$b2")"
echo

# -------------------------------------------------------------- control --
# The same work twice, one stream after the other, then as two streams at
# once: scaling = one stream's wall / two streams' wall, 2.00 on two cores
# that share nothing. Four kinds of work: a CPU loop (awk), three compiles of
# a lab file, 200 process starts (/bin/true), and a Criterion program of 20
# empty tests linked as ttgrade links the hidden tests (with the libgit2
# stand-in when the data dir has one), since Criterion runs every test in a
# process of its own. Each stream's work function gets its stream's name.
cat > "$scratch/empty.c" << 'EOF'
#include <criterion/criterion.h>
#define T(n) Test(control, n) { cr_assert(1); }
T(t01) T(t02) T(t03) T(t04) T(t05) T(t06) T(t07) T(t08) T(t09) T(t10)
T(t11) T(t12) T(t13) T(t14) T(t15) T(t16) T(t17) T(t18) T(t19) T(t20)
EOF
rpath=
[ -d "$top_builddir/grader/data/lib" ] &&
    rpath="-Wl,--disable-new-dtags -Wl,-rpath,$(cd "$top_builddir/grader/data/lib" && pwd)"
# shellcheck disable=SC2086 # word lists
$CC $CRITERION_CFLAGS -o "$scratch/empty" "$scratch/empty.c" $rpath $CRITERION_LIBS > "$scratch/empty.log" 2>&1 ||
    die "cannot build the control's Criterion program: $(tail -n 5 "$scratch/empty.log")"
work_cpu() { awk 'BEGIN { for (i = 0; i < 20000000; i++) s += i }'; }
# The control's compile: the reference's sequential.c, with every header.
control_src=$top_srcdir/$("$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" reference sequential)
control_inc="-I$top_srcdir/include"
for d in $("$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" all folder); do control_inc="$control_inc -I$top_srcdir/$d"; done
work_compile() {
    for n in 1 2 3; do
        $CC -std=c11 -O1 -g $control_inc -c "$control_src" -o "$scratch/c$1.$n.o" ||
            die "the control's compile failed"
    done
}
work_procs() { n=0; while [ $n -lt 200 ]; do /bin/true; n=$((n + 1)); done; }
work_criterion() { "$scratch/empty" --jobs=1 > /dev/null 2>&1; }
# Wall clocks of our own rather than timed(): "at once" times a pair of
# shell functions, one in the background, which /usr/bin/time cannot run.
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f\n", b - a }'; }
# control KIND LABEL: three rounds of (twice in a row; twice at once).
control() {
    : > "$scratch/one.w"
    : > "$scratch/two.w"
    for _ in 1 2 3; do
        t=$(now); "work_$1" a; "work_$1" a; since "$t" >> "$scratch/one.w"
        t=$(now); "work_$1" a & "work_$1" b; wait; since "$t" >> "$scratch/two.w"
    done
    w1=$(median < "$scratch/one.w")
    w2=$(median < "$scratch/two.w")
    printf '  %-30s %10s %10s %9s\n' "$2" "$w1" "$w2" "$(ratio "$w1" "$w2")"
}
work_criterion || die "the control's Criterion program failed"
echo "Control: this machine's own scaling (the same work twice: in a row, then at once; wall, median of 3)"
printf '  %-30s %10s %10s %9s\n' "" "in a row" "at once" scaling
control cpu "CPU loop (awk)"
control compile "3 compiles of a lab file"
control procs "200 process starts"
control criterion "Criterion, 20 empty tests"
printf '  %-30s %10s %10s %9s\n' "ttgrade batch (above)" "$b1" "$b2" "$(ratio "$b1" "$b2")"
