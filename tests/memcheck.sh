#!/bin/sh
# memcheck.sh - the memory checks (grader/memcheck.h, memcheck/): the drivers
# and the rubric agree; the reference gets every memory point with ttgrade
# itself Valgrind-clean, and one Valgrind (ttmemhost, itself clean) runs the
# five drivers; the leak and double-free examples lose exactly their
# scenarios with feedback that names the student's file and line; a crash
# fails its scenario and the ones after it; the skeleton earns nothing;
# --no-memcheck and a missing Valgrind mark the points ungraded in every
# report; and a rubric with unequal memory totals is refused.
. "$top_srcdir/tests/lib.sh"
ttgrade="$top_builddir/grader/ttgrade"
examples="$top_srcdir/examples/submissions"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"
command -v xmllint > /dev/null 2>&1 || skip_all "xmllint not found (apt-get install libxml2-utils)"

# check DESCRIPTION JQ-FILTER FILE [DETAIL]: the filter must print true.
check_json() {
    if [ "$(jq -r "$2" "$3" 2> "$scratch/jq.err")" = true ]; then ok "$1"; else
        not_ok "$1" "$(cat "$scratch/jq.err")" "$(jq -c '[.labs[] | {name, memory: [.memory[] | {name, status, output}]}]' "$3" 2>&1 | head -c 3000)" "${4:-}"
    fi
}

# 1. The drivers and the rubric list the same scenarios; outside Valgrind
#    every scenario runs on the reference.
for lab in $(lab_names); do
    prog="$top_builddir/memcheck/ref_mem_$lab"
    "$prog" --list | cut -f 1 | sort > "$scratch/$lab.drv"
    $AWK -v lab="$lab" '$1 == lab && $2 ~ /^memory:/ { sub(/^memory:/, "", $2); print $2 }' \
        "$top_builddir/grader/rubric.txt" | sort > "$scratch/$lab.rub"
    if [ -s "$scratch/$lab.drv" ] && diff "$scratch/$lab.drv" "$scratch/$lab.rub" > "$scratch/$lab.diff"; then
        ok "$lab: the rubric has one memory line per scenario of mem_$lab"
    else
        not_ok "$lab: the rubric has one memory line per scenario of mem_$lab" "$(cat "$scratch/$lab.diff")"
    fi
    if "$prog" > "$scratch/$lab.native" 2>&1 && ! grep -q ': not run: ' "$scratch/$lab.native"; then
        ok "$lab: outside Valgrind, every scenario of mem_$lab runs on the reference"
    else
        not_ok "$lab: outside Valgrind, every scenario of mem_$lab runs on the reference" "$(cat "$scratch/$lab.native")"
    fi
done

[ -n "${VALGRIND:-}" ] || { not_ok "valgrind is installed (apt-get install valgrind)"; done_testing; }

# The memory scenarios and their points, as the rubric (made from the
# MEM_SCENARIO lines of each lab's mem_<lab>.c) has them.
rubric="$top_builddir/grader/rubric.txt"
n_scen=$($AWK '$2 ~ /^memory:/ { n++ } END { print n + 0 }' "$rubric")
mem_total=$($AWK '$2 ~ /^memory:/ { t += $3 } END { printf "%g", t }' "$rubric")
mem_of() { $AWK -v lab="$1" '$1 == lab && $2 ~ /^memory:/ { t += $3 } END { printf "%g", t }' "$rubric"; }
tests_of() { $AWK -v lab="$1" '$1 == lab && $2 !~ /^(memory|perf):/ && !/^#/ { t += $3 } END { printf "%g", t }' "$rubric"; }

copy_reference "$scratch/reference"
# 2. A full grading of the reference, with ttgrade itself under Valgrind
#    (its children run natively): every memory point, no error, no leak.
#    (No --track-origins: it finds nothing more, and costs a sixth of the
#    run; add it by hand to see where an uninitialised value came from.)
"$VALGRIND" --trace-children=no --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --log-file="$scratch/self.vg" \
    "$ttgrade" --json "$scratch/ref.json" --gradescope "$scratch/ref-gs.json" --junit "$scratch/ref-junit.xml" \
    "$scratch/reference" > "$scratch/ref.out" 2>&1
status=$?
check_json "the reference gets every memory point: $n_scen scenarios, $mem_total/$mem_total, all passed" '
  ([.labs[].memory[]] | length == '"$n_scen"') and all(.labs[].memory[]; .status == "passed" and .score == .points)
  and ([.labs[].memory[].score] | add == '"$mem_total"') and .memcheck.status == "graded"
  and all(.labs[]; .memcheck_time | type == "number")' "$scratch/ref.json"
if [ "$status" -ne 99 ] && [ "$status" -le 1 ] && grep -q 'ERROR SUMMARY: 0 errors' "$scratch/self.vg" \
   && ! grep -q 'definitely lost: [1-9]\|indirectly lost: [1-9]' "$scratch/self.vg"; then
    ok "ttgrade itself is Valgrind-clean on a full grading (no error, nothing definitely or indirectly lost)"
else
    not_ok "ttgrade itself is Valgrind-clean on a full grading" "exit $status" "$(grep -A12 'Invalid\|uninitialised\|lost in\|SUMMARY' "$scratch/self.vg" | head -n 60)"
fi
# 2b. The memory checks run in one Valgrind: the host (memcheck/ttmemhost)
#     and a child per lab, each with its own report; the host's own report
#     holds no record at all (not even a block still reachable). (This run
#     is also 9. below's: a copy of the data dir where matmul's first memory
#     scenario is worth one more point, which changes no report's records.)
mkdir -p "$scratch/data"
cp -R "$top_builddir/grader/data/." "$scratch/data/"
$AWK '$1 == "matmul" && $2 ~ /^memory:/ && !done { $3 += 1; done = 1 } { print }' \
    "$top_builddir/grader/data/rubric.txt" > "$scratch/data/rubric.txt"
"$ttgrade" --memcheck-only --keep --datadir "$scratch/data" --json "$scratch/rubric.json" "$scratch/reference" \
    > "$scratch/keep.out" 2>&1
kept=$(sed -n 's/^ttgrade: kept the scratch directory //p' "$scratch/keep.out")
host_errors=- children=0
if [ -n "$kept" ] && [ -d "$kept/out" ]; then
    for x in "$kept"/out/mem1.*.xml; do
        [ -f "$x" ] || continue
        if grep -q '<clientmsg>' "$x"; then
            grep -q ' done$\| done<' "$x" && children=$((children + 1))
        else
            host_errors=$(grep -c '<error>' "$x")
        fi
    done
    rm -rf "$kept"
fi
if [ "$children" = "$(lab_count)" ] && [ "$host_errors" = 0 ]; then
    ok "one Valgrind runs the $(lab_count) memory drivers, a child and a report each; the host's own report is empty"
else
    not_ok "one Valgrind runs the $(lab_count) memory drivers, a child and a report each; the host's own report is empty" \
        "children that reached done: $children, records in the host's report: $host_errors" "$(tail -n 5 "$scratch/keep.out")"
fi
if grep -q '^sequential: memory: intermediates freed: OK \[[0-9.]*/[0-9.]*\]$' "$scratch/ref.out" && [ "$(tail -n 1 "$scratch/ref.out" | grep -c '^Score: ')" = 1 ]; then
    ok "the terminal shows one line per memory scenario and still ends with Score: N/M"
else
    not_ok "the terminal shows one line per memory scenario and still ends with Score: N/M" "$(tail -n 20 "$scratch/ref.out")"
fi
check_json "results.json lists the memory checks as tests with their points" '
  ([.tests[] | select(.name | test("^[a-z]+: memory: "))] | length == 21)
  and all(.tests[] | select(.name | test(": memory: ")); .status == "passed" and .max_score > 0)' "$scratch/ref-gs.json"
got=$(xmllint --xpath 'count(//testcase[starts-with(@name, "memory: ") and @classname = ../@name])' "$scratch/ref-junit.xml" 2>&1)
if [ "$got" = 21 ]; then ok "junit.xml has a testcase per memory scenario, classname = lab"; else not_ok "junit.xml has a testcase per memory scenario, classname = lab" "got '$got'"; fi

# 3. The leak example loses exactly Sequential's leaking scenarios, pointing at
#    sequential.c's lines (its tests, which all pass, are graded by
#    grade-examples.sh).
"$ttgrade" --memcheck-only --lab sequential --json "$scratch/leak.json" "$examples/leak-sequential" > "$scratch/leak.out" 2>&1
status=$?
check_json "leak-sequential: sequential loses exactly its 4 leaking scenarios (2/10)" '
  .labs[0].name == "sequential"
  and ([.labs[0].memory[] | select(.status == "failed") | .name] | sort
       == ["add_after_construction", "failing_middle_layer", "intermediates_freed", "nested_free"])
  and ([.labs[0].memory[].score] | add == 2)' "$scratch/leak.json"
check_json "leak-sequential: the feedback gives the bytes lost and sequential.c:<line> in sequential_forward" '
  all(.labs[0].memory[] | select(.status == "failed"); .output | test("^[0-9]+ bytes definitely lost, allocated at sequential\\.c:[0-9]+ in sequential_forward"; "m"))' "$scratch/leak.json"
if [ "$status" -eq 1 ] && grep -q '^sequential: memory: intermediates freed: FAIL \[0/[0-9.]*\]$' "$scratch/leak.out" \
   && grep -q '^    [0-9]* bytes definitely lost, allocated at sequential.c:[0-9]* in sequential_forward, called from mem_sequential.c:[0-9]* in [a-z_]*\( ([0-9]* times)\)\{0,1\}$' "$scratch/leak.out"; then
    ok "leak-sequential: the terminal shows FAIL and the indented feedback (exit 1)"
else
    not_ok "leak-sequential: the terminal shows FAIL and the indented feedback (exit 1)" "exit $status" "$(grep -A4 'memory:' "$scratch/leak.out" | head -n 30)"
fi

# 4. The double-free example: Module's "failed registration" fails with the
#    invalid free in module.c; the grader does not crash.
"$ttgrade" --memcheck-only --lab module --json "$scratch/df.json" "$examples/double-free-module" > "$scratch/df.out" 2>&1
status=$?
check_json "double-free-module: only \"failed registration\" fails (7/10), naming the double free in module.c" '
  .status == "graded" and ([.labs[0].memory[] | select(.status == "failed") | .name] == ["failed_registration"])
  and ([.labs[0].memory[].score] | add == 7)
  and (.labs[0].memory[] | select(.name == "failed_registration") | .output
       | test("Double free\\(\\) at module\\.c:[0-9]+ in tt_module_free, called from mem_module\\.c:[0-9]+ in [a-z_]+; .* free.d at module\\.c:[0-9]+ in tt_module_add_module"))' "$scratch/df.json"
if [ "$status" -eq 1 ]; then ok "double-free-module: graded without a grader error (exit 1)"; else not_ok "double-free-module: graded without a grader error (exit 1)" "exit $status" "$(tail -n 20 "$scratch/df.out")"; fi

# 5. A crash fails its scenario with the place, and the ones after it are not run.
"$ttgrade" --memcheck-only --lab linear --json "$scratch/crash.json" "$examples/crash" > "$scratch/crash.out" 2>&1
check_json "crash: the crashing scenario names linear.c:<line>; the later ones are \"not run\" (fail closed)" '
  [.labs[0].memory[] | {name, status, output}] as $m
  | ($m[0].status == "passed")
  and ($m[1].output | test("^the memory driver crashed in this scenario: killed by SIGSEGV .* at linear\\.c:[0-9]+ in linear_forward"))
  and all($m[2:][]; .status == "failed" and (.output | startswith("not run: the memory driver crashed in scenario \"forward without bias\"")))' "$scratch/crash.json"

# 5b. An uninitialised value: Valgrind first runs without origin tracking
#    (half the time) and again with it only because this error needs it; the
#    feedback names where the value came from, in both the tests' pool
#    (a full grading) and make memcheck's own (--memcheck-only).
mkdir -p "$scratch/uninit"
sed 's/calloc(1, sizeof \*l)/malloc(sizeof *l)/' "$examples/complete/linear.c" > "$scratch/uninit/linear.c"
for mode in full only; do
    flag=; [ $mode = only ] && flag=--memcheck-only
    "$ttgrade" $flag --lab linear --json "$scratch/uninit-$mode.json" "$scratch/uninit" > "$scratch/uninit-$mode.out" 2>&1
    check_json "uninitialised value ($mode): the feedback has the origin (the allocation at linear.c:<line>)" '
      [.labs[0].memory[] | select(.status == "failed") | .output]
      | length > 0 and all(.[]; test("uninitialised value.* at linear\\.c:[0-9]+ in linear_forward(, called from [^;]*)?; uninitialised value was created by a heap allocation at linear\\.c:[0-9]+ in tt_linear_new"))' "$scratch/uninit-$mode.json"
done

# 6. The skeleton leaks nothing because it does nothing: it earns nothing.
"$ttgrade" --memcheck-only --json "$scratch/skel.json" "$top_srcdir/student" > "$scratch/skel.out" 2>&1
status=$?
check_json "the skeleton gets 0 memory points: every scenario \"not run\" (the calls are not implemented)" '
  ([.labs[].memory[]] | length == '"$n_scen"') and all(.labs[].memory[]; .status == "failed" and .score == 0
  and (.output | startswith("not run: ")))' "$scratch/skel.json"
if [ "$status" -eq 1 ] && [ "$(tail -n 1 "$scratch/skel.out")" = "Score: 0/$mem_total" ]; then
    ok "--memcheck-only (make memcheck) on the skeleton: Score: 0/$mem_total, exit 1"
else
    not_ok "--memcheck-only (make memcheck) on the skeleton: Score: 0/$mem_total, exit 1" "exit $status" "$(tail -n 5 "$scratch/skel.out")"
fi
"$ttgrade" --memcheck-only --lab flatten "$scratch/reference" > "$scratch/only.out" 2>&1
status=$?
if [ "$status" -eq 0 ] && [ "$(tail -n 1 "$scratch/only.out")" = "Score: $(mem_of flatten)/$(mem_of flatten)" ] \
   && grep -q "^tests: $(tests_of flatten) points ungraded (--memcheck-only: only the memory checks ran" "$scratch/only.out"; then
    ok "--memcheck-only on the reference: the memory points only, Score: $(mem_of flatten)/$(mem_of flatten), exit 0"
else
    not_ok "--memcheck-only on the reference: the memory points only, Score: $(mem_of flatten)/$(mem_of flatten), exit 0" "exit $status" "$(cat "$scratch/only.out")"
fi

# 7. --no-memcheck: every report says the memory points are ungraded and
#    leaves them out of both score and max_score.
"$ttgrade" --no-memcheck --lab matmul --lab linear --gradescope "$scratch/nm-gs.json" --junit "$scratch/nm-junit.xml" \
    --json "$scratch/nm.json" "$scratch/reference" > "$scratch/nm.out" 2>&1
ref_max=$(jq '[.labs[] | select(.name == "matmul" or .name == "linear") | .max_score] | add' "$scratch/ref.json")
check_json "--no-memcheck: our JSON marks the 8 memory items ungraded and leaves their 20 points out of max_score" "
  .memcheck.status == \"skipped\" and (.memcheck.ungraded | test(\"memory: 20 points ungraded\"))
  and all(.labs[].memory[]; .status == \"ungraded\" and .score == 0 and (.output | startswith(\"ungraded: \")))
  and ([.labs[].memory[]] | length == 8) and .max_score == $ref_max - 20" "$scratch/nm.json"
check_json "--no-memcheck: results.json leaves the ungraded memory items out of its tests (each has a status) and says why" '
  ([.tests[] | select(.name | test(": memory: "))] | length == 0) and all(.tests[]; has("status"))
  and (([.tests[].score] | add) == .score) and (.output | test("memory: 20 points ungraded"))' "$scratch/nm-gs.json"
got=$(xmllint --xpath 'count(//testcase[skipped])' "$scratch/nm-junit.xml" 2>&1)
got2=$(xmllint --xpath 'sum(//testsuite/@skipped)' "$scratch/nm-junit.xml" 2>&1)
if [ "$got" = 8 ] && [ "$got2" = 8 ]; then ok "--no-memcheck: junit.xml has the 8 memory testcases as skipped"; else not_ok "--no-memcheck: junit.xml has the 8 memory testcases as skipped" "got '$got' and '$got2'"; fi
if grep -q '^matmul: memory: UNGRADED (10 points left out of the score)$' "$scratch/nm.out" \
   && grep -q '^memory: 20 points ungraded (turned off with --no-memcheck): left out of the score$' "$scratch/nm.out" \
   && tail -n 1 "$scratch/nm.out" | grep -q '^Score: '; then
    ok "--no-memcheck: the terminal says UNGRADED per lab and why, before Score: N/M"
else
    not_ok "--no-memcheck: the terminal says UNGRADED per lab and why, before Score: N/M" "$(tail -n 8 "$scratch/nm.out")"
fi

# 8. No Valgrind at run time: the same, with the reason.
TTGRADE_VALGRIND="$scratch/no-valgrind" "$ttgrade" --memcheck-only --lab matmul --json "$scratch/novg.json" \
    "$scratch/reference" > "$scratch/novg.out" 2>&1
check_json "without Valgrind the memory points are ungraded (\"valgrind was not found\"), never 0 or full" '
  .memcheck.status == "skipped" and (.memcheck.skipped | test("valgrind was not found"))
  and all(.labs[].memory[]; .status == "ungraded") and .max_score == 0' "$scratch/novg.json"

# 9. Labs may be worth different totals: one more point on matmul's first
#    memory scenario makes matmul's maximum one more, and only matmul's
#    (the --memcheck-only run of 2b.).
check_json "a lab's memory checks may total more than another's: matmul's maximum is one more, the others' unchanged" '
  ([.labs[] | select(.name == "matmul") | .max_score] == ['"$(mem_of matmul)"' + 1])
  and ([.labs[] | select(.name != "matmul") | .max_score] | add) == '"$mem_total"' - '"$(mem_of matmul)"'
  and .score == .max_score' "$scratch/rubric.json"
done_testing
