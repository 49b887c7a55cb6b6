#!/bin/sh
# perf.sh - lab 1's performance tier (extra credit, grader/perf.c): the
# reference tt_matmul_fast earns the top tier; a submission without
# tt_matmul_fast, the skeleton's stub (tt_matmul_fast calls tt_matmul, here a
# working one) and a fast but wrong tt_matmul_fast earn 0; --no-perf leaves
# it ungraded. Extra points never enter the score or its maximum.
. "$top_srcdir/tests/lib.sh"
ttgrade="$top_builddir/grader/ttgrade"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"
[ -n "${VALGRIND:-}" ] || skip_all "valgrind not found (apt-get install valgrind)"

# grade NAME DIR [OPTIONS...]: grade DIR's matmul into $scratch/NAME.json.
grade() {
    name=$1 dir=$2; shift 2
    "$ttgrade" --quiet --no-memcheck --no-questions --lab matmul --json "$scratch/$name.json" \
        --gradescope "$scratch/$name.gs.json" "$@" "$dir" > "$scratch/$name.out" 2>&1
}

# expect NAME STATUS POINTS WHAT: the extra credit of NAME's report.
expect() {
    got=$(jq -r '.extra_credit | "\(.status) \(.points)"' "$scratch/$1.json" 2> /dev/null)
    if [ "$got" = "$2 $3" ]; then
        ok "$4: extra credit $2, $3 points"
    else
        not_ok "$4: extra credit $2, $3 points" "got: ${got:-no report}" \
            "$(jq -r '.extra_credit.message' "$scratch/$1.json" 2> /dev/null)" "$(tail -n 5 "$scratch/$1.out")"
    fi
}

# A submission folder: the reference's files, with matmul.c from $2.
submission() {
    copy_reference "$scratch/$1"
    cp "$2" "$scratch/$1/matmul.c"
}

copy_reference "$scratch/reference-files"
grade reference "$scratch/reference-files"
# The scale is a share of the reference's own speedup with this compiler
# (perf.h: gcc 12 counts it at 5.2x, gcc 11 at 6.3x, clang 14 at 3.7x), so
# the reference earns the top tier whatever the compiler.
ref_points=$(jq -r '.extra_credit.points' "$scratch/reference.json" 2> /dev/null)
top=$(awk '$2 ~ /^perf:/ { p = $3 } END { print p }' "$top_builddir/grader/data/rubric.txt")
expect reference graded "$top" "the reference tt_matmul_fast, 100% of its own speedup"
if [ "$(jq -r '.score == .max_score' "$scratch/reference.json")" = true ] &&
   [ "$(jq -r '.score - ([.tests[] | select(.max_score > 0) | .score] | add)' "$scratch/reference.gs.json")" = "$ref_points" ]; then
    ok "extra points: not in our score or maximum; in Gradescope's total, as a test worth 0"
else
    not_ok "extra points: not in our score or maximum; in Gradescope's total, as a test worth 0" \
        "$(jq -c '{score, max_score}' "$scratch/reference.json")" "$(jq -c '.score' "$scratch/reference.gs.json")"
fi

grade complete "$top_srcdir/examples/submissions/complete"
expect complete graded 0 "a matmul.c without tt_matmul_fast"

ref_matmul=$top_srcdir/$(lab_file reference matmul)
# The skeleton's stub over the reference's naive tt_matmul: correct, no
# faster (the reference up to tt_matmul_fast, whose body is the stub's).
sed '/^tt_tensor \*tt_matmul_fast(/,$d' "$ref_matmul" > "$scratch/stub.c"
printf 'tt_tensor *tt_matmul_fast(const tt_tensor *a, const tt_tensor *b)\n{\n    return tt_matmul(a, b);\n}\n' \
    >> "$scratch/stub.c"
submission stub "$scratch/stub.c"
grade stub "$scratch/stub"
expect stub graded 0 "the skeleton's stub (tt_matmul_fast returns tt_matmul)"

# Fast but wrong: the reference, whose micro-kernel drops the last column
# of every partial tile.
sed 's/for (size_t j = 0; j < nr; j++)/for (size_t j = 0; j + 1 < nr; j++)/' \
    "$ref_matmul" > "$scratch/wrong.c"
if cmp -s "$ref_matmul" "$scratch/wrong.c"; then
    not_ok "a fast but wrong tt_matmul_fast" "the edit of $(lab_file reference matmul) no longer applies: update tests/perf.sh"
else
    submission wrong "$scratch/wrong.c"
    grade wrong "$scratch/wrong"
    expect wrong graded 0 "a fast but wrong tt_matmul_fast"
    if jq -r '.extra_credit.message' "$scratch/wrong.json" | grep -q 'is wrong.*element'; then
        ok "a wrong tt_matmul_fast: the message names the element"
    else
        not_ok "a wrong tt_matmul_fast: the message names the element" "$(jq -r '.extra_credit.message' "$scratch/wrong.json")"
    fi
fi

# The scale follows the data dir's count of the reference: a copy whose
# reference ran half as many instructions puts the same reference at 50% of
# it, which the rubric's scale prices (its tiers, from the driver's PERF_TIER
# lines); without the count the tier is ungraded, with the counts reported.
cp -R "$top_builddir/grader/data" "$scratch/data"
awk '$1 == "fast" { $2 = int($2 / 2) } { print }' "$top_builddir/grader/data/perf/matmul.ref" \
    > "$scratch/data/perf/matmul.ref"
want=$(awk '$2 ~ /^perf:/ { s = $2; gsub(/[^0-9.]/, "", s); if (s + 0 <= 50) p = $3 } END { print p + 0 }' \
    "$top_builddir/grader/data/rubric.txt")
grade half "$scratch/reference-files" --datadir "$scratch/data"
expect half graded "$want" "the reference against a reference twice as fast: its 50% share's tier"
rm "$scratch/data/perf/matmul.ref"
grade noref "$scratch/reference-files" --datadir "$scratch/data"
expect noref ungraded 0 "no perf/matmul.ref in the data dir"
if [ "$(jq -r '.extra_credit.fast_instructions > 0' "$scratch/noref.json" 2> /dev/null)" = true ] &&
   jq -r '.extra_credit.message' "$scratch/noref.json" | grep -q 'make calibrate'; then
    ok "no perf/matmul.ref: the counts are reported, and the message says to run make calibrate"
else
    not_ok "no perf/matmul.ref: the counts are reported, and the message says to run make calibrate" \
        "$(jq -c '.extra_credit' "$scratch/noref.json" 2> /dev/null)"
fi

# The handout's table is the rubric's scale: "| at least 40% | 1 |" for
# each perf: line, in order.
handout=$(ls "$top_srcdir"/labs/*-matmul/README.md 2> /dev/null | head -n 1)
want=$(awk '$2 ~ /^perf:/ { sub(/^perf:/, "", $2); printf "%s %s\n", $2, $3 }' "$top_builddir/grader/data/rubric.txt")
got=$(sed -n 's/^| at least \([0-9.]*%\) | \([0-9.]*\) |$/\1 \2/p' "$handout" 2> /dev/null)
if [ -n "$want" ] && [ "$got" = "$want" ]; then
    ok "the matmul handout's table of tiers is the rubric's scale"
else
    not_ok "the matmul handout's table of tiers is the rubric's scale" "rubric: $want" "handout ($handout): $got"
fi

grade off "$scratch/reference-files" --no-perf
expect off ungraded 0 "--no-perf"
done_testing
