#!/bin/sh
# instructor-edits.sh - an instructor's three small edits, in a built copy of
# this tree, each in the one file README.md's "Instructor workflow" names:
# double one hidden test's points, add a hidden test with the mutant it
# catches, add a question. Until `make`, ttgrade refuses the stale data dir,
# naming an edited file; after it, the totals follow, the mutant is caught,
# and the checks that read the rubric (the examples, the questions) pass with
# nothing else changed. The copy is of this tree as built (copy_built_tree),
# so make rebuilds what the edits touch, as in an instructor's tree; a VPATH
# build (make distcheck) copies the sources and builds them instead.
. "$top_srcdir/tests/lib.sh"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"
command -v git > /dev/null 2>&1 || skip_all "git not found (apt-get install git)"
command -v patch > /dev/null 2>&1 || skip_all "patch not found (apt-get install patch)"
# The copy's rebuild calibrates its limits from one run of the reference,
# not three (grader/calibrate.sh says why that is safe for a test tree).
TTCALIBRATE_RUNS=1; export TTCALIBRATE_RUNS

tree="$scratch/tree"
start=$(date +%s)
if ! copy_built_tree "$tree"; then
    rm -rf "$tree" && copy_tree "$tree"
    if ! (cd "$tree" && ./bootstrap && make -j2) > "$scratch/build.log" 2>&1; then
        not_ok "the copy builds" "$(tail -n 30 "$scratch/build.log")"
        done_testing
    fi
fi
labs_of() { "$tree/tools/labs" "$tree/labs/manifest" "$@"; }
reference=$(labs_of reference matmul) mutants=$tree/$(labs_of mutants matmul)
ttgrade="$tree/grader/ttgrade"
rubric="$tree/grader/rubric.txt"
total() { $AWK '!/^#/ && NF >= 3 && $2 !~ /^perf:/ { t += $3 } END { printf "%g", t }' "$rubric"; }
before=$(total)

# 1. Double the points of matmul's first hidden test, on its HIDDEN_TEST line.
hidden="$tree/$(labs_of hidden matmul)"
set -- $($AWK -F'[(), ]+' '/^HIDDEN_TEST\(matmul,/ { print $3, $4; exit }' "$hidden")
name=$1 old=$2
sed -i "s/^HIDDEN_TEST(matmul, $name, $old,/HIDDEN_TEST(matmul, $name, $((old * 2)),/" "$hidden"

# 2. A new hidden test, and the mutant it catches (a patch against the reference).
cat >> "$hidden" <<'EOF'

/* Kills: one_by_one_zero. */
HIDDEN_TEST(matmul, one_by_one_product, 1, "(1, 1) @ (1, 1)")
{
    static const float av[] = {2}, bv[] = {3}, cv[] = {6};
    tt_tensor *a = OR_TENSOR(av, 1, 1);
    tt_tensor *b = OR_TENSOR(bv, 1, 1);
    or_tensor *want = or_exact_values(2, (const size_t[]){1, 1}, cv);
    tt_tensor *c = tt_matmul(a, b);
    OR_EXPECT(c, want, "tt_matmul((1, 1), (1, 1))");
    or_free(want);
    tt_tensor_free(c);
    tt_tensor_free(a);
    tt_tensor_free(b);
    HIDDEN_PASS();
}
EOF
mkdir -p "$mutants"
sed 's/^\( *c->data\[i \* n + j\] = \)sum;$/\1m * n == 1 ? 0.0f : sum;/' "$tree/$reference" > "$scratch/mutant.c"
{
    echo "MUTANT: a (1, 1) result is 0."
    echo "Caught by: matmul::one_by_one_product."
    diff -u --label "a/$reference" --label "b/$reference" "$tree/$reference" "$scratch/mutant.c"
} > "$mutants/one_by_one_zero.patch"

# 3. A question, in the last lab's bank.
last=$(labs_of names | tail -n 1)
bank="$tree/$(labs_of questions "$last")"
cat >> "$bank" <<'EOF'

question flat_output_bytes
title    Bytes of a flattened batch
points   1
param    b = 8 in 2..32
network  f (b, 3, 4, 4): flatten
answer   f.output_bytes
unit     bytes
text
A batch of {b} images of shape (3, 4, 4), float32, goes through Flatten. How
many bytes does its output take?
end
EOF

edited=$(git -C "$tree" status --porcelain | $AWK '{ print $2 }' | tr '\n' ' ')
echo "# edited: $edited"

# Before make: the data dir is older than the edits, and ttgrade says so.
copy_reference "$scratch/reference-files" "$tree"
"$ttgrade" --quiet "$scratch/reference-files" > "$scratch/stale.out" 2>&1
status=$?
if [ "$status" -eq 2 ] && grep -q 'changed after the data directory .* was made: run make first' "$scratch/stale.out"; then
    ok "before make, ttgrade refuses the stale data dir, naming an edited file"
else
    not_ok "before make, ttgrade refuses the stale data dir, naming an edited file" "exit $status" "$(cat "$scratch/stale.out")"
fi

if ! (cd "$tree" && make -j2) > "$scratch/rebuild.log" 2>&1; then
    not_ok "the copy rebuilds after the edits" "$(tail -n 30 "$scratch/rebuild.log")"
    done_testing
fi
after=$(total)
want=$(echo "$before $old" | $AWK '{ printf "%g", $1 + $2 + 1 }')
if [ "$after" = "$want" ]; then
    ok "the rubric follows: tests and memory $before + $old (doubled) + 1 (new test) = $after"
else
    not_ok "the rubric follows the edits" "before $before, after $after, want $want"
fi

# The reference, with the answers (new question included), scores full marks.
reference_submission "$tree" "$tree" "$scratch/ref"
"$ttgrade" --quiet --json "$scratch/ref.json" "$scratch/ref" > "$scratch/ref.out" 2>&1
status=$?
if [ "$status" -eq 0 ] && [ "$(jq -r --arg n "$name" --arg last "$last" '.score == .max_score
      and ([.labs[].tests[] | select(.name == $n) | .points] == ['"$((old * 2))"'])
      and ([.labs[].tests[] | select(.name == "one_by_one_product")] | length == 1)
      and ([.labs[] | select(.name == $last) | .questions[] | select(.name == "flat_output_bytes")] | length == 1)' \
      "$scratch/ref.json")" = true ]; then
    ok "the reference scores full marks: $name worth $((old * 2)), the new test and question graded"
else
    not_ok "the reference scores full marks with the edits" "exit $status" "$(cat "$scratch/key.err")" "$(tail -n 20 "$scratch/ref.out")"
fi

# The new mutant loses points in matmul, applied as `make mutants` will.
rm -rf "$scratch/mut" && cp -R "$scratch/ref" "$scratch/mut"
patch --quiet --fuzz=0 -o "$scratch/mut/matmul.c" "$tree/$reference" \
    < "$mutants/one_by_one_zero.patch" > "$scratch/patch.out" 2>&1
"$ttgrade" --quiet --no-memcheck --lab matmul --json "$scratch/mut.json" "$scratch/mut" > "$scratch/mut.out" 2>&1
status=$?
if [ "$status" -eq 1 ] && [ "$(jq -r '[.labs[].tests[] | select(.name == "one_by_one_product")][0].status' "$scratch/mut.json")" = failed ]; then
    ok "the new mutant is caught by the new test"
else
    not_ok "the new mutant is caught by the new test" "exit $status" "$(cat "$scratch/patch.out")" "$(tail -n 20 "$scratch/mut.out")"
fi

# The checks that read the rubric pass in the edited copy, unchanged (with
# the programs make check would build for them first: questions.sh runs the
# kit's check-answers).
(cd "$tree" && make kit/check-answers) > "$scratch/check-programs.log" 2>&1 ||
    not_ok "make kit/check-answers in the edited copy" "$(tail -n 20 "$scratch/check-programs.log")"
for t in grade-examples.sh questions.sh; do
    top_srcdir=$tree top_builddir=$tree sh "$tree/tests/$t" > "$scratch/$t.log" 2>&1
    if ! grep -q '^not ok' "$scratch/$t.log" && grep -q '^1\.\.[1-9]' "$scratch/$t.log"; then
        ok "tests/$t passes in the edited copy ($(grep -c '^ok' "$scratch/$t.log") checks)"
    else
        not_ok "tests/$t passes in the edited copy" "$(grep -A8 '^not ok' "$scratch/$t.log" | head -n 40)"
    fi
done
echo "# instructor-edits.sh took $(( $(date +%s) - start )) s"
done_testing
