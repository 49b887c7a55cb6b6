#!/bin/sh
# student-kit.sh - the student kit (make student-kit) from its tarball:
#  - it holds no solution and no hidden test: no lab's reference file,
#    hidden tests or mutants/, no examples/ or grader/hidden/; no line of a
#    solution region of a reference file (see below); no name of a hidden
#    test of grader/rubric.txt;
#  - its CI workflow parses (with yq, when installed) and passes actionlint
#    (when installed), and kit/annotate turns failing tests into annotations
#    at the student's file and line;
#  - unpacked in kit.tree/ of the build folder, ./configure && make check
#    builds the skeleton and fails only with "not implemented", each failure's
#    reason on the console, matmul first; make check LAB=flatten runs only
#    flatten's tests; make grade grades it (Score: 0/N);
#  - check-answers reads answers.txt as the course's grader does;
#  - with the reference files copied in: make check passes, make grade gives
#    full marks; a crash planted in flatten.c is named (signal, and with
#    Valgrind the kind and the student's line) by make check, kit/annotate
#    and make grade; make perf counts the performance tier as the course's
#    ttgrade does, make memcheck and make coverage run, and make submit packs
#    just the graded files (which the course's ttgrade then grades in full);
#  - a matmul.c without the optional tt_matmul_fast builds, passes make check
#    (its tests skipped) and gets full marks, as in the course's grader.
# The solved kit's make distcheck is tests/student-kit-dist.sh, in a tree of
# its own, so that the two run side by side (make check runs two tests at once).
# The solved, built kit stays in kit.tree/ for tests/handouts.sh.
. "$top_srcdir/tests/lib.sh"
TMPDIR=$scratch; export TMPDIR
# The kit is a project of its own: none of our make's settings (MAKEFLAGS
# carries command-line variables such as TESTS=...) may reach its make.
kmake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"; }
tarball=$(ls "$top_builddir"/ttlab-student-*.tar.gz 2> /dev/null | head -n 1)
[ -n "$tarball" ] || { not_ok "make check made the student kit's tarball"; done_testing; }
# Built in place, as students build it; kept for tests/handouts.sh.
tree=$top_builddir/kit.tree
rm -rf "$tree"
mkdir "$tree"
tar -xzf "$tarball" -C "$tree"
src=$(ls -d "$tree"/ttlab-student-*)
if [ -x "$src/configure" ] && [ -f "$src/Makefile.in" ] && [ -f "$src/README.md" ]; then
    ok "the kit unpacks to a project with configure, Makefile.in and README.md"
else
    not_ok "the kit unpacks to a project with configure, Makefile.in and README.md" "$(ls -a "$src")"
    done_testing
fi

# --- nothing of the solutions or the hidden tests
found=""
for d in examples grader/hidden $(lab_files reference) $(lab_files hidden) $(lab_files mutants); do
    [ -e "$src/$d" ] && found="$found $d"
done
found="$found$(find "$src" -type f | while read -r f; do cmp -s "$f" "$top_builddir/grader/rubric.txt" && printf ' %s' "${f#"$src"/}"; done)"
if [ -z "$found" ]; then
    ok "no reference file, hidden tests or mutants of a lab, no examples/ or grader/hidden/, nor the course's rubric"
else
    not_ok "no reference file, hidden tests or mutants of a lab, no examples/ or grader/hidden/, nor the course's rubric" "found:$found"
fi

# Solution lines. A line of a reference file inside BEGIN/END SOLUTION counts
# once its spaces are removed (so that reformatting hides nothing), if it is
# at least 20 characters long (`return NULL;` and `}` are not solutions) and
# it is not in the code students get anyway (skeletons, headers, support
# library, public tests, memory drivers, grader sources: `tt_tensor_free(c);`
# is in the tests too). The handouts are not excused: solution code in a
# handout is a leak. No line of any kit file may be one of those lines.
norm() { $AWK '{ gsub(/[ \t\r]/, ""); print }' "$@"; }
$AWK '/^[ \t]*\/\* END SOLUTION \*\/[ \t]*$/ { inside = 0 }
      inside { print }
      /^[ \t]*\/\* BEGIN SOLUTION \*\/[ \t]*$/ { inside = 1 }' $(lab_files reference | sed "s|^|$top_srcdir/|") |
    norm | $AWK 'length($0) >= 20' | LC_ALL=C sort -u > "$scratch/solution.lines"
(cd "$top_srcdir" && norm student/*.c include/*.h support/*.c tests/public/*.[ch] memcheck/*.[ch] grader/*.[ch] \
    $(lab_files header) $(lab_files test) $(lab_files mem)) |
    LC_ALL=C sort -u > "$scratch/public.lines"
LC_ALL=C comm -23 "$scratch/solution.lines" "$scratch/public.lines" > "$scratch/secret.lines"
# leaks DIR: "file:line" of every line of a file under DIR that is a secret line.
leaks() {
    find "$1" -type f | while read -r f; do
        $AWK -v f="${f#"$1"/}" 'NR == FNR { s[$0] = 1; next }
            { l = $0; gsub(/[ \t\r]/, "", l); if (l in s) printf "%s:%d\n", f, FNR }' "$scratch/secret.lines" "$f"
    done
}
n_secret=$(wc -l < "$scratch/secret.lines")
leaks "$src" > "$scratch/leaks"
if [ "$n_secret" -ge 50 ] && [ ! -s "$scratch/leaks" ]; then
    ok "no line of the $n_secret solution lines of the reference files is in the kit"
else
    not_ok "no line of the $n_secret solution lines of the reference files is in the kit (at least 50)" "$(head -n 20 "$scratch/leaks")"
fi
# The check would see a leak: a copy of one reference file among the kit's files.
mkdir -p "$scratch/planted"
cp "$top_srcdir/$(lab_file reference linear)" "$scratch/planted/notes.c"
if [ "$(leaks "$scratch/planted" | wc -l)" -ge 5 ]; then
    ok "the solution-line check finds a reference file planted in a copy of the kit"
else
    not_ok "the solution-line check finds a reference file planted in a copy of the kit"
fi

# Hidden tests' names: every test line of the rubric, less the names that are
# public anyway (a public test or a memory scenario of the same name).
$AWK '!/^[ \t]*#/ && NF >= 3 && $2 !~ /^(memory|perf):/ { print $2 }' "$top_builddir/grader/rubric.txt" | LC_ALL=C sort -u > "$scratch/hidden.names"
hidden=""
while read -r name; do
    grep -rqw -- "$name" "$top_srcdir/tests/public" "$top_srcdir/memcheck" 2> /dev/null && continue
    hidden="$hidden $name"
    grep -rlw -- "$name" "$src" >> "$scratch/named" 2> /dev/null
done < "$scratch/hidden.names"
n_hidden=$(echo $hidden | wc -w)
if [ "$n_hidden" -ge 20 ] && [ ! -s "$scratch/named" ]; then
    ok "none of the $n_hidden names only the hidden tests have is in the kit"
else
    not_ok "none of the $n_hidden names only the hidden tests have is in the kit (at least 20)" "$(sort -u "$scratch/named" 2> /dev/null)"
fi

# --- the CI workflow
wf="$src/.github/workflows/autograde.yml"
if [ ! -f "$wf" ]; then
    not_ok "the kit has .github/workflows/autograde.yml"
elif command -v yq > /dev/null 2>&1; then
    # PyYAML (under yq) reads the key `on` as true, as YAML 1.1 says.
    if yq -e '((.on // .true) | has("push")) and (.jobs | length) > 0 and
              ([.jobs[].steps[] | .run // "" | select(test("make grade"))] | length) > 0 and
              ([.jobs[].steps[] | .run // "" | select(test("GITHUB_STEP_SUMMARY"))] | length) > 0' "$wf" > /dev/null 2>&1; then
        ok "autograde.yml parses (yq): on push, a job that runs make grade and writes the step summary"
    else
        not_ok "autograde.yml parses (yq): on push, a job that runs make grade and writes the step summary" "$(yq . "$wf" 2>&1 | head -n 5)"
    fi
else
    ok "# SKIP yq not found (apt-get install yq): autograde.yml not parsed"
fi
if [ ! -f "$wf" ]; then
    :
elif command -v actionlint > /dev/null 2>&1; then
    if actionlint "$wf" > "$scratch/actionlint.out" 2>&1; then
        ok "actionlint finds nothing in autograde.yml"
    else
        not_ok "actionlint finds nothing in autograde.yml" "$(head -n 20 "$scratch/actionlint.out")"
    fi
else
    ok "# SKIP actionlint not found: autograde.yml not linted"
fi
# Pinned actions: every `uses:` names a full commit, the tag in a comment.
unpinned=$(grep -E '^[[:space:]]*(-[[:space:]]+)?uses:' "$wf" | grep -vE 'uses:[[:space:]]*[^@[:space:]]+@[0-9a-f]{40}[[:space:]]+#[[:space:]]*v[0-9]' || true)
if grep -q 'uses:' "$wf" && [ -z "$unpinned" ] && grep -Eq '^permissions:' "$wf" && grep -Eq '^concurrency:' "$wf"; then
    ok "autograde.yml: actions pinned to commits (tag in a comment), permissions and concurrency set"
else
    not_ok "autograde.yml: actions pinned to commits (tag in a comment), permissions and concurrency set" "$unpinned"
fi

# --- the skeleton, in a fresh build folder
b=$src
start=$(date +%s)
(cd "$b" && ./configure -q) > "$scratch/configure.out" 2>&1 || {
    not_ok "the kit configures" "$(tail -n 20 "$scratch/configure.out")"; done_testing; }
kmake -C "$b" -j2 check > "$scratch/check0.out" 2>&1
s=$?
log="$b/tests/public/tests.log"
echo >> "$log"
$AWK '/^ok / { bad++ } /^not ok / { n++; if (name != "" && !ni) bad++; name = $0; ni = 0 }
      /not implemented/ { ni = 1 } /unexpected signal|timed out/ { bad++ }
      END { if (name != "" && !ni) bad++; print n + 0, bad + 0 }' "$log" > "$scratch/verdicts"
read -r n_fail n_bad < "$scratch/verdicts"
if [ "$s" -ne 0 ] && [ "$n_fail" -ge 70 ] && [ "$n_bad" -eq 0 ] && [ -f "$b/tests/public/support_tests.log" ] \
   && ! grep -q '^not ok' "$b/tests/public/support_tests.log"; then
    ok "./configure && make check on the skeleton: $n_fail tests fail, each with \"not implemented\" ($(( $(date +%s) - start )) s)"
else
    not_ok "./configure && make check on the skeleton: every lab test fails with \"not implemented\"" \
        "exit $s, $n_fail failing, $n_bad otherwise" "$(tail -n 20 "$scratch/check0.out")"
fi
# The console: every FAIL line followed by its reason, the first FAIL a
# matmul test, and no bare "ERROR: ... exited with status 1".
$AWK '/^FAIL: / { n++; if (pending) bare++; pending = 1; if (n == 1) first = $0; next }
      /^# .*not implemented/ { pending = 0 }
      END { if (pending) bare++; print n + 0, bare + 0, (first ~ / - matmul::/) }' "$scratch/check0.out" > "$scratch/console"
read -r n_fail n_bare matmul_first < "$scratch/console"
if [ "$n_fail" -ge 70 ] && [ "$n_bare" -eq 0 ] && [ "$matmul_first" -eq 1 ] && ! grep -q '^ERROR: ' "$scratch/check0.out"; then
    ok "make check's console: each of the $n_fail FAIL lines with its reason, matmul first, no ERROR line"
else
    not_ok "make check's console: each FAIL line with its reason, matmul first, no ERROR line" \
        "$n_fail FAIL lines, $n_bare without a reason, matmul first: $matmul_first" "$(grep -m 5 '^FAIL\|^ERROR' "$scratch/check0.out")"
fi
sh "$src/kit/annotate" "$scratch/check0.out" > "$scratch/annotations"
n_ann=$(grep -c '^::error file=student/[a-z]*\.c,line=[0-9][0-9]*,title=[a-z_]*%3A%3A[a-z0-9_]*::.*not implemented.* (test: tests/public/test_[a-z]*\.c:[0-9]*)$' "$scratch/annotations")
# the matmul tests' annotations: at the line of student/matmul.c that defines tt_matmul
mm_line=$(grep -n '^[a-z].*[^a-z_]tt_matmul(' "$src/student/matmul.c" | head -n 1 | cut -d: -f1)
if [ "$n_ann" -eq "$n_fail" ] && [ -n "$mm_line" ] \
   && grep -q "^::error file=student/matmul.c,line=$mm_line,title=matmul%3A%3Atwo_by_two::" "$scratch/annotations"; then
    ok "kit/annotate: one ::error annotation per failing test ($n_ann), at the student's file (tt_matmul: student/matmul.c:$mm_line), the test's line in the message"
else
    not_ok "kit/annotate: one ::error annotation per failing test, at the student's file" "$n_ann for $n_fail" "$(head -n 3 "$scratch/annotations")"
fi
kmake -C "$b" check LAB=flatten > "$scratch/check-lab.out" 2>&1
suites=$($AWK '/^(PASS|FAIL|SKIP): tests\/public\/tests / { s = $0; sub(/.* - /, "", s); sub(/::.*/, "", s); print s }' "$scratch/check-lab.out" | sort -u | tr '\n' ' ')
if [ "$suites" = "flatten " ]; then
    ok "make check LAB=flatten runs flatten's tests only"
else
    not_ok "make check LAB=flatten runs flatten's tests only" "suites run: $suites" "$(tail -n 5 "$scratch/check-lab.out")"
fi
kmake --no-print-directory -C "$b" grade TTGRADE_FLAGS=--no-memcheck > "$scratch/grade0.out" 2>&1
s=$?
if [ "$s" -eq 0 ] && tail -n 1 "$scratch/grade0.out" | grep -Eq '^Score: 0/[1-9]' \
   && grep -q '^matmul: two_by_two: FAIL' "$scratch/grade0.out" && grep -q 'not implemented' "$scratch/grade0.out" \
   && grep -q '^Questions are not in this kit.s Score: in the course.s grade they carry [1-9][0-9]* points' "$scratch/grade0.out"; then
    ok "make grade on the skeleton: a FAIL line per test, then $(tail -n 1 "$scratch/grade0.out")"
else
    not_ok "make grade on the skeleton: a FAIL line per test, then Score: 0/N" "exit $s" "$(tail -n 20 "$scratch/grade0.out")"
fi

# Scores: every point of the kit's rubric is a whole number of hundredths,
# so no score prints with more than two decimals.
long=$($AWK '!/^[ \t]*#/ && NF >= 3 && $3 !~ /^[0-9]+(\.[0-9][0-9]?)?$/' "$b/grader/rubric.txt")
if [ -s "$b/grader/rubric.txt" ] && [ -z "$long" ] && ! grep -Eq '[0-9]\.[0-9]{3,}/' "$scratch/grade0.out"; then
    ok "the kit's rubric gives whole hundredths of a point: scores print with at most two decimals"
else
    not_ok "the kit's rubric gives whole hundredths of a point: scores print with at most two decimals" "$long"
fi

# --- answers.txt, read by the grader's own parser: a unit other than the
# question's, and words for a number, are flagged; a good answer is read.
banks=$(cd "$src" && ls labs/*/questions.txt)
q_kib=$($AWK '$1 == "lab" { lab = $2 } $1 == "question" { q = $2 } $1 == "unit" && $2 == "KiB" { print lab "." q; exit }' $(cd "$src" && printf '%s ' $banks))
q_bytes=$($AWK '$1 == "lab" { lab = $2 } $1 == "question" { q = $2 } $1 == "unit" && $2 == "bytes" { print lab "." q; exit }' $(cd "$src" && printf '%s ' $banks))
q_params=$($AWK '$1 == "lab" { lab = $2 } $1 == "question" { q = $2 } $1 == "unit" && $2 == "params" { print lab "." q; exit }' $(cd "$src" && printf '%s ' $banks))
printf 'student-id: -\n%s: 164 KB\n%s: forty thousand\n%s: 235,146\nno.such_question: 3\n' "$q_kib" "$q_bytes" "$q_params" > "$scratch/answers.txt"
(cd "$src" && kit/check-answers "$scratch/answers.txt" $banks) > "$scratch/answers.out" 2>&1
s=$?
if [ "$s" -eq 0 ] && [ -n "$q_kib" ] && [ -n "$q_bytes" ] && [ -n "$q_params" ] \
   && grep -q "$q_kib.*\"164 KB\" is in KB, but the question asks for KiB" "$scratch/answers.out" \
   && grep -q "$q_bytes.*cannot read \"forty thousand\"" "$scratch/answers.out" \
   && ! grep -q "$q_params" "$scratch/answers.out" && grep -q 'there is no question no.such_question' "$scratch/answers.out"; then
    ok "check-answers flags \"164 KB\" for $q_kib (KiB) and \"forty thousand\", reads 235,146, names an unknown question"
else
    not_ok "check-answers flags a wrong unit and words, reads a number, names an unknown question" "exit $s" "$(head -n 20 "$scratch/answers.out")"
fi

# --- solved: the reference files (and the complete example's answers) copied in
copy_reference "$src/student"
cp "$top_srcdir/examples/submissions/complete/answers.txt" "$src/student/answers.txt"
start=$(date +%s)
if kmake -C "$b" -j2 check > "$scratch/check1.out" 2>&1; then
    ok "with the reference files in student/, make check passes ($(( $(date +%s) - start )) s)"
else
    not_ok "with the reference files in student/, make check passes" "$(tail -n 20 "$scratch/check1.out")"
fi
kmake --no-print-directory -C "$b" grade TTGRADE_FLAGS=--no-memcheck > "$scratch/grade1.out" 2>&1
s=$?
last=$(tail -n 1 "$scratch/grade1.out")
if [ "$s" -eq 0 ] && echo "$last" | $AWK '{ split($2, x, "/"); exit !(x[1] == x[2] && x[2] > 0) }' \
   && ! grep -q ': FAIL' "$scratch/grade1.out" && grep -q '^linear: answers readable: 4/4' "$scratch/grade1.out" \
   && $AWK '/answers readable: / { n++; split($NF, x, "/"); if (x[1] != x[2]) bad++ } END { exit !(n >= 5 && !bad) }' "$scratch/grade1.out"; then
    ok "make grade with the reference: no FAIL, every answer readable, $last"
else
    not_ok "make grade with the reference: full marks" "exit $s" "$(tail -n 20 "$scratch/grade1.out")"
fi
# A crash: a missing NULL check in flatten.c (tt_flatten(NULL, 0) reads
# through NULL). make check names the signal and, with Valgrind, the kind
# and the student's line, as the course's grader does; kit/annotate puts it
# at that line; make grade names the signal too.
cp "$b/student/flatten.c" "$scratch/flatten.c"
sed 's/if (x == NULL || x->ndim == 0) {/if (x->ndim == 0) {/' "$scratch/flatten.c" > "$b/student/flatten.c"
crash_line=$(grep -n 'if (x->ndim == 0) {' "$b/student/flatten.c" | head -n 1 | cut -d: -f1)
kmake -C "$b" check LAB=flatten > "$scratch/crash-check.out" 2>&1
kmake --no-print-directory -C "$b" grade TTGRADE_FLAGS='--lab flatten --no-memcheck' > "$scratch/crash-grade.out" 2>&1
sh "$src/kit/annotate" "$scratch/crash-check.out" > "$scratch/crash-annotations"
reason=$(grep -A1 '^FAIL: .*flatten::null_and_scalar_are_einval' "$scratch/crash-check.out" | sed -n 2p)
if [ -n "${VALGRIND:-}" ]; then
    want="^# [^ ]*: student/flatten\\.c:$crash_line: the test crashed: killed by SIGSEGV \\([^)]*\\): invalid read of size [0-9]+ at flatten\\.c:$crash_line in tt_flatten"
    want_ann="^::error file=student/flatten.c,line=$crash_line,title=flatten%3A%3Anull_and_scalar_are_einval::the test crashed: killed by SIGSEGV"
else
    want="^# [^ ]*: tests/public/test_flatten\\.c:[0-9]+: the test crashed: killed by SIGSEGV"
    want_ann="^::error file=student/flatten.c,line=[0-9]+,title=flatten%3A%3Anull_and_scalar_are_einval::the test crashed: killed by SIGSEGV"
fi
if [ -n "$crash_line" ] && [ "$(grep -c '^FAIL: ' "$scratch/crash-check.out")" -ge 1 ] && printf '%s\n' "$reason" | grep -Eq "$want" \
   && grep -Eq "$want_ann" "$scratch/crash-annotations" \
   && grep -A1 '^flatten: null_and_scalar_are_einval: FAIL' "$scratch/crash-grade.out" | grep -q 'the test crashed: killed by SIGSEGV'; then
    ok "a crash in make check names the signal${VALGRIND:+, the invalid read and student/flatten.c:$crash_line}; its annotation is at student/flatten.c; make grade names the signal"
else
    not_ok "a crash in make check names the signal (and with Valgrind the kind and the student's line)" "want: $want" "got: $reason" \
        "$(grep 'null_and_scalar' "$scratch/crash-annotations")" "$(grep -A1 '^flatten: null_and_scalar_are_einval' "$scratch/crash-grade.out")"
fi
cp "$scratch/flatten.c" "$b/student/flatten.c"
if [ -n "${VALGRIND:-}" ]; then
    kmake --no-print-directory -C "$b" memcheck TTGRADE_FLAGS='--lab matmul' > "$scratch/memcheck.out" 2>&1
    s=$?
    if [ "$s" -eq 0 ] && grep -q '^matmul: memory: .*: OK' "$scratch/memcheck.out"; then
        ok "make memcheck runs the memory checks ($(grep -c ': memory: .*: OK' "$scratch/memcheck.out") OK for matmul)"
    else
        not_ok "make memcheck runs the memory checks" "exit $s" "$(tail -n 20 "$scratch/memcheck.out")"
    fi
fi
if command -v gcovr > /dev/null 2>&1; then
    kmake -C "$b" coverage > "$scratch/coverage.out" 2>&1
    s=$?
    if [ "$s" -eq 0 ] && grep -q 'student/matmul.c *lines' "$b/coverage/summary.txt" 2> /dev/null; then
        ok "make coverage reports the lines the public tests run in each lab file"
    else
        not_ok "make coverage reports the lines the public tests run in each lab file" "exit $s" "$(tail -n 20 "$scratch/coverage.out")"
    fi
fi
(cd "$b" && kmake submit STUDENT_ID=s123) > "$scratch/submit.out" 2>&1
sub="$b/ttlab-submission-s123.tar.gz"
listing=$(tar -tzf "$sub" 2> /dev/null | LC_ALL=C sort | tr '\n' ' ')
want="student/answers.txt student/flatten.c student/linear.c student/matmul.c student/module.c student/sequential.c "
if [ "$listing" = "$want" ]; then
    ok "make submit STUDENT_ID=s123 packs the five lab files and answers.txt, nothing else"
else
    not_ok "make submit STUDENT_ID=s123 packs the five lab files and answers.txt, nothing else" "got: $listing" "$(cat "$scratch/submit.out")"
fi
"$top_builddir/grader/ttgrade" --no-memcheck --timeout 5 "$sub" > "$scratch/real.out" 2>&1
s=$?
if [ "$s" -eq 0 ]; then
    ok "the course's ttgrade grades that submission in full: $(tail -n 1 "$scratch/real.out")"
else
    not_ok "the course's ttgrade grades that submission in full" "exit $s" "$(tail -n 5 "$scratch/real.out")"
fi
# make perf: the performance tier, counted as the course's grader counts it.
kmake --no-print-directory -C "$b" perf > "$scratch/perf.out" 2>&1
s=$?
kit_perf=$(grep 'performance tier' "$scratch/perf.out")
real_perf=$(grep 'performance tier' "$scratch/real.out")
if [ "$s" -eq 0 ] && [ -n "$real_perf" ] && [ "$kit_perf" = "$real_perf" ] && echo "$kit_perf" | grep -q 'x fewer instructions'; then
    ok "make perf counts as the course's ttgrade: $kit_perf"
else
    not_ok "make perf counts as the course's ttgrade" "exit $s" "kit:    $kit_perf" "course: $real_perf" "$(tail -n 5 "$scratch/perf.out")"
fi

# --- a complete matmul.c without the optional tt_matmul_fast: it links, its
# tests are skipped, and it gets the course's full marks (grader/hidden has
# no test of tt_matmul_fast).
cp "$b/student/matmul.c" "$scratch/matmul.c"
$AWK '/^\/\* The same product, fast/ { exit } { print }' "$top_srcdir/$(lab_file reference matmul)" > "$b/student/matmul.c"
kmake -C "$b" check LAB=matmul > "$scratch/nofast-check.out" 2>&1
s=$?
kmake --no-print-directory -C "$b" grade TTGRADE_FLAGS='--no-memcheck --lab matmul' > "$scratch/nofast-grade.out" 2>&1
g=$?
if grep -q "^tt_tensor \*tt_matmul_fast" "$b/student/matmul.c"; then
    not_ok "a matmul.c without tt_matmul_fast: the test could not remove it"
elif [ "$s" -eq 0 ] && [ "$g" -eq 0 ] && grep -q '^SKIP: .*matmul_fast::.*optional' "$scratch/nofast-check.out" \
   && grep -q '^matmul: 20/20' "$scratch/nofast-grade.out"; then
    ok "a matmul.c without tt_matmul_fast: make check passes (its tests skipped), make grade gives matmul 20/20"
else
    not_ok "a matmul.c without tt_matmul_fast: make check passes, make grade gives matmul 20/20" \
        "make check: exit $s, make grade: exit $g" "$(grep -m 3 'undefined\|^FAIL\|ERROR' "$scratch/nofast-check.out")" \
        "$(grep -m 3 'matmul: ' "$scratch/nofast-grade.out")"
fi
cp "$scratch/matmul.c" "$b/student/matmul.c"
done_testing
