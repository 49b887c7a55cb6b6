#!/bin/sh
# questions.sh - the systems questions. The banks load and compute for many
# students; the course's numbers come out of the library (no bank holds
# them); each student gets other numbers, always the same ones; and ttgrade
# grades answers.txt: right answers score full marks, unit mistakes lose
# exactly those questions, garbage and a missing or foreign file are reported
# plainly, and the tests' scores never change.
. "$top_srcdir/tests/lib.sh"
ttgrade="$top_builddir/grader/ttgrade"
ttq="$top_builddir/grader/ttquestions"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"
command -v xmllint > /dev/null 2>&1 || skip_all "xmllint not found (apt-get install libxml2-utils)"
# One bank per lab of labs/manifest; the counts below are the banks' own.
set --
for lab in $(lab_names); do set -- "$@" "$top_srcdir/$(lab_folder "$lab")/questions.txt"; done
rubric_items > "$scratch/items"
n_q=$($AWK '$2 ~ /^question:/ { n++ } END { print n + 0 }' "$scratch/items")
q_points=$($AWK '$2 ~ /^question:/ { t += $3 } END { printf "%g", t }' "$scratch/items")
[ "$n_q" -gt 0 ] || { not_ok "the labs have questions" "$(cat "$scratch/items")"; done_testing; }

# check DESCRIPTION JQ-FILTER FILE: the filter must print true.
check_json() {
    if [ "$(jq -r "$2" "$3" 2> "$scratch/jq.err")" = true ]; then ok "$1"; else not_ok "$1" "$(cat "$scratch/jq.err")" "$(head -c 2000 "$3")"; fi
}
# grade NAME DIR [OPTIONS...]: ttgrade DIR into $scratch/NAME.{json,out}; sets $status.
grade() {
    name=$1 dir=$2; shift 2
    "$ttgrade" --timeout 2 --json "$scratch/$name.json" "$@" "$dir" > "$scratch/$name.out" 2>&1
    status=$?
}
# answers_dir NAME: a fresh submission folder $scratch/NAME (answers only).
answers_dir() { rm -rf "$scratch/$1"; mkdir -p "$scratch/$1"; }

# ---------------------------------------------------------------- banks --
if "$ttq" --check=10 "$@" > "$scratch/check.out" 2>&1; then
    ok "every bank loads, and every question computes for 11 variants"
else
    not_ok "every bank loads and every question computes" "$(cat "$scratch/check.out")"
fi

"$ttq" --expected "$@" > "$scratch/default.txt" 2> "$scratch/default.err"
for want in 'linear.mlp_params = 235,146 parameters' 'sequential.wide_params = 669,706 parameters' \
            'sequential.deep_params = 151,306 parameters' 'matmul.mlp_forward_flops = 15,036,736 FLOPs' \
            'sequential.wide_memory_mb = 2.67882 MB' 'module.large_model_memory = 700 GB'; do
    if grep -q "^$want " "$scratch/default.txt"; then
        ok "the course's variant, measured with the library: $want"
    else
        not_ok "the course's variant, measured with the library: $want" "$(cat "$scratch/default.txt" "$scratch/default.err")"
    fi
done
if grep -nE '235,?146|669,?706|151,?306|15,?036,?736|14,?774,?592' "$@" > "$scratch/stored" 2>&1; then
    not_ok "no bank stores those answers" "$(cat "$scratch/stored")"
else
    ok "no bank stores those answers (they are computed)"
fi

# ------------------------------------------------------------- variants --
"$ttq" --expected --student-id s1001 "$@" > "$scratch/s1001.a" 2>&1
"$ttq" --expected --student-id s1001 "$@" > "$scratch/s1001.b" 2>&1
"$ttq" --expected --student-id s1002 "$@" > "$scratch/s1002" 2>&1
if cmp -s "$scratch/s1001.a" "$scratch/s1001.b" && [ -s "$scratch/s1001.a" ]; then
    ok "the same student gets the same numbers on every run"
else
    not_ok "the same student gets the same numbers on every run" "$(diff "$scratch/s1001.a" "$scratch/s1001.b")"
fi
differ=$(diff "$scratch/s1001.a" "$scratch/s1002" | grep -c '^<')
if [ "$differ" -ge 10 ] && ! cmp -s "$scratch/s1001.a" "$scratch/default.txt"; then
    ok "two students get different numbers ($differ of $n_q answers differ), both unlike the course's"
else
    not_ok "two students get different numbers" "only $differ answers differ"
fi

# ----------------------------------------------------- the answers sheet --
answers_dir sheet
"$ttq" --student-id s1001 -o "$scratch/sheet/answers.txt" "$@" 2> "$scratch/sheet.err"
if grep -q '^student-id: s1001$' "$scratch/sheet/answers.txt" && grep -q '^linear\.mlp_params:$' "$scratch/sheet/answers.txt" \
   && grep -q '^#   Answer in: MiB, where 1 MiB = 2^20' "$scratch/sheet/answers.txt" \
   && [ "$(grep -c '^[a-z]*\.[a-z0-9_]*:$' "$scratch/sheet/answers.txt")" -eq "$n_q" ]; then
    ok "the sheet records the student id, has every question with its unit, and $n_q blanks"
else
    not_ok "the sheet records the student id, has every question with its unit, and $n_q blanks" "$(head -n 40 "$scratch/sheet/answers.txt" "$scratch/sheet.err")"
fi
if ! "$ttq" --student-id s1001 -o "$scratch/sheet/answers.txt" "$@" 2> "$scratch/again.err" \
   && grep -q 'exists already' "$scratch/again.err" && "$ttq" --force -o "$scratch/sheet/answers.txt" "$@" 2> /dev/null; then
    ok "the sheet never replaces an existing answers.txt, unless forced"
else
    not_ok "the sheet never replaces an existing answers.txt, unless forced" "$(cat "$scratch/again.err")"
fi

# ----------------------------------------------------------------- grading --
answers_dir right
"$ttq" --key --student-id s1001 -o "$scratch/right/answers.txt" "$@" 2> /dev/null
grade right "$scratch/right" --student-id s1001 --gradescope "$scratch/right-gs.json" --junit "$scratch/right.xml"
check_json "right answers score full marks on every question (student s1001's own numbers)" '
  .questions.variant == "s1001" and .questions.answers_file == "found" and .questions.answers_student_id == "s1001"
  and ([.labs[].questions[]] | length == '"$n_q"')
  and all(.labs[].questions[]; .category == "questions" and .status == "passed" and .score == .points)
  and ([.labs[].questions[].points] | add == '"$q_points"')' "$scratch/right.json"
check_json "results.json lists the questions with their points" \
    '[.tests[] | select(.name | test("^[a-z][a-z0-9_]*: question: "))] | length == '"$n_q"' and all(.[]; .score == .max_score)' "$scratch/right-gs.json"
if xmllint --noout "$scratch/right.xml" 2> /dev/null && \
   [ "$(xmllint --xpath 'count(//testcase[starts-with(@name, "question: ")][not(failure)])' "$scratch/right.xml")" = "$n_q" ]; then
    ok "junit.xml has one passing testcase per question"
else
    not_ok "junit.xml has one passing testcase per question"
fi

# Unit mistakes: MB and MiB mixed up, in both directions.
answers_dir units
$AWK '
/^(linear\.mlp_memory_mb|sequential\.wide_memory_mb): / { printf "%s %.4g MB\n", $1, $2 * 1e6 / 1048576; next }
/^sequential\.deep_memory_mib: / { printf "%s %.4g MiB\n", $1, $2 * 1048576 / 1e6; next }
{ print }' "$scratch/right/answers.txt" > "$scratch/units/answers.txt"
grade units "$scratch/units" --student-id s1001
check_json "MB and MiB mixed up: exactly those three questions lost" '
  [.labs[].questions[] | select(.status == "failed") | .name] | sort == ["deep_memory_mib", "mlp_memory_mb", "wide_memory_mb"]' \
    "$scratch/units.json"

# Forgiving on format (even a byte-order mark and CRLF line ends), strict on meaning.
answers_dir forms
printf '\357\273\277student-id: -\r\n' > "$scratch/forms/answers.txt"
cat >> "$scratch/forms/answers.txt" << 'EOF'
linear.mlp_params: 2.35146e5
linear.first_layer_share: 85.5%
linear.mlp_memory_mb: 0.94MB
linear.output_bytes: 65_536 B
matmul.product_flops: 12.845056 MFLOPs
matmul.product_bytes: 935,936 bytes
matmul.mlp_forward_flops: 1.5e7
EOF
grade forms "$scratch/forms" --lab linear --lab matmul
check_json "forgiving formats: 2.35146e5, 85.5%, 0.94MB, 65_536 B, 12.845056 MFLOPs all right" '
  .questions.answers_student_id == "-" and ([.labs[].questions[] | select(.status == "passed") | .name] | sort)
  == (["mlp_memory_mb", "mlp_params", "first_layer_share", "output_bytes", "product_flops"] | sort)' "$scratch/forms.json"
check_json "strict meaning: bytes for a KiB question, and 1.5e7 for an exact count, are wrong" '
  ([.labs[].questions[] | select(.name == "mlp_forward_flops")][0].output | test("answers.txt:8: \"1.5e7\" is wrong"))
  and ([.labs[].questions[] | select(.name == "product_bytes")][0].output | test("is in bytes, but the question asks for KiB"))' \
    "$scratch/forms.json"

# Feedback shows the expected value only with --reveal-answers.
grade units-reveal "$scratch/units" --student-id s1001 --reveal-answers
check_json "by default the feedback says wrong, without the expected value" \
    '[.labs[].questions[].output | select(test("expected"))] | length == 0' "$scratch/units.json"
check_json "with --reveal-answers it shows the expected value" '
  [.labs[].questions[] | select(.status == "failed") | .output | select(test("\nexpected: [0-9.]+ M"))] | length == 3' \
    "$scratch/units-reveal.json"

# Another student's file, and the course's file for a student.
grade other "$scratch/right" --student-id s1002
check_json "a file for another student scores 0 on every question, and says so" '
  .questions.answers_file == "other_student" and all(.labs[].questions[]; .status == "failed"
  and (.output | test("answers.txt is for student s1001 .*this grade is for student s1002")))' "$scratch/other.json"
grade nosid "$scratch/right"
check_json "without --student-id, a student's file is reported: grade it with --student-id" '
  all(.labs[].questions[]; .status == "failed" and (.output | test("--student-id s1001")))' "$scratch/nosid.json"

# Garbage, next to correct code: 0 for the questions, line-numbered notes,
# and the tests as they were.
answers_dir garbage
cp "$top_srcdir"/examples/submissions/complete/*.c "$scratch/garbage/"
printf 'PK\003\004\377\376garbage\000\001\n%s\n\n:::: 12\nlinear mlp params is 235146\n\200\201\202\n' \
    'my answers are below' > "$scratch/garbage/answers.txt"
grade garbage "$scratch/garbage" --no-memcheck --lab linear --lab sequential
check_json "a garbage answers.txt: every question 0, each saying which lines could not be read" '
  all(.labs[].questions[]; .status == "failed" and (.output | test("could not be read, the first is line 1")))
  and (.questions.notes | map(select(test("^answers.txt:[0-9]+: cannot read"))) | length == 5)' "$scratch/garbage.json"
check_json "... and the hidden tests all pass as before (exit 1 only for the questions)" '
  ([.labs[].tests[] | select(.status != "passed")] | length == 0) and ([.labs[].tests[]] | length > 20)
  and .status == "graded"' "$scratch/garbage.json"
if [ "$status" -eq 1 ] && grep -q '^questions: about answers.txt:' "$scratch/garbage.out" \
   && grep -q '^    answers.txt:4: cannot read ":::: 12"' "$scratch/garbage.out"; then
    ok "the terminal report lists the unreadable lines with their numbers"
else
    not_ok "the terminal report lists the unreadable lines with their numbers" "exit $status" "$(tail -n 30 "$scratch/garbage.out")"
fi

# No answers.txt at all; a symbolic link; a file too large.
answers_dir missing
cp "$top_srcdir"/examples/submissions/complete/flatten.c "$scratch/missing/"
grade missing "$scratch/missing" --lab flatten --no-memcheck
check_json "no answers.txt: its questions score 0 with that reason, the tests as usual" '
  .questions.answers_file == "missing" and all(.labs[].questions[]; .status == "failed"
  and .output == "answers.txt not found in the submission") and all(.labs[].tests[]; .status == "passed")' \
    "$scratch/missing.json"
if grep -q '^flatten: question: conv_in_features: FAIL' "$scratch/missing.out" \
   && grep -q '^    answers.txt not found in the submission$' "$scratch/missing.out"; then
    ok "the terminal report says plainly that answers.txt is missing"
else
    not_ok "the terminal report says plainly that answers.txt is missing" "$(tail -n 12 "$scratch/missing.out")"
fi
answers_dir link
ln -s "$scratch/right/answers.txt" "$scratch/link/answers.txt"
grade link "$scratch/link" --lab linear
check_json "a symbolic link is refused, never followed" '
  .questions.answers_file == "refused" and all(.labs[].questions[]; .output | test("symbolic link"))' "$scratch/link.json"
answers_dir big
$AWK 'BEGIN { for (i = 0; i < 3000; i++) print "# padding padding padding" }' > "$scratch/big/answers.txt"
grade big "$scratch/big" --lab linear
check_json "an answers.txt over 64 KiB is refused" \
    'all(.labs[].questions[]; .output | test("larger than 64 KiB"))' "$scratch/big.json"

# ------------------------------------------------------------ student ids --
# One rule (grader/student_id.c): blanks around an id are dropped everywhere,
# so the sheet drawn for s1001 grades every question under --student-id " s1001<tab>".
grade padded "$scratch/right" --student-id " s1001	"
check_json "--student-id with blanks around it: trimmed, so s1001's own sheet scores all $n_q" '
  .questions.variant == "s1001" and ([.labs[].questions[] | select(.status == "passed")] | length == '"$n_q"')' \
    "$scratch/padded.json"
"$ttq" --student-id " s1001 " "$@" > "$scratch/padded.sheet" 2>&1
"$ttq" --student-id s1001 "$@" > "$scratch/plain.sheet" 2>&1
if cmp -s "$scratch/padded.sheet" "$scratch/plain.sheet" && grep -q '^student-id: s1001$' "$scratch/padded.sheet"; then
    ok "ttquestions trims the id the same way: the same sheet for \" s1001 \" and s1001"
else
    not_ok "ttquestions trims the id the same way" "$(diff "$scratch/padded.sheet" "$scratch/plain.sheet" | head -n 5)"
fi
long=$($AWK 'BEGIN { while (n++ < 129) printf "a" }')
bad_ids=0
for id in '' '   ' '-' '-x' '.hidden' 'élève' 's1,2' "$long"; do
    "$ttgrade" --student-id "$id" "$scratch/right" > /dev/null 2> "$scratch/badid.err"; s1=$?
    "$ttq" --student-id "$id" "$@" > /dev/null 2> "$scratch/badid2.err"; s2=$?
    if [ "$s1" -ne 2 ] || [ "$s2" -ne 2 ] || ! grep -q 'bad --student-id' "$scratch/badid.err" \
       || ! grep -q 'bad --student-id' "$scratch/badid2.err"; then
        bad_ids="$bad_ids [$id]: ttgrade $s1, ttquestions $s2"
    fi
done
if [ "$bad_ids" = 0 ]; then
    ok "ids that cannot be used (empty, blank, -, -x, .hidden, élève, a comma, 129 characters): exit 2 in both tools"
else
    not_ok "ids that cannot be used: exit 2 in both tools" "$bad_ids" "$(cat "$scratch/badid.err" "$scratch/badid2.err")"
fi

# -------------------------------------------------- encodings, line ends --
# The same right answers, saved as Windows and old Mac editors save them.
for enc in crlf cr utf16le utf16be; do
    answers_dir "$enc"
    case $enc in
    crlf) $AWK '{ printf "%s\r\n", $0 }' "$scratch/right/answers.txt" ;;
    cr) tr '\n' '\r' < "$scratch/right/answers.txt" ;;
    utf16le) printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$scratch/right/answers.txt" ;;
    utf16be) printf '\376\377'; iconv -f UTF-8 -t UTF-16BE "$scratch/right/answers.txt" ;;
    esac > "$scratch/$enc/answers.txt"
    grade "$enc" "$scratch/$enc" --student-id s1001
    check_json "answers.txt saved as $enc: read as it was written, all $n_q" '
      .questions.answers_file == "found" and ([.labs[].questions[] | select(.status == "passed")] | length == '"$n_q"')' \
        "$scratch/$enc.json"
done
kit_bad=""
for enc in crlf cr utf16le utf16be; do
    "$top_builddir/kit/check-answers" "$scratch/$enc/answers.txt" "$@" > "$scratch/kit-$enc.out" 2>&1
    grep -q '(student-id: s1001)' "$scratch/kit-$enc.out" \
        && [ "$($AWK -F'[ /]' '/answers readable/ && $4 == $5 { n++ } END { print n + 0 }' "$scratch/kit-$enc.out")" -eq 5 ] \
        || kit_bad="$kit_bad $enc"
done
if [ -z "$kit_bad" ]; then
    ok "the student kit's check-answers reads those four files as the grader does: every answer readable"
else
    not_ok "the student kit's check-answers reads those four files as the grader does" "failed:$kit_bad" "$(cat "$scratch/kit-cr.out")"
fi
answers_dir badutf16
printf '\377\376s\000t\000\000\330x' > "$scratch/badutf16/answers.txt" # a lone high surrogate
grade badutf16 "$scratch/badutf16" --lab linear
check_json "a UTF-16 answers.txt that is not valid UTF-16 is refused, saying to save it as UTF-8" '
  .questions.answers_file == "refused" and all(.labs[].questions[]; .output | test("not valid UTF-16: save it as UTF-8"))' \
    "$scratch/badutf16.json"

# ------------------------------------------------ exact counts, duplicates --
# linear.mlp_params's course value, from the library (ttquestions --expected).
params=$(sed -n 's/^linear\.mlp_params = \([0-9,]*\) .*/\1/p' "$scratch/default.txt" | tr -d ,)
answers_dir exact
{
    echo "student-id: -"
    echo "linear.mlp_params: $params.000000000001"
    echo "linear.mlp_memory_mb: 1e-9999999"
    echo "linear.first_layer_share: 1e99999"
} > "$scratch/exact/answers.txt"
grade exact "$scratch/exact" --lab linear
answers_dir exact2
printf 'student-id: -\nlinear.mlp_params: %s.000000000000000000000000000000e0\n' "$params" > "$scratch/exact2/answers.txt"
grade exact2 "$scratch/exact2" --lab linear
check_json "an exact count is read as an exact decimal: $params.000000000001 is wrong (not a whole number)" '
  [.labs[].questions[] | select(.name == "mlp_params")][0] | .status == "failed"
  and (.output | test("is wrong \\(the answer is a whole number\\)"))' "$scratch/exact.json"
check_json "... and $params.000...0e0 (30 zeros) is right" '
  [.labs[].questions[] | select(.name == "mlp_params")][0].status == "passed"' "$scratch/exact2.json"
answers_dir dups
{
    echo "student-id: -"
    echo "linear.mlp_params: $params"
    echo "linear.mlp_params: $(echo "$params" | sed 's/\(...\)$/,\1/') parameters"
    echo "linear.output_bytes: 1"
    echo "linear.output_bytes: 2"
} > "$scratch/dups/answers.txt"
grade dups "$scratch/dups" --lab linear
check_json "the same answer twice (two spellings) counts once; two different answers still say keep one" '
  ([.labs[].questions[] | select(.name == "mlp_params")][0].status == "passed")
  and ([.labs[].questions[] | select(.name == "output_bytes")][0].output
       | test("answers.txt:4 and answers.txt:5 both answer linear.output_bytes: keep one answer"))' "$scratch/dups.json"

"$ttgrade" --help > "$scratch/help.out" 2>&1
if grep -q -- '--reveal-answers' "$scratch/help.out" && grep -q -- '--student-id ID' "$scratch/help.out" \
   && grep -q 'answers.txt' "$scratch/help.out"; then
    ok "ttgrade --help explains --student-id, --reveal-answers and answers.txt"
else
    not_ok "ttgrade --help explains --student-id, --reveal-answers and answers.txt" "$(cat "$scratch/help.out")"
fi
done_testing
