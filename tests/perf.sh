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
# The count depends on the compiler (perf.h). The scale was set with gcc,
# whose vectoriser takes the reference to 5.2x at the fixed flags (3 points);
# clang 14 takes it to 3.7x (2 points), which is all a clang build requires.
ref_points=$(jq -r '.extra_credit.points' "$scratch/reference.json" 2> /dev/null)
case $("${CC:-cc}" --version 2> /dev/null | head -n 1) in
*clang*)
    if [ "$(jq -r '.extra_credit.status' "$scratch/reference.json" 2> /dev/null)" = graded ] &&
       [ "${ref_points:-0}" -ge 2 ] 2> /dev/null; then
        ok "the reference tt_matmul_fast (clang): extra credit graded, at least 2 points ($ref_points)"
    else
        not_ok "the reference tt_matmul_fast (clang): extra credit graded, at least 2 points" "got: $ref_points" \
            "$(jq -r '.extra_credit.message' "$scratch/reference.json" 2> /dev/null)"
    fi ;;
*)
    expect reference graded 3 "the reference tt_matmul_fast" ;;
esac
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

grade off "$scratch/reference-files" --no-perf
expect off ungraded 0 "--no-perf"
done_testing
