#!/bin/sh
# grade-examples.sh - ttgrade gives the reference (with the answers to the
# questions) full marks, the skeleton 0 without any grader error, and every
# bundled example submission fails exactly the items its README states (lines
# "- <lab>: passes" or "- <lab>: fails ITEM..."), so scores per lab computed
# from the rubric (tests/lib.sh, example_expect), at the time limits
# calibrated from the reference (grader/data/limits.txt): slow-correct must
# keep every point under them, whatever the machine's load, and all-hang must
# lose only its code's.
. "$top_srcdir/tests/lib.sh"
ttgrade="$top_builddir/grader/ttgrade"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"

# grade NAME DIR [OPTIONS...]: grade DIR into $scratch/NAME.json; sets $status.
grade() {
    name=$1 dir=$2; shift 2
    "$ttgrade" --quiet --json "$scratch/$name.json" "$@" "$dir" > "$scratch/$name.out" 2>&1
    status=$?
}

# The reference code, with the answers to the questions that ttquestions
# computes with the reference library (the course's own numbers), the
# skeleton and every example are graded in full as one class by ttgrade
# batch, once per make check (tests/lib.sh: graded_class; batch.sh checks
# its gradebook, grade-reports.sh its JUnit reports).
graded_class || { not_ok "the class is made and graded (tests/lib.sh: graded_class)"; done_testing; }
class_report reference reference
if [ "$status" = 0 ] && [ "$(jq -r '.score == .max_score and .max_score > 0' "$scratch/reference.json")" = true ]; then
    ok "the reference scores full marks (exit 0)"
else
    not_ok "the reference scores full marks (exit 0)" "exit $status" "$(tail -n 30 "$scratch/reference.out")"
fi

if [ "$(jq -r '.environment.limits | startswith("calibrated")' "$scratch/reference.json")" = true ]; then
    ok "the time limits are calibrated (grader/data/limits.txt)"
else
    not_ok "the time limits are calibrated (grader/data/limits.txt)" "$(jq -r .environment.limits "$scratch/reference.json")"
fi

class_report skeleton skeleton # (student/'s lab files)
if [ "$status" = 1 ] && [ "$(jq -r '.score == 0 and .status == "graded"' "$scratch/skeleton.json")" = true ] \
   && [ "$(jq -r '[.labs[] | select(.status != "graded")] | length' "$scratch/skeleton.json")" = 0 ]; then
    ok "the skeleton scores 0, every lab graded, no grader error (exit 1)"
else
    not_ok "the skeleton scores 0, every lab graded, no grader error (exit 1)" "exit $status" "$(tail -n 30 "$scratch/skeleton.out")"
fi

for dir in "$top_srcdir"/examples/submissions/*/; do
    ex=$(basename "$dir")
    example_expect scores "$dir/README.md" > "$scratch/$ex.want" 2> "$scratch/$ex.spec-err"
    example_expect fails "$dir/README.md" > "$scratch/$ex.want-fails" 2>> "$scratch/$ex.spec-err"
    if grep -q '?' "$scratch/$ex.want" || [ -s "$scratch/$ex.spec-err" ]; then
        not_ok "$ex: its README states what it must fail in every lab, naming only items of the rubric" \
            "$(cat "$scratch/$ex.spec-err" "$scratch/$ex.want")"
        continue
    fi
    class_report "$ex" "$ex"
    jq -r '.labs[] | "\(.name): \(.score)/\(.max_score)"' "$scratch/$ex.json" 2> /dev/null | LC_ALL=C sort > "$scratch/$ex.got"
    jq -r '.labs[] | .name as $l | (.tests[]?, .memory[]?, .questions[]?) | select(.score < .points)
           | "\($l) \(.category | sub("questions"; "question")):\(.name)"' "$scratch/$ex.json" 2> /dev/null \
        | LC_ALL=C sort > "$scratch/$ex.got-fails"
    if { [ "$status" = 0 ] || [ "$status" = 1 ]; } && diff "$scratch/$ex.want" "$scratch/$ex.got" > "$scratch/$ex.diff" \
       && diff "$scratch/$ex.want-fails" "$scratch/$ex.got-fails" >> "$scratch/$ex.diff"; then
        ok "$ex: fails what its README states, so per-lab scores $(tr '\n' ' ' < "$scratch/$ex.got")"
    else
        not_ok "$ex: fails what its README states" "exit $status" "$(cat "$scratch/$ex.diff")" "$(tail -n 20 "$scratch/$ex.out")"
    fi
done

# Archives: a .tar.gz of an unpacked student kit (files under student/) and a
# .zip of a flat submission grade the same as the folder.
mkdir -p "$scratch/kit/student"
cp "$top_srcdir"/examples/submissions/complete/*.c "$top_srcdir"/examples/submissions/complete/answers.txt \
    "$scratch/kit/student/"
(cd "$scratch/kit" && tar czf "$scratch/kit.tar.gz" student && zip -q -r "$scratch/flat.zip" student)
# (the memory checks are the folder's; --no-memcheck saves their time here;
# intake.sh matches its packagings against the same grading: graded)
graded folder "$top_srcdir/examples/submissions/complete" --no-memcheck
jq -c '[.score, .max_score, [.labs[] | [.name, .score, .max_score]]]' "$scratch/folder.json" > "$scratch/folder.scores"
for archive in kit.tar.gz flat.zip; do
    grade "$archive" "$scratch/$archive" --no-memcheck
    jq -c '[.score, .max_score, [.labs[] | [.name, .score, .max_score]]]' "$scratch/$archive.json" > "$scratch/$archive.scores" 2>&1
    if [ "$status" -le 1 ] && [ -s "$scratch/folder.scores" ] && cmp -s "$scratch/folder.scores" "$scratch/$archive.scores"; then
        ok "a $archive of the complete submission grades as the folder does ($(cut -c1-40 < "$scratch/$archive.scores"))"
    else
        not_ok "a $archive of the complete submission grades as the folder does" "exit $status" \
            "$(cat "$scratch/folder.scores" "$scratch/$archive.scores")" "$(tail -n 20 "$scratch/$archive.out")"
    fi
done
done_testing
