#!/bin/sh
# new-lab.sh - a lab is data. In a copy of this tree, add the toy lab `scale`
# (tests/toy-lab/, a lab's folder) with exactly the commands of README.md's
# "Add a lab" block, then: the build takes it, ttgrade gives the reference
# full marks and the skeleton 0, its mutant loses points in that lab alone,
# the student kit carries it, and nothing outside the lab's folder was
# touched but the manifest (make student adds the skeleton, student/scale.c).
# The copy is of this tree as built (copy_built_tree), so the steps' make
# rebuilds what a new lab changes, as in an instructor's tree; a VPATH build
# (make distcheck) copies the sources and bootstraps them instead.
. "$top_srcdir/tests/lib.sh"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"
command -v git > /dev/null 2>&1 || skip_all "git not found (apt-get install git)"
command -v patch > /dev/null 2>&1 || skip_all "patch not found (apt-get install patch)"
# The copy's rebuild calibrates its limits from one run of the reference,
# not three (grader/calibrate.sh says why that is safe for a test tree).
TTCALIBRATE_RUNS=1; export TTCALIBRATE_RUNS

# The steps, from the README: the shell block after the add-a-lab marker.
$AWK '/<!-- add-a-lab/ { marked = 1; next } marked && /^```sh/ { on = 1; next } on && /^```/ { exit } on' \
    "$top_srcdir/README.md" > "$scratch/steps.sh"
if [ -s "$scratch/steps.sh" ]; then
    ok "README.md's \"Add a lab\" gives the steps ($(wc -l < "$scratch/steps.sh") commands)"
else
    not_ok "README.md's \"Add a lab\" gives the steps (a \`\`\`sh block after <!-- add-a-lab -->)"
    done_testing
fi

tree="$scratch/tree"
g() { git -C "$tree" -c user.name=t -c user.email=t@example.org "$@"; }

# The instructor's tree: built (or configured: bootstrap), then the steps,
# as they are written, in it.
start=$(date +%s)
if ! copy_built_tree "$tree"; then
    rm -rf "$tree" && copy_tree "$tree"
    (cd "$tree" && ./bootstrap) > "$scratch/bootstrap.log" 2>&1 || { not_ok "bootstrap the copy" "$(tail -n 20 "$scratch/bootstrap.log")"; done_testing; }
fi
if (cd "$tree" && set -e && . "$scratch/steps.sh") > "$scratch/steps.log" 2>&1; then
    ok "the README's steps add the lab and build ($(( $(date +%s) - start )) s)"
else
    not_ok "the README's steps add the lab and build" "$(tail -n 30 "$scratch/steps.log")"
    done_testing
fi

# What the steps touched outside the new lab's folder: the manifest alone,
# and make student's skeleton of the lab (student/scale.c; the umbrella
# header is made, not edited, and left out of git).
labs_of() { "$tree/tools/labs" "$tree/labs/manifest" "$@"; }
folder=$(labs_of folder scale) skeleton=$(labs_of student scale)
g add -A
touched=$(g diff --cached --name-only | grep -v "^$folder/" | grep -vx "$skeleton" | tr '\n' ' ')
made=$(g diff --cached --name-only --diff-filter=A | grep -x "$skeleton" | tr '\n' ' ')
echo "# touched outside $folder/: $touched"
echo "# made outside it, by make student: $made"
if [ "$touched" = "labs/manifest " ] && [ "$made" = "$skeleton " ]; then
    ok "nothing outside $folder/ was touched but labs/manifest (and make student made $skeleton)"
else
    not_ok "nothing outside $folder/ was touched but labs/manifest (and make student made $skeleton)" \
        "touched: $touched" "made: $made"
fi

ttgrade="$tree/grader/ttgrade"
# grade NAME DIR: into $scratch/NAME.json; sets $status.
grade() {
    "$ttgrade" --timeout 5 --json "$scratch/$1.json" "$2" > "$scratch/$1.out" 2>&1
    status=$?
}
scale_of() { jq -r '.labs[] | select(.name == "scale") | "\(.score)/\(.max_score)"' "$1"; }

reference_submission "$tree" "$tree" "$scratch/ref"
grade ref "$scratch/ref"
if [ "$status" -eq 0 ] && [ "$(jq -r '.score == .max_score and ([.labs[] | select(.name == "scale")] | length == 1)
      and all(.labs[] | select(.name == "scale"); .max_score > 0 and (.tests | length) > 0 and (.memory | length) > 0
      and (.questions | length) > 0)' "$scratch/ref.json")" = true ]; then
    ok "the reference scores full marks, scale included ($(scale_of "$scratch/ref.json"))"
else
    not_ok "the reference scores full marks, scale included" "exit $status" "$(cat "$scratch/key.err")" "$(tail -n 30 "$scratch/ref.out")"
fi

grade skeleton "$tree/student"
if [ "$status" -eq 1 ] && [ "$(jq -r '.score == 0 and all(.labs[]; .status == "graded")' "$scratch/skeleton.json")" = true ] \
   && [ "$(scale_of "$scratch/skeleton.json")" = "0/$(jq -r '.labs[] | select(.name == "scale") | .max_score' "$scratch/ref.json")" ]; then
    ok "the skeleton scores 0, scale's generated skeleton included"
else
    not_ok "the skeleton scores 0, scale's generated skeleton included" "exit $status" "$(tail -n 30 "$scratch/skeleton.out")"
fi

reference=$(labs_of reference scale)
for p in "$tree/$(labs_of mutants scale)"/*.patch; do
    name=$(basename "$p" .patch)
    rm -rf "$scratch/mut" && cp -R "$scratch/ref" "$scratch/mut"
    if ! patch --quiet --fuzz=0 -o "$scratch/mut/scale.c" "$tree/$reference" < "$p" > "$scratch/patch.out" 2>&1; then
        not_ok "mutant scale/$name applies to $reference" "$(cat "$scratch/patch.out")"
        continue
    fi
    grade "mut-$name" "$scratch/mut"
    lost=$(jq -r '[.labs[] | select(.score < .max_score) | .name] | join(" ")' "$scratch/mut-$name.json")
    if [ "$status" -eq 1 ] && [ "$lost" = scale ]; then
        ok "mutant scale/$name loses points in scale alone ($(scale_of "$scratch/mut-$name.json"))"
    else
        not_ok "mutant scale/$name loses points in scale alone" "exit $status, labs that lost points: $lost" \
            "$(tail -n 20 "$scratch/mut-$name.out")"
    fi
done

# The rest of the README's `make check` that concerns the new lab: its
# public tests pass on the reference, and its header's clauses are all
# tested (tests/clauses.sh, run on the copy).
if (cd "$tree" && make tests/public/ref_tests) > "$scratch/pub.log" 2>&1 \
   && "$tree/tests/public/ref_tests" --filter 'scale/*' > "$scratch/pub.out" 2>&1 \
   && grep -q 'Synthesis: Tested: [1-9][0-9]* | Passing: [1-9][0-9]* | Failing: 0 | Crashing: 0' "$scratch/pub.out"; then
    ok "the reference passes the new lab's public tests ($(grep -o 'Tested: [0-9]*' "$scratch/pub.out"))"
else
    not_ok "the reference passes the new lab's public tests" "$(tail -n 20 "$scratch/pub.log" "$scratch/pub.out" 2> /dev/null)"
fi
if top_srcdir=$tree top_builddir=$tree AWK=${AWK:-awk} sh "$tree/tests/clauses.sh" > "$scratch/clauses.out" 2>&1 \
   && ! grep -q '^not ok' "$scratch/clauses.out" && grep -q 'tt_scale.h' "$scratch/clauses.out"; then
    ok "tests/clauses.sh passes on the copy: every clause of tt_scale.h has a public test"
else
    not_ok "tests/clauses.sh passes on the copy" "$(grep -A3 '^not ok' "$scratch/clauses.out" | head -n 20)"
fi

if (cd "$tree" && make student-kit) > "$scratch/kit.log" 2>&1; then
    tar -tzf "$tree"/ttlab-student-*.tar.gz | sed 's|^[^/]*/||' > "$scratch/kit.list"
    missing="" leaked=""
    for f in student/scale.c include/tt_scale.h tests/public/test_scale.c memcheck/mem_scale.c \
             "$folder/README.md" "$folder/questions.txt"; do
        grep -qx "$f" "$scratch/kit.list" || missing="$missing $f"
    done
    { grep -Fx -e "$reference" -e "$(labs_of hidden scale)" "$scratch/kit.list"
      grep -E "^($(labs_of mutants scale)|grader/hidden)/" "$scratch/kit.list"; } > "$scratch/kit.leaks" && leaked=$(cat "$scratch/kit.leaks")
    if [ -z "$missing" ] && [ -z "$leaked" ]; then
        ok "the student kit carries the new lab (skeleton, header, public tests, memory driver, handout, questions), no solution"
    else
        not_ok "the student kit carries the new lab, no solution" "missing:$missing" "leaked: $leaked"
    fi
else
    not_ok "make student-kit in the copy" "$(tail -n 30 "$scratch/kit.log")"
fi
echo "# new-lab.sh took $(( $(date +%s) - start )) s"
done_testing
