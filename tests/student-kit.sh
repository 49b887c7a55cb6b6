#!/bin/sh
# student-kit.sh - the student kit (make student-kit) from its tarball:
#  - it holds no solution and no hidden test: no reference/, examples/,
#    grader/hidden/ or grader/mutants/; no line of a solution region of
#    reference/*.c (see below); no name of a hidden test of grader/rubric.txt;
#  - its CI workflow parses (with yq, when installed);
#  - in a fresh folder, ./configure && make check builds the skeleton and fails
#    only with "not implemented"; make grade grades it (Score: 0/N);
#  - with the reference files copied in: make check passes, make grade gives
#    full marks, make memcheck and make coverage run, make submit packs just
#    the graded files (which the course's ttgrade then grades in full), and
#    make distcheck passes.
. "$top_srcdir/tests/lib.sh"
TMPDIR=$scratch; export TMPDIR
# The kit is a project of its own: none of our make's settings (MAKEFLAGS
# carries command-line variables such as TESTS=...) may reach its make.
kmake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"; }
tarball=$(ls "$top_builddir"/ttlab-student-*.tar.gz 2> /dev/null | head -n 1)
[ -n "$tarball" ] || { not_ok "make check made the student kit's tarball"; done_testing; }
mkdir "$scratch/src"
tar -xzf "$tarball" -C "$scratch/src"
src=$(ls -d "$scratch"/src/ttlab-student-*)
if [ -x "$src/configure" ] && [ -f "$src/Makefile.in" ] && [ -f "$src/README.md" ]; then
    ok "the kit unpacks to a project with configure, Makefile.in and README.md"
else
    not_ok "the kit unpacks to a project with configure, Makefile.in and README.md" "$(ls -a "$src")"
    done_testing
fi

# --- nothing of the solutions or the hidden tests
found=""
for d in reference examples grader/hidden grader/mutants; do [ -e "$src/$d" ] && found="$found $d"; done
found="$found$(find "$src" -type f | while read -r f; do cmp -s "$f" "$top_builddir/grader/rubric.txt" && printf ' %s' "${f#"$src"/}"; done)"
if [ -z "$found" ]; then
    ok "no reference/, examples/, grader/hidden/, grader/mutants/, nor the course's rubric"
else
    not_ok "no reference/, examples/, grader/hidden/, grader/mutants/, nor the course's rubric" "found:$found"
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
      /^[ \t]*\/\* BEGIN SOLUTION \*\/[ \t]*$/ { inside = 1 }' "$top_srcdir"/reference/*.c |
    norm | $AWK 'length($0) >= 20' | LC_ALL=C sort -u > "$scratch/solution.lines"
(cd "$top_srcdir" && norm student/*.c include/*.h support/*.c tests/public/*.[ch] memcheck/*.[ch] grader/*.[ch]) |
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
    ok "no line of the $n_secret solution lines of reference/*.c is in the kit"
else
    not_ok "no line of the $n_secret solution lines of reference/*.c is in the kit (at least 50)" "$(head -n 20 "$scratch/leaks")"
fi
# The check would see a leak: a copy of one reference file among the kit's files.
mkdir -p "$scratch/planted"
cp "$top_srcdir/reference/linear.c" "$scratch/planted/notes.c"
if [ "$(leaks "$scratch/planted" | wc -l)" -ge 5 ]; then
    ok "the solution-line check finds a reference file planted in a copy of the kit"
else
    not_ok "the solution-line check finds a reference file planted in a copy of the kit"
fi

# Hidden tests' names: every test line of the rubric, less the names that are
# public anyway (a public test or a memory scenario of the same name).
$AWK '!/^[ \t]*#/ && NF >= 3 && $2 !~ /^memory:/ { print $2 }' "$top_builddir/grader/rubric.txt" | LC_ALL=C sort -u > "$scratch/hidden.names"
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

# --- the skeleton, in a fresh build folder
b="$scratch/build"
mkdir "$b"
start=$(date +%s)
(cd "$b" && "$src/configure" -q) > "$scratch/configure.out" 2>&1 || {
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
kmake --no-print-directory -C "$b" grade TTGRADE_FLAGS=--no-memcheck > "$scratch/grade0.out" 2>&1
s=$?
if [ "$s" -eq 0 ] && tail -n 1 "$scratch/grade0.out" | grep -Eq '^Score: 0/[1-9]' \
   && grep -q '^matmul: two_by_two: FAIL' "$scratch/grade0.out" && grep -q 'not implemented' "$scratch/grade0.out"; then
    ok "make grade on the skeleton: a FAIL line per test, then $(tail -n 1 "$scratch/grade0.out")"
else
    not_ok "make grade on the skeleton: a FAIL line per test, then Score: 0/N" "exit $s" "$(tail -n 20 "$scratch/grade0.out")"
fi

# --- solved: the reference files (and the complete example's answers) copied in
cp "$top_srcdir"/reference/*.c "$src/student/"
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
   && ! grep -q ': FAIL' "$scratch/grade1.out" && grep -q '^linear: questions answered: 4/4' "$scratch/grade1.out"; then
    ok "make grade with the reference: no FAIL, every question answered, $last"
else
    not_ok "make grade with the reference: full marks" "exit $s" "$(tail -n 20 "$scratch/grade1.out")"
fi
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
"$top_builddir/grader/ttgrade" --quiet --no-memcheck --timeout 5 "$sub" > "$scratch/real.out" 2>&1
s=$?
if [ "$s" -eq 0 ]; then
    ok "the course's ttgrade grades that submission in full: $(tail -n 1 "$scratch/real.out")"
else
    not_ok "the course's ttgrade grades that submission in full" "exit $s" "$(tail -n 5 "$scratch/real.out")"
fi
start=$(date +%s)
if kmake -C "$b" -j2 distcheck > "$scratch/distcheck.out" 2>&1; then
    ok "make distcheck of the solved kit passes ($(( $(date +%s) - start )) s)"
else
    not_ok "make distcheck of the solved kit passes" "$(tail -n 30 "$scratch/distcheck.out")"
fi
done_testing
