#!/bin/sh
# grade-reports.sh - ttgrade's reports carry the fields their readers use:
# Gradescope's results.json, the JUnit XML that GitLab and Jenkins read, and
# our own JSON; also after a grader error (exit 2), and with --lab and --quiet.
. "$top_srcdir/tests/lib.sh"
ttgrade="$top_builddir/grader/ttgrade"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"
command -v xmllint > /dev/null 2>&1 || skip_all "xmllint not found (apt-get install libxml2-utils)"

# check DESCRIPTION JQ-FILTER FILE: the filter must print true.
check_json() {
    if [ "$(jq -r "$2" "$3" 2> "$scratch/jq.err")" = true ]; then ok "$1"; else not_ok "$1" "$(cat "$scratch/jq.err")" "$(head -c 1500 "$3")"; fi
}
# xpath DESCRIPTION EXPR WANT FILE: the XPath expression must evaluate to WANT.
xpath() {
    got=$(xmllint --xpath "$2" "$4" 2> "$scratch/xml.err")
    if [ "$got" = "$3" ]; then ok "$1"; else not_ok "$1" "got '$got', want '$3'" "$(cat "$scratch/xml.err")"; fi
}

VIS='["hidden","after_due_date","after_published","visible"]'
# (Lab 1's extra credit is a test tagged extra_credit, worth 0: its score,
# the extra points, may exceed its max_score.)
GRADESCOPE='
  (.score | type == "number") and (.execution_time | type == "number") and (.output | type == "string")
  and ((.visibility // "visible") as $v | '"$VIS"' | index($v) != null)
  and ((.stdout_visibility // "visible") as $v | '"$VIS"' | index($v) != null)
  and (.tests | type == "array" and length > 0)
  and all(.tests[] | select((.tags // []) | index("extra_credit") | not);
      (.name | type == "string") and (.score | type == "number") and (.max_score | type == "number")
      and (.score >= 0 and .score <= .max_score) and (.status == "passed" or .status == "failed")
      and (.output | type == "string") and (.visibility as $v | '"$VIS"' | index($v) != null)
      and ((.status == "passed") == (.score == .max_score)))
  and all(.tests[] | select((.tags // []) | index("extra_credit")); .max_score == 0 and .score >= 0)
  and (([.tests[].score] | add) == .score)'

sample="$top_srcdir/examples/submissions/sample"
"$ttgrade" --student-id s123 --visibility after_due_date --gradescope "$scratch/results.json" \
    --junit "$scratch/junit.xml" --json "$scratch/report.json" "$sample" > "$scratch/out" 2>&1
status=$?
if [ "$status" -eq 1 ]; then ok "a partial submission exits 1"; else not_ok "a partial submission exits 1" "exit $status"; fi
if [ "$(tail -n 1 "$scratch/out" | grep -c '^Score: [0-9.]*/[0-9.]*$')" = 1 ]; then
    ok "the terminal report ends with Score: N/M"
else
    not_ok "the terminal report ends with Score: N/M" "$(tail -n 3 "$scratch/out")"
fi
if grep -q '^matmul: [a-z_0-9]*: OK (' "$scratch/out" && grep -q '^linear: [a-z_0-9]*: FAIL (' "$scratch/out" \
   && grep -q '^    expected' "$scratch/out" && grep -q '^    got' "$scratch/out"; then
    ok "the terminal report has one OK/FAIL line per test, with expected/got under failures"
else
    not_ok "the terminal report has one OK/FAIL line per test, with expected/got under failures" "$(head -n 40 "$scratch/out")"
fi
check_json "results.json has Gradescope's documented fields, and test scores add up to the score" "$GRADESCOPE" "$scratch/results.json"
check_json "results.json uses the instructor's visibility for the tests" 'all(.tests[]; .visibility == "after_due_date")' "$scratch/results.json"
check_json "results.json's score equals the terminal Score" \
    ".score == $(tail -n 1 "$scratch/out" | sed 's|^Score: \([0-9.]*\)/.*|\1|')" "$scratch/results.json"
check_json "our JSON report has per-lab and per-test detail, environment and phase timings" '
  .student_id == "s123" and .status == "graded" and (.labs | length == '"$(lab_count)"')
  and all(.labs[]; (.name | type == "string") and (.score | type == "number") and (.tests | type == "array"))
  and (.environment | type == "object") and (.timings.total | type == "number")
  and (.timings.compile | type == "number") and (.timings.tests | type == "number")' "$scratch/report.json"
check_json "our JSON report shows the compiler message of the lab that does not compile" '
  [.labs[] | select(.name == "sequential")][0] | (.status == "compile_error") and (.compiler_output | test("sequential.c:[0-9]+"))' "$scratch/report.json"

xsd="$top_srcdir/tests/junit-10.xsd"
# valid DESCRIPTION FILE: FILE must validate against our copy of the rules of
# Jenkins' xunit junit-10.xsd.
valid() {
    if xmllint --noout --schema "$xsd" "$2" > /dev/null 2> "$scratch/xsd.err"; then ok "$1"
    else not_ok "$1" "$(head -n 5 "$scratch/xsd.err")"; fi
}
valid "junit.xml validates against the Jenkins xunit schema (tests/junit-10.xsd)" "$scratch/junit.xml"
xpath "junit.xml: one testsuite per lab" 'count(/testsuites/testsuite)' "$(lab_count)" "$scratch/junit.xml"
xpath "junit.xml: every testcase has classname and name" \
    'count(//testcase[not(@classname) or not(@name)])' 0 "$scratch/junit.xml"
xpath "junit.xml: classname is the lab" 'count(//testsuite/testcase[@classname != ../@name])' 0 "$scratch/junit.xml"
xpath "junit.xml: every testsuite has name, tests, failures, errors, skipped, time, timestamp and hostname" \
    'count(//testsuite[not(@name) or not(@tests) or not(@failures) or not(@errors) or not(@skipped) or not(@time)
                       or not(@timestamp) or not(@hostname)])' 0 "$scratch/junit.xml"
xpath "junit.xml: each lab's suite names its file" 'count(//testsuite[@file != concat(@name, ".c")])' 0 "$scratch/junit.xml"
xpath "junit.xml: the hostname is this machine's" "count(//testsuite[@hostname != '$(hostname)'])" 0 "$scratch/junit.xml"
stamp=$(xmllint --xpath 'string(//testsuite[1]/@timestamp)' "$scratch/junit.xml" 2> /dev/null)
if [ -n "$stamp" ] && [ "$(date -u -d "$stamp" +%Y-%m-%dT%H:%M:%SZ 2> /dev/null)" = "$stamp" ] \
   && [ $(( $(date +%s) - $(date -d "$stamp" +%s) )) -lt 600 ]; then
    ok "junit.xml: the timestamp is ISO 8601 and when this grading began ($stamp)"
else
    not_ok "junit.xml: the timestamp is ISO 8601 and when this grading began" "got '$stamp'"
fi
xpath "junit.xml: every failure and error has a message and a type" \
    'count(//failure[not(@message) or not(@type)] | //error[not(@message) or not(@type)])' 0 "$scratch/junit.xml"
want_failed=$(jq '[.tests[] | select(.status == "failed")] | length' "$scratch/results.json")
xpath "junit.xml: as many failures and errors as results.json's failed tests" \
    'count(//testcase[failure or error])' "$want_failed" "$scratch/junit.xml"
xpath "junit.xml: each suite's failures and errors attributes count its <failure>s and <error>s" \
    'count(//testsuite[@failures != count(testcase/failure) or @errors != count(testcase/error)])' 0 "$scratch/junit.xml"
xpath "junit.xml: the root's counts add up the suites'" \
    'string(/testsuites/@failures = sum(//testsuite/@failures) and /testsuites/@errors = sum(//testsuite/@errors)
            and /testsuites/@tests = sum(//testsuite/@tests))' true "$scratch/junit.xml"
xpath "junit.xml: each suite's time covers its test cases' times (matmul's, the performance tier's)" \
    'count(//testsuite[number(@time) + 0.0015 * count(testcase) < sum(testcase/@time)])' 0 "$scratch/junit.xml"
xpath "junit.xml: the performance tier is a test case of matmul's suite, with its time" \
    'count(//testsuite[@name = "matmul"]/testcase[contains(@name, "performance tier") and @time > 0])' 1 "$scratch/junit.xml"
# The sample's sequential.c does not compile: <error type="compile_error">
# whose message is the compiler's first "error:" line (the JSON report has
# the compiler's output).
want_msg=$(jq -r '.labs[] | select(.name == "sequential") | .compiler_output' "$scratch/report.json" | grep -m 1 'error:')
xpath "junit.xml: a compile failure is an <error type=\"compile_error\"> with the first error: line as message" \
    'string(//testsuite[@name = "sequential"]/testcase[error/@type = "compile_error"][1]/error/@message)' \
    "$want_msg" "$scratch/junit.xml"
xpath "junit.xml: wrong results are <failure type=\"wrong_result\"> (linear's forward without bias)" \
    'string(count(//testsuite[@name = "linear"]//failure[@type = "wrong_result"]) > 0
            and count(//testsuite[@name = "linear"]//error) = 0)' true "$scratch/junit.xml"

# Points print with at most two decimals, and every report says the same
# number. In a copy of the data dir, linear's tests are worth 1.33 points
# each and module's 2.5 (whole hundredths, which the rubric requires): the
# sample fails some of both, so its scores have two decimals. A rubric with
# a third decimal is refused, naming the rule.
mkdir -p "$scratch/hundredths"
cp -R "$top_builddir/grader/data/." "$scratch/hundredths/"
$AWK '!/^#/ && $1 == "linear" && $2 !~ /^memory:/ { $3 = "1.33" } !/^#/ && $1 == "module" && $2 !~ /^memory:/ { $3 = "2.5" } { print }' \
    "$top_builddir/grader/data/rubric.txt" > "$scratch/hundredths/rubric.txt"
h="$scratch/hundredths"
"$ttgrade" --datadir "$h" --no-memcheck --no-perf --visibility visible --json "$scratch/h.json" --gradescope "$scratch/h-gs.json" \
    --junit "$scratch/h-junit.xml" --prairielearn "$scratch/h-pl.json" --autolab "$sample" > "$scratch/h.out" 2>&1
total=$(grep '^Score: ' "$scratch/h.out" | sed 's|^Score: \([0-9.]*\)/.*|\1|')
# a score is "N/M" in a text, a property's value in JUnit
LONG='[0-9]+\.[0-9]{3,}/|/[0-9]+\.[0-9]{3,}|"score" value="[0-9]+\.[0-9]{3,}'
long=$({ cat "$scratch/h.out" "$scratch/h-junit.xml"; jq -r '.output' "$scratch/h-gs.json"; jq -r '.message, .output' "$scratch/h-pl.json"; } |
       grep -oE "$LONG" | head -n 3)
# hundredths PATH: the scores' numbers under PATH in a JSON report are whole hundredths
hundredths() {
    echo "[$1 | .. | objects | to_entries[] | select(.key | test(\"^(score|max_score|points|max_points)\$\")) | .value
          | select(type == \"number\")] as \$v | (\$v | length) > 10 and all(\$v[]; (. * 100 - (. * 100 | round) | fabs) < 1e-9)"
}
case $total in
*.[0-9]*) ;;
*) total="" ;;
esac
if [ -n "$total" ] && [ -z "$long" ] && grep -q '^linear: [a-z_0-9]*: FAIL (.*) \[0/1\.33\]$' "$scratch/h.out" \
   && grep -q '^linear: [a-z_0-9]*: OK (.*) \[1\.33/1\.33\]$' "$scratch/h.out" \
   && grep -q "<property name=\"score\" value=\"[0-9]*\.[0-9][0-9]\"/>" "$scratch/h-junit.xml" \
   && jq -r '.output' "$scratch/h-gs.json" | grep -q "^Total: $total/" \
   && jq -r '.message' "$scratch/h-pl.json" | grep -q "^Score: $total/"; then
    ok "points of 1.33 and 2.5: the terminal, JUnit, Gradescope's and PrairieLearn's texts print at most two decimals (Score: $total)"
else
    not_ok "points print with at most two decimals in every text report" "Score: $total; too long: $long" "$(grep -m 5 'linear' "$scratch/h.out")"
fi
check_json "points of 1.33 and 2.5: our JSON's scores and points are whole hundredths, its score the terminal's" \
    "$(hundredths .) and .score == $total" "$scratch/h.json"
check_json "points of 1.33 and 2.5: Gradescope's scores are whole hundredths and add up to its score" \
    "$(hundredths .) and .score == $total and (([.tests[].score] | add) * 100 | round) == ($total * 100 | round)" "$scratch/h-gs.json"
check_json "points of 1.33 and 2.5: PrairieLearn's points are whole hundredths, its score a fraction to 1e-4" \
    "$(hundredths .tests) and ((.score * 1e4 - (.score * 1e4 | round)) | fabs) < 1e-9" "$scratch/h-pl.json"
tail -n 1 "$scratch/h.out" > "$scratch/h-autolab.json"
check_json "points of 1.33 and 2.5: Autolab's scoreboard starts with the terminal's score, every number whole hundredths" \
    ".scoreboard[0] == $total and all(.scoreboard[], .scores[]; (. * 100 - (. * 100 | round) | fabs) < 1e-9)" "$scratch/h-autolab.json"
# PrairieLearn's external grader results.json, and Autolab's scores line
# (the last line of stdout), against the same grading's JSON report (the
# grading above, with points of 1.33 and 2.5: one grading fewer).
check_json "results.json for PrairieLearn has its documented fields (gradable, score in [0,1], message, output, tests[])" '
  .gradable == true and (.score | type == "number") and .score >= 0 and .score <= 1
  and (.message | type == "string") and (.output | type == "string") and (.tests | length > 0)
  and all(.tests[]; (.name | type == "string") and (.description | type == "string")
      and (.points | type == "number") and (.max_points | type == "number")
      and (.message | type == "string") and (.output | type == "string") and .points >= 0
      and (.points <= .max_points or .max_points == 0))' "$scratch/h-pl.json"
check_json "PrairieLearn's score is the grade's fraction (to 1e-4), and its tests add up to it" \
    "((.score - $(jq '.score / .max_score' "$scratch/h.json")) | fabs) <= 5.0001e-5
     and ((.score - (([.tests[].points] | add) / ([.tests[].max_points] | add))) | fabs) <= 5.0001e-5" "$scratch/h-pl.json"
tail -n 1 "$scratch/h.out" > "$scratch/autolab.json"
check_json "--autolab: the last line is Autolab's scores line, one score per lab as graded, the total first on the scoreboard" "
  (.scores | keys_unsorted) == $(jq -c '[.labs[].name]' "$scratch/h.json")
  and ([.scores[]] == $(jq -c '[.labs[].score]' "$scratch/h.json"))
  and .scoreboard[0] == $(jq '.score' "$scratch/h.json") and all(.scoreboard[]; type == \"number\")" "$scratch/autolab.json"

$AWK '!/^#/ && $1 == "linear" && $2 !~ /^memory:/ && !d { $3 = "1.333"; d = 1 } { print }' \
    "$top_builddir/grader/data/rubric.txt" > "$scratch/hundredths/rubric.txt"
"$ttgrade" --datadir "$h" --no-memcheck --no-perf "$sample" > "$scratch/h3.out" 2>&1
status=$?
if [ "$status" -eq 2 ] && grep -q 'rubric.txt:[0-9]*: .*at most two decimals' "$scratch/h3.out"; then
    ok "a rubric worth 1.333 points is refused (exit 2), naming the line and the rule"
else
    not_ok "a rubric worth 1.333 points is refused, naming the line and the rule" "exit $status" "$(head -n 3 "$scratch/h3.out")"
fi

# --lab and --quiet
"$ttgrade" --quiet --lab matmul --lab flatten --json "$scratch/two.json" "$sample" > "$scratch/two.out" 2>&1
status=$?
check_json "--lab grades only the labs named" '[.labs[].name] == ["matmul", "flatten"] and .score == .max_score' "$scratch/two.json"
if [ "$status" -eq 0 ] && [ "$(wc -l < "$scratch/two.out")" -eq 1 ] && grep -q '^Score: ' "$scratch/two.out"; then
    ok "--quiet prints only the Score line; full marks on the labs asked for exit 0"
else
    not_ok "--quiet prints only the Score line; full marks on the labs asked for exit 0" "exit $status" "$(cat "$scratch/two.out")"
fi

# A grader error still writes every report, with score 0 and the reason
# (for PrairieLearn: not gradable, so the attempt does not count; for Autolab
# no scores line, so Autolab reports the failure instead of a 0).
"$ttgrade" --gradescope "$scratch/err-results.json" --junit "$scratch/err-junit.xml" --json "$scratch/err.json" \
    --prairielearn "$scratch/err-pl.json" --autolab "$scratch/no such submission" > "$scratch/err.out" 2> "$scratch/err.err"
status=$?
if [ "$status" -eq 2 ]; then ok "a missing submission exits 2"; else not_ok "a missing submission exits 2" "exit $status"; fi
check_json "after an error, results.json has score 0 and says why" \
    '.score == 0 and (.output | test("no such submission"; "i"))' "$scratch/err-results.json"
check_json "after an error, our JSON report has status error and the reason" \
    '.score == 0 and .status == "error" and (.error | type == "string")' "$scratch/err.json"
valid "after an error, junit.xml is still written and validates" "$scratch/err-junit.xml"
check_json "after an error, PrairieLearn's results.json says not gradable, with format_errors, and no score" \
    '.gradable == false and (.format_errors | length > 0) and all(.format_errors[]; test("no such submission"))
     and has("score") == false' "$scratch/err-pl.json"
if [ ! -s "$scratch/err.out" ] && [ "$(wc -l < "$scratch/err.err")" -eq 1 ]; then
    ok "after an error: nothing on stdout (no Score, no Autolab line), one line on stderr"
else
    not_ok "after an error: nothing on stdout (no Score, no Autolab line), one line on stderr" "$(head -c 400 "$scratch/err.out")" "$(head -c 400 "$scratch/err.err")"
fi
xpath "after an error, junit.xml has errors, no failures" \
    'string(/testsuites/@errors > 0 and /testsuites/@failures = 0 and count(//failure) = 0)' true "$scratch/err-junit.xml"

"$ttgrade" --no-such-option > "$scratch/usage.out" 2>&1
status=$?
if [ "$status" -eq 2 ] && grep -q "ttgrade --help" "$scratch/usage.out"; then ok "a usage error exits 2 and points at --help"; else not_ok "a usage error exits 2 and points at --help" "exit $status"; fi
"$ttgrade" --help > "$scratch/help.out" 2>&1 && grep -q -- '--gradescope' "$scratch/help.out" && ok "--help lists the options" || not_ok "--help lists the options"
# Every example's JUnit validates, and each kind of fault has its element:
# a crash or hang is an <error> (crash, timeout), a memory error a <failure>.
# kinds EXAMPLE ELEMENT TYPE: the example's report has at least one.
# (Each example's full grading is one student of the class that batch.sh
# and grade-examples.sh read too: graded_class, tests/lib.sh.)
graded_class || not_ok "the class is made and graded (tests/lib.sh: graded_class)"
for ex in $(cd "$top_srcdir/examples/submissions" && ls -d */ | LC_ALL=C sort); do
    ex=${ex%/}
    class_report "ex-$ex" "$ex"
    valid "examples/submissions/$ex: junit.xml validates" "$scratch/ex-$ex.xml"
done
xpath "crash: a crashing test is an <error type=\"crash\">" 'string(count(//error[@type = "crash"]) > 0)' true "$scratch/ex-crash.xml"
xpath "infinite-loop: a hanging test is an <error type=\"timeout\">" \
    'string(count(//error[@type = "timeout"]) > 0)' true "$scratch/ex-infinite-loop.xml"
xpath "double-free-module: the double free is a <failure type=\"memory_error\">" \
    'string(count(//testsuite[@name = "module"]//failure[@type = "memory_error"]) > 0)' true "$scratch/ex-double-free-module.xml"
xpath "wrong-matmul: a wrong product is a <failure type=\"wrong_result\">, not an error" \
    'string(count(//testsuite[@name = "matmul"]//failure[@type = "wrong_result"]) > 0
            and count(//testsuite[@name = "matmul"]//error) = 0)' true "$scratch/ex-wrong-matmul.xml"
xpath "missing lab files are <error type=\"missing_file\">" \
    'string(count(//testsuite[@name = "matmul"]//error[@type = "missing_file"]) > 0)' true "$scratch/ex-crash.xml"
done_testing
