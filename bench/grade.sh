#!/bin/sh
# bench/grade.sh - what grading costs, as ratios to the work that cannot be
# avoided (`make bench-grade`, part of `make bench`). Absolute times move
# from machine to machine and with the load; ratios of figures measured side
# by side in one run move far less. Prints:
#
#   1. the machine: CPU model, online cores, load, compiler, Valgrind;
#   2. the compile floor: the five lab files of examples/submissions/complete
#      compiled with ttgrade's own flags (read from grader/grade.c), all at
#      once, which any grader that compiles C pays; and, as ratios to it, a
#      full grading of that submission (hidden tests, Valgrind, the
#      performance tier, questions), one without Valgrind (--no-memcheck
#      --no-perf), and a full grading of examples/submissions/all-hang (every
#      function of every lab loops forever), each next to its goal. Each
#      round runs the floor and each grading once, one after the other; the
#      figures are the medians over the rounds, wall seconds (and CPU seconds,
#      user + system, children included);
#   3. where a grading goes: ttgrade's own per-phase `timings` (JSON report),
#      medians, each as a ratio to the compile floor, and each phase against
#      a floor of its own, measured in the same rounds: for compile, the lab
#      files compiled and each lab's test program linked (ttgrade's link
#      words, the data dir's objects); for tests, every hidden test of the
#      rubric as an empty Criterion test in a program per lab (Criterion runs
#      each test in a process of its own, which is what a test costs at the
#      least); for memcheck, Valgrind's memcheck on an empty C program; for
#      perf, callgrind on it; questions have none. With BEFORE=DIR (the build folder of an older
#      ttlab, its grader/ttgrade and data dir), each round grades with that
#      ttgrade too, and the table shows its phases next to these ("before");
#      then the best each goal can be here: the phases' floors alone, their
#      CPU spread perfectly over the cores, against the compile floor's wall;
#   4. batch throughput: `ttgrade batch --jobs 1` and `--jobs 2` over BATCH
#      copies and variants of the examples, the ratio of their walls, next to
#      the same ratio for the machine's own control work (a CPU loop, compiles,
#      process starts, a Criterion program of empty tests: the same work twice
#      in a row, then twice at once), which says what two streams can give here.
#
# Figures only: nothing here passes or fails on a timing (make check never
# runs the whole bench; tests/bench.sh runs it with QUICK=1 and checks that
# README.md's table has the layout printed here). Environment: RUNS (rounds,
# default 5), HANG_RUNS (rounds with the all-hang grading, default 1: it is
# the slow one), BATCH (default 20; 0 skips the batch and the control),
# BATCH_FLAGS (extra ttgrade options for the batch, e.g. --no-memcheck),
# QUICK=1 (one round, no all-hang, no batch: the smoke test's), and from
# make: top_srcdir, top_builddir, CC, CRITERION_CFLAGS, CRITERION_LIBS,
# DEBUG_CFLAGS, TTGRADE_LDFLAGS; BEFORE (see 3.).
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
RUNS=${RUNS:-5}
HANG_RUNS=${HANG_RUNS:-1}
BATCH=${BATCH:-20}
BATCH_FLAGS=${BATCH_FLAGS:-}
if [ "${QUICK:-0}" = 1 ]; then RUNS=1 HANG_RUNS=0 BATCH=0; fi
CC=${CC:-gcc}
CRITERION_CFLAGS=${CRITERION_CFLAGS:-}
CRITERION_LIBS=${CRITERION_LIBS:--lcriterion}
DEBUG_CFLAGS=${DEBUG_CFLAGS:-}
TTGRADE_LDFLAGS=${TTGRADE_LDFLAGS:-}
BEFORE=${BEFORE:-}
ttgrade=$top_builddir/grader/ttgrade
ex=$top_srcdir/examples/submissions
LABS=$("$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" names) || exit 2  # the labs, from labs/manifest

die() { echo "bench-grade: $*" >&2; exit 2; }
command -v jq > /dev/null 2>&1 || die "jq not found (apt-get install jq)"
[ -x "$ttgrade" ] || die "$ttgrade not built (run make first)"
[ -x /usr/bin/time ] || die "/usr/bin/time not found (apt-get install time)"
[ -z "$BEFORE" ] || [ -x "$BEFORE/grader/ttgrade" ] ||
    die "BEFORE=$BEFORE: no grader/ttgrade there (give the build folder of an older ttlab, built)"

# ttgrade's compile flags, from the one place they are written: the words
# of build_compile() in grader/grade.c, plus the configured debug flags.
flags=$(sed -n '/const char \*words\[\] = {"-std=c11"/,/};/p' "$top_srcdir/grader/grade.c" |
        grep -o '"-[^"]*"' | tr -d '"' | grep -v '^-[Ico]$' | tr '\n' ' ')
case $flags in *-std=c11*-Wextra*) ;; *) die "cannot read ttgrade's compile flags from grader/grade.c" ;; esac
flags="$flags $DEBUG_CFLAGS"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/bench-grade.XXXXXX") || die "cannot make a temporary folder"
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM HUP

# median: the middle of the numbers on stdin (the mean of the two middle ones
# for an even count), 3 decimals; "-" for none.
median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f\n", m }'
}
# ratio A B: A / B with 2 decimals, "-" if either is missing or B is 0.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "-" && b + 0 > 0) printf "%.2f\n", a / b; else print "-" }'; }
# timed FILE CMD...: runs CMD, appends "wall cpu" to FILE.
timed() {
    out=$1; shift
    /usr/bin/time -f '%e %U %S' -o "$scratch/time.tmp" "$@"
    rc=$?
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$scratch/time.tmp" >> "$out"
    return $rc
}
col() { cut -d' ' -f"$1" "$2" 2> /dev/null | median; }

cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo 2> /dev/null | head -n 1)
# the widest vector extension, which the matmul bench's figures depend on
flags_line=$(grep -m 1 '^flags' /proc/cpuinfo 2> /dev/null)
case " $flags_line " in *" avx512f "*) cpu="$cpu (AVX-512)" ;; *" avx2 "*) cpu="$cpu (AVX2)" ;; esac
have_vg=1
vg=$(${VALGRIND:-valgrind} --version 2> /dev/null) || { vg="no Valgrind"; have_vg=0; }
echo "ttgrade bench: ratios to the compile floor, measured side by side in one run"
echo "machine: ${cpu:-unknown CPU}, $(nproc) online cores (nproc); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tools: $($CC --version | head -n 1); $vg"
echo "medians of $RUNS rounds ($HANG_RUNS with all-hang); each round: the floor, then each grading"
echo

# ------------------------------------------------------------ the rounds --
# The floor: a script that starts the five compiles at once and waits for
# them (their warnings, which ttgrade keeps in its logs, to a log here).
{
    for lab in $LABS; do
        printf '%s -I %s -c %s -o %s 2>> %s & pids="$pids $!"\n' "$CC $flags" "'$top_builddir/grader/data/include'" \
            "'$ex/complete/$lab.c'" "'$scratch/floor.$lab.o'" "'$scratch/floor.log'"
    done
    echo 'ok=0; for p in $pids; do wait "$p" || ok=1; done; exit $ok'
} > "$scratch/floor.sh"
# grade MODE DIR [OPTIONS...]: one grading, its JSON report kept as MODE.N.json
# ($TTGRADE: which ttgrade, by default this tree's).
grade() {
    mode=$1 dir=$2; shift 2
    timed "$scratch/$mode.times" "${TTGRADE:-$ttgrade}" -q "$@" --json "$scratch/$mode.$i.json" "$dir" \
        > "$scratch/$mode.$i.out" 2>&1
    [ $? -le 1 ] || die "ttgrade ($mode) failed: $(tail -n 5 "$scratch/$mode.$i.out")"
}

# The phases' own floors (see 3. above). Each is a script, run in every
# round next to the gradings, `nproc` programs at a time as ttgrade runs its
# steps. The data dir's objects are this tree's.
data=$top_builddir/grader/data
jobs=$(nproc)
rpath=
[ -d "$data/lib" ] && rpath="-Wl,--disable-new-dtags -Wl,-rpath,$(cd "$data/lib" && pwd)"
# compile: the floor's compiles, then every lab's test program linked with
# ttgrade's words (grader/grade.c: tg_link_lab_argv, build_link).
{
    echo "sh '$scratch/floor.sh' || exit 1"
    echo "xargs -P $jobs -I{} -d '\\n' sh -c '{}' < '$scratch/links.txt'"
} > "$scratch/phase-compile.sh"
for lab in $LABS; do
    others=$(for o in $LABS; do [ "$o" = "$lab" ] || printf " %s/ref/%s.o" "$data" "$o"; done)
    echo "$CC $TTGRADE_LDFLAGS -o $scratch/link.$lab $data/hidden/$lab.o $scratch/floor.$lab.o$others" \
        "$data/hidden/libhidden.a $data/libttsupport.a $CRITERION_LIBS -lm $rpath 2>> $scratch/floor.log"
done > "$scratch/links.txt"
# tests: per lab, as many empty Criterion tests as the rubric has tests.
ntests=0
for lab in $LABS; do
    n=$(awk -v l="$lab" '$1 == l && $2 !~ /:/ { n++ } END { print n + 0 }' "$data/rubric.txt")
    ntests=$((ntests + n))
    {
        echo '#include <criterion/criterion.h>'
        k=0
        while [ $k -lt "$n" ]; do k=$((k + 1)); echo "Test(floor, t$k) { cr_assert(1); }"; done
    } > "$scratch/empty.$lab.c"
    # shellcheck disable=SC2086 # word lists
    $CC $CRITERION_CFLAGS -o "$scratch/empty.$lab" "$scratch/empty.$lab.c" $rpath $CRITERION_LIBS \
        > "$scratch/empty.log" 2>&1 || die "cannot build the tests' floor: $(tail -n 5 "$scratch/empty.log")"
    echo "$scratch/empty.$lab --jobs=1 > /dev/null 2>&1"
done > "$scratch/runs.txt"
echo "xargs -P $jobs -I{} -d '\\n' sh -c '{}' < '$scratch/runs.txt'" > "$scratch/phase-tests.sh"
# memcheck, perf: Valgrind's two tools on an empty C program.
echo 'int main(void) { return 0; }' > "$scratch/nothing.c"
$CC -g -o "$scratch/nothing" "$scratch/nothing.c" || die "cannot build the empty program"
vgbin=${VALGRIND:-valgrind}
echo "$vgbin -q --tool=memcheck --leak-check=full --error-exitcode=3 '$scratch/nothing'" > "$scratch/phase-memcheck.sh"
echo "$vgbin -q --tool=callgrind --callgrind-out-file=/dev/null '$scratch/nothing'" > "$scratch/phase-perf.sh"

: > "$scratch/floor.times"; : > "$scratch/full.times"; : > "$scratch/nomem.times"; : > "$scratch/hang.times"
for p in compile tests memcheck perf; do : > "$scratch/pf.$p.times"; done
i=0
while [ $i -lt "$RUNS" ]; do
    i=$((i + 1))
    timed "$scratch/floor.times" sh "$scratch/floor.sh" || die "the compile floor failed: $(tail -n 5 "$scratch/floor.log")"
    for p in compile tests; do
        timed "$scratch/pf.$p.times" sh "$scratch/phase-$p.sh" ||
            die "the $p phase's floor failed: $(tail -n 5 "$scratch/floor.log")"
    done
    if [ "$have_vg" = 1 ]; then
        for p in memcheck perf; do
            timed "$scratch/pf.$p.times" sh "$scratch/phase-$p.sh" || die "the $p phase's floor failed"
        done
    fi
    grade full "$ex/complete"
    grade nomem "$ex/complete" --no-memcheck --no-perf
    if [ -n "$BEFORE" ]; then
        TTGRADE=$BEFORE/grader/ttgrade grade before-full "$ex/complete"
        TTGRADE=$BEFORE/grader/ttgrade grade before-nomem "$ex/complete" --no-memcheck --no-perf
    fi
    [ $i -le "$HANG_RUNS" ] && grade hang "$ex/all-hang"
done
floor_wall=$(col 1 "$scratch/floor.times")
floor_cpu=$(col 2 "$scratch/floor.times")

# row LABEL WALL CPU GOAL: one line of the ratio table.
row() {
    printf '  %-40s %8s %8s %8s %8s %8s\n' "$1" "$2" "$3" "$(ratio "$2" "$floor_wall")" "$(ratio "$3" "$floor_cpu")" "$4"
}
echo "Ratios to the floor (wall seconds; CPU seconds, user + system; the goals are on the wall ratio)"
printf '  %-40s %8s %8s %8s %8s %8s\n' "" wall CPU "/ floor" "CPU /" goal
row "compile floor ($(echo $LABS | wc -w) lab files, at once)" "$floor_wall" "$floor_cpu" ""
row "full grade (complete)" "$(col 1 "$scratch/full.times")" "$(col 2 "$scratch/full.times")" "<= 5"
row "no Valgrind (--no-memcheck --no-perf)" "$(col 1 "$scratch/nomem.times")" "$(col 2 "$scratch/nomem.times")" "<= 2.5"
row "all labs hang (all-hang, full grade)" "$(col 1 "$scratch/hang.times")" "$(col 2 "$scratch/hang.times")" "<= 60"
echo

# ------------------------------------------------------------ the phases --
# phase FIELD MODE: the median of .timings.FIELD over MODE's runs.
phase() {
    for f in "$scratch/$2".*.json; do [ -f "$f" ] && jq -r ".timings.$1 // 0" "$f"; done | median
}
echo "Where a grading goes: ttgrade's own timings (wall seconds, medians; the phases overlap)"
printf '  %-22s %10s %8s %12s %8s\n' phase "full" "/ floor" "no Valgrind" "/ floor"
for p in intake compile tests memcheck perf questions total; do
    a=$(phase $p full) b=$(phase $p nomem)
    printf '  %-22s %10s %8s %12s %8s\n' "$p" "$a" "$(ratio "$a" "$floor_wall")" "$b" "$(ratio "$b" "$floor_wall")"
done
echo

# Each phase against its own floor: the no-Valgrind grading's compile and
# tests, the full grading's memcheck and perf; "before": BEFORE's ttgrade.
echo "Each phase against a floor of its own, measured in the same rounds (wall seconds, medians;"
echo "compile and tests from the grading without Valgrind, memcheck and perf from the full one)"
printf '  %-10s %8s %8s %8s %8s  %s\n' phase ttgrade floor "/ floor" before "the floor"
for p in compile tests memcheck perf questions; do
    case $p in
        compile) mode=nomem what="the floor's compiles, then each lab's test program linked" ;;
        tests) mode=nomem what="$ntests empty Criterion tests (each its own process), a program per lab" ;;
        memcheck) mode=full what="Valgrind's memcheck on an empty C program" ;;
        perf) mode=full what="callgrind on an empty C program" ;;
        questions) mode=full what="none: the answers are counted from the layers, no network built" ;;
    esac
    a=$(phase $p $mode) f=- b=-
    [ $p = questions ] || f=$(col 1 "$scratch/pf.$p.times")
    [ -n "$BEFORE" ] && b=$(phase $p "before-$mode")
    printf '  %-10s %8s %8s %8s %8s  %s\n' "$p" "$a" "$f" "$(ratio "$a" "$f")" "$b" "$what"
done
if [ -n "$BEFORE" ]; then
    echo "  before: $BEFORE ($(cd "$BEFORE" && git rev-parse --short HEAD 2> /dev/null || echo "not a git tree")):" \
        "full grade $(col 1 "$scratch/before-full.times") s, no Valgrind $(col 1 "$scratch/before-nomem.times") s"
fi
echo

# What a goal can be at best here: the phases' floors and nothing else (no
# sandbox, no inspection, no report, no gap between steps), their CPU seconds
# spread perfectly over every core, as a ratio to the compile floor's wall.
# No grader that runs each Criterion test in a process of its own and
# Valgrind in every grading can do better on this machine; a goal below its
# bound cannot be met here. (Quiet machines only: under load the floor's
# wall stretches and the bound with it.)
# bound CPU: CPU / cores / the compile floor's wall.
bound() { awk -v c="$1" -v n="$jobs" -v f="$floor_wall" 'BEGIN { if (c != "-" && f + 0 > 0) printf "%.2f\n", c / n / f; else print "-" }'; }
# sum A B...: the sum of the numbers, "-" if one is missing.
sum() { awk 'BEGIN { s = 0; for (i = 1; i < ARGC; i++) { if (ARGV[i] == "-") { print "-"; exit } s += ARGV[i] } printf "%.3f\n", s }' "$@"; }
fc() { col 2 "$scratch/pf.$1.times"; }
bound_nomem=$(sum "$(fc compile)" "$(fc tests)")
bound_full=-
[ "$have_vg" = 1 ] && bound_full=$(sum "$bound_nomem" "$(fc memcheck)" "$(fc perf)")
echo "The phases' floors alone, their CPU spread perfectly over the $jobs cores: the best ratio possible here"
echo "(CPU seconds, user + system, medians; / floor: their CPU / $jobs / the compile floor's wall)"
printf '  %-40s %8s %8s %8s\n' "" CPU "/ floor" goal
printf '  %-40s %8s %8s %8s\n' "no Valgrind: compile, tests" "$bound_nomem" "$(bound "$bound_nomem")" "<= 2.5"
printf '  %-40s %8s %8s %8s\n' "full: compile, tests, memcheck, perf" "$bound_full" "$(bound "$bound_full")" "<= 5"
echo

# -------------------------------------------------------------- the batch --
# BATCH submissions: the complete one, the sample, and the complete one with
# one lab file replaced by a buggy example's, in turn.
b1=- b2=-
if [ "$BATCH" -gt 0 ]; then
    mkdir -p "$scratch/class" || die "cannot make the class folder"
    n=0
    while [ $n -lt "$BATCH" ]; do
        d=$scratch/class/s$(printf '%03d' $n)
        case $((n % 5)) in
            0) cp -R "$ex/complete" "$d" ;;
            1) cp -R "$ex/sample" "$d" ;;
            2) cp -R "$ex/complete" "$d" && cp "$ex/wrong-matmul/matmul.c" "$d/" ;;
            3) cp -R "$ex/complete" "$d" && cp "$ex/leak-sequential/sequential.c" "$d/" ;;
            4) cp -R "$ex/complete" "$d" && cp "$ex/double-free-module/module.c" "$d/" ;;
        esac || die "cannot copy the examples"
        rm -f "$d/README.md"
        n=$((n + 1))
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
fi

# The control: the same work twice, one stream after the other, then as two
# streams at once; the ratio is one stream's wall / two streams' wall, 2.00
# on two cores that share nothing.
cat > "$scratch/empty.c" << 'EOF'
#include <criterion/criterion.h>
#define T(n) Test(control, n) { cr_assert(1); }
T(t01) T(t02) T(t03) T(t04) T(t05) T(t06) T(t07) T(t08) T(t09) T(t10)
T(t11) T(t12) T(t13) T(t14) T(t15) T(t16) T(t17) T(t18) T(t19) T(t20)
EOF
work_cpu() { awk 'BEGIN { for (i = 0; i < 20000000; i++) s += i }'; }
# The control's compile: the reference's sequential.c, with every header.
control_src=$top_srcdir/$("$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" reference sequential)
# every header, as ttgrade compiles: its data dir's include/
control_inc="-I$top_builddir/grader/data/include"
work_compile() {
    for n in 1 2 3; do
        # shellcheck disable=SC2086 # word lists
        $CC $flags $control_inc -c "$control_src" -o "$scratch/c$1.$n.o" 2> /dev/null ||
            die "the control's compile failed"
    done
}
work_procs() { n=0; while [ $n -lt 200 ]; do /bin/true; n=$((n + 1)); done; }
work_criterion() { "$scratch/empty" --jobs=1 > /dev/null 2>&1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f\n", b - a }'; }
# control KIND LABEL: three rounds of (twice in a row; twice at once).
control() {
    w1=- w2=-
    if [ "$BATCH" -gt 0 ]; then
        : > "$scratch/one.w"
        : > "$scratch/two.w"
        for _ in 1 2 3; do
            t=$(now); "work_$1" a; "work_$1" a; since "$t" >> "$scratch/one.w"
            t=$(now); "work_$1" a & "work_$1" b; wait; since "$t" >> "$scratch/two.w"
        done
        w1=$(median < "$scratch/one.w")
        w2=$(median < "$scratch/two.w")
    fi
    printf '  %-40s %10s %10s %8s\n' "$2" "$w1" "$w2" "$(ratio "$w1" "$w2")"
}
if [ "$BATCH" -gt 0 ]; then
    rpath=
    [ -d "$top_builddir/grader/data/lib" ] &&
        rpath="-Wl,--disable-new-dtags -Wl,-rpath,$(cd "$top_builddir/grader/data/lib" && pwd)"
    # shellcheck disable=SC2086 # word lists
    $CC $CRITERION_CFLAGS -o "$scratch/empty" "$scratch/empty.c" $rpath $CRITERION_LIBS > "$scratch/empty.log" 2>&1 ||
        die "cannot build the control's Criterion program: $(tail -n 5 "$scratch/empty.log")"
    work_criterion || die "the control's Criterion program failed"
fi
echo "Batch throughput: $BATCH submissions, --jobs 2 against --jobs 1, next to this machine's own control"
echo "(wall seconds; ratio = one stream / two streams, 2.00 on two cores that share nothing)"
printf '  %-40s %10s %10s %8s\n' "" "1 stream" "2 streams" ratio
printf '  %-40s %10s %10s %8s\n' "ttgrade batch (--jobs 1, --jobs 2)" "$b1" "$b2" "$(ratio "$b1" "$b2")"
control cpu "control: CPU loop (awk)"
control compile "control: 3 compiles of a lab file"
control procs "control: 200 process starts"
control criterion "control: Criterion, 20 empty tests"
