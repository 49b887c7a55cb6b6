#!/bin/sh
# bench/baseline.sh SUBMISSION OUT - the sequential baseline that
# bench/grade.sh times ttgrade against: grading the naive way, as a Makefile
# per lab would. For each lab, one step after another: compile from source,
# with ttgrade's flags, the student's file, the reference of the other four
# labs, the support library and the hidden tests; link and run the lab's test
# program; compile the lab's memory driver, link it and run it under Valgrind
# with ttgrade's options. Nothing is precompiled, nothing runs in parallel.
# Scores nothing: it only does the work. Environment: top_srcdir, CC,
# CRITERION_CFLAGS, CRITERION_LIBS, VALGRIND ("" skips the memory drivers).
set -u
[ $# -eq 2 ] || { echo "usage: baseline.sh SUBMISSION OUT" >&2; exit 2; }
sub=$1 out=$2
top_srcdir=${top_srcdir:-.}
CC=${CC:-gcc}
CRITERION_CFLAGS=${CRITERION_CFLAGS:-}
CRITERION_LIBS=${CRITERION_LIBS:--lcriterion}
VALGRIND=${VALGRIND-$(command -v valgrind || true)}
LABS=$("$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" names) || exit 2  # the labs, from labs/manifest
# lab_file KIND LAB: where a lab's file is (tools/labs).
lab_file() { echo "$top_srcdir/$("$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" "$1" "$2")"; }
# As in grader/grade.c (build_compile) and grader/memcheck.c (prepare_run).
flags="-std=c11 -O1 -g -gdwarf-4 -fno-omit-frame-pointer -Wall -Wextra"  # DWARF 4: see configure.ac
vgflags="--tool=memcheck --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=definite,indirect
 --track-origins=yes --error-limit=no --num-callers=20 --child-silent-after-fork=yes --trace-children=no
 --vgdb=no --xml=yes"
inc="-I$top_srcdir/include"
for d in $("$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" all folder); do inc="$inc -I$top_srcdir/$d"; done
hid=$top_srcdir/grader/hidden
mem=$top_srcdir/memcheck

mkdir -p "$out" || exit 2
for lab in $LABS; do
    d=$out/$lab
    mkdir -p "$d" || exit 2
    objs=
    others=
    for o in $LABS; do
        [ "$o" = "$lab" ] || others="$others $(lab_file reference "$o")"
    done
    for src in "$sub/$lab.c" $others "$top_srcdir"/support/*.c; do
        o=$d/$(basename "$src" .c).o
        $CC $flags $inc -c "$src" -o "$o" || exit 1
        objs="$objs $o"
    done
    for src in "$(lab_file hidden "$lab")" "$hid/hidden_util.c"; do
        $CC $flags $CRITERION_CFLAGS $inc -I"$hid" -c "$src" -o "$d/$(basename "$src" .c).o" || exit 1
    done
    $CC -o "$d/tests" "$d/hidden_$lab.o" "$d/hidden_util.o" $objs $CRITERION_LIBS -lm || exit 1
    : > "$d/pass"
    TTGRADE_PASS_FILE=$d/pass "$d/tests" --jobs=1 --json="$d/tests.json" > "$d/tests.log" 2>&1
    [ -n "$VALGRIND" ] || continue
    for src in "$(lab_file mem "$lab")" "$mem/scenario.c"; do
        $CC $flags $inc -I"$mem" -c "$src" -o "$d/$(basename "$src" .c).o" || exit 1
    done
    $CC -o "$d/mem" "$d/mem_$lab.o" "$d/scenario.o" $objs -lm || exit 1
    TTMEM_TOKEN=0123456789abcdef "$VALGRIND" $vgflags --xml-file="$d/mem.xml" "$d/mem" > "$d/mem.log" 2>&1
done
exit 0
