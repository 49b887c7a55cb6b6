#!/bin/sh
# gradescope.sh - the Gradescope bundle (make gradescope: autograder.zip) works
# against a fake /autograder root: setup.sh (without apt-get) builds ttgrade
# from the tarball inside, and run_autograder writes a results.json whose
# score is the one the example's README states, for a correct, a partial and
# a broken submission, and for the lone archive a student may upload instead.
# Without any ttgrade, run_autograder still writes one. Every results.json is
# plain text (output_format), gives every test a status, keeps scores and
# sandbox details out of the top-level output unless the tests are visible,
# and agrees with itself (score, tests, the output's Total, extra credit
# included). Nothing in the bundle needs bubblewrap.
. "$top_srcdir/tests/lib.sh"
zip="$top_builddir/autograder.zip"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"
command -v unzip > /dev/null 2>&1 || skip_all "unzip not found (apt-get install unzip)"
command -v zip > /dev/null 2>&1 || skip_all "zip not found (apt-get install zip)"
[ -f "$zip" ] || { not_ok "make check made autograder.zip" "$zip is missing"; done_testing; }

root="$scratch/autograder"
mkdir -p "$root/source"
if unzip -q "$zip" -d "$root/source" && [ -x "$root/source/setup.sh" ] && [ -x "$root/source/run_autograder" ] \
   && ls "$root/source"/ttlab-*.tar.gz > /dev/null 2>&1; then
    ok "autograder.zip holds an executable setup.sh and run_autograder, and the ttlab tarball"
else
    not_ok "autograder.zip holds an executable setup.sh and run_autograder, and the ttlab tarball" \
        "$(unzip -l "$zip" 2>&1)"
    done_testing
fi
if grep -q '@[A-Z_]*@' "$root/source/setup.sh" "$root/source/run_autograder"; then
    not_ok "every @SETTING@ of the scripts was filled in" "$(grep -n '@[A-Z_]*@' "$root/source/setup.sh" "$root/source/run_autograder")"
else
    ok "every @SETTING@ of the scripts was filled in"
fi
if grep -qE -- '--sandbox|TTGRADE_SANDBOX' "$root/source/run_autograder"; then
    not_ok "run_autograder leaves the sandbox to ttgrade's default (bubblewrap where it can start, else rlimits)"
else
    ok "run_autograder leaves the sandbox to ttgrade's default (bubblewrap where it can start, else rlimits)"
fi

# No run_autograder of a bundle whose setup failed may leave Gradescope
# without a results.json.
cp "$root/source/run_autograder" "$root/run_autograder"
mkdir -p "$root/submission"
AUTOGRADER_ROOT=$root "$root/run_autograder" > "$scratch/nograde.out" 2>&1
if [ "$(jq -r '.score' "$root/results/results.json" 2> /dev/null)" = 0 ]; then
    ok "without ttgrade, run_autograder still writes results.json (score 0)"
else
    not_ok "without ttgrade, run_autograder still writes results.json (score 0)" "$(cat "$scratch/nograde.out")"
fi

# Gradescope copies run_autograder to /autograder; setup.sh stays in source/.
start=$(date +%s)
# (None of our make's settings may reach the make setup.sh runs. Its
# calibration takes one run of the reference, not three: grader/calibrate.sh
# says why that is safe for a test tree.)
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL AUTOGRADER_ROOT="$root" TTLAB_NO_APT=1 TTCALIBRATE_RUNS=1 \
       "$root/source/setup.sh" > "$scratch/setup.out" 2>&1 \
   && [ -x "$root/source/ttlab/grader/ttgrade" ]; then
    ok "setup.sh builds ttgrade from the tarball ($(( $(date +%s) - start )) s)"
else
    not_ok "setup.sh builds ttgrade from the tarball" "$(tail -n 30 "$scratch/setup.out")"
    done_testing
fi

# The expected total of an example: what its README says it fails, scored
# with the rubric (tests/lib.sh).
want_total() {
    example_expect scores "$1/README.md" | $AWK '{ split($2, s, "/"); t += s[1] } END { printf "%g\n", t }'
}
# Checks every results.json must pass, whatever the visibility (jq, true):
# plain text, a status on every test, no test worth 0 unless it is extra
# credit that scored, and a score that is the sum of the tests'.
FORM='.output_format == "text" and .test_output_format == "text"
  and all(.tests[]; .status == "passed" or .status == "failed")
  and all(.tests[]; .max_score > 0 or ((.tags | index("extra_credit")) and .score > 0 and .status == "passed"))
  and ([.tests[].score] | add) == .score'
# ...and when the tests are not visible: no score of any kind in the output
# (no "N/M", no Total), no sandbox; the output says when results will show.
QUIET='(.output | test("[0-9]+/[0-9]+|Total|[Ss]andbox|bubblewrap|rlimits") | not)
  and (.output | test("shown"))'
# ...and when they are: the output's Total is the score.
AGREE='(.output | capture("Total: (?<t>[0-9.]+)/") | .t | tonumber) == .score
  and (.output | test("[Ss]andbox|bubblewrap") | not)'

# grade NAME FLAGS: runs a copy of the bundle's run_autograder, with FLAGS as
# its TTGRADE_FLAGS, on what is in $root/submission; results in $scratch/NAME.json.
grade() {
    sed "s|^TTGRADE_FLAGS=.*|TTGRADE_FLAGS=\"$2\"|" "$root/run_autograder" > "$root/run_$1"
    chmod +x "$root/run_$1"
    rm -rf "$root/results"
    AUTOGRADER_ROOT=$root "$root/run_$1" > "$scratch/$1.out" 2>&1
    status=$?
    cp "$root/results/results.json" "$scratch/$1.json" 2> /dev/null || echo '{}' > "$scratch/$1.json"
}
# check NAME DESCRIPTION JQ: the filter must print true for $scratch/NAME.json.
check() {
    if [ "$(jq -r "$3" "$scratch/$1.json" 2> "$scratch/jq.err")" = true ]; then ok "$2"
    else not_ok "$2" "$(cat "$scratch/jq.err")" "$(jq -c '{score, output, output_format}' "$scratch/$1.json" 2>&1 | head -c 800)"; fi
}
# submit PATH...: the submission folder holds copies of PATHs.
submit() {
    rm -rf "$root/submission" && mkdir -p "$root/submission"
    cp -R "$@" "$root/submission/"
    chmod -R u+w "$root/submission" # make distcheck's source tree is read-only
}

# The bundle as made (its default visibility: after_published).
default_flags=$(sed -n 's/^TTGRADE_FLAGS="\(.*\)"$/\1/p' "$root/run_autograder")
for ex in complete sample no-compile; do
    submit "$top_srcdir/examples/submissions/$ex"/*
    grade "$ex" "$default_flags"
    want=$(want_total "$top_srcdir/examples/submissions/$ex")
    got=$(jq -r '"\(.score)"' "$scratch/$ex.json" 2> /dev/null)
    tests=$(jq -r '.tests | length' "$scratch/$ex.json" 2> /dev/null)
    if [ "$status" -eq 0 ] && [ "$got" = "$want" ] && [ "${tests:-0}" -gt 0 ]; then
        ok "run_autograder on $ex: results.json scores $got, as its README states ($tests items)"
    else
        not_ok "run_autograder on $ex: results.json scores $want" "exit $status, score '$got', $tests items" \
            "$(tail -n 20 "$scratch/$ex.out")"
    fi
    check "$ex" "$ex: plain text, every test has a status, the score is the tests' sum" "$FORM"
    case " $default_flags " in
    *" --visibility visible "*) ;;
    *) check "$ex" "$ex: tests not visible (${default_flags:-the default, after_published}), so the top-level output holds no score and no sandbox" \
           "$QUIET" ;;
    esac
done

# A lone archive in the submission folder is unpacked and graded: the
# tarball `make submit` makes (student/ and the files), and a .zip.
mkdir -p "$scratch/tar/student" && cp "$top_srcdir/examples/submissions/sample"/* "$scratch/tar/student/"
tar czf "$scratch/ttlab-submit.tar.gz" -C "$scratch/tar" student
(cd "$scratch/tar/student" && zip -q "$scratch/sample.zip" ./*)
want=$(want_total "$top_srcdir/examples/submissions/sample")
for a in ttlab-submit.tar.gz sample.zip; do
    submit "$scratch/$a"
    grade "lone-$a" "$default_flags"
    got=$(jq -r '"\(.score)"' "$scratch/lone-$a.json" 2> /dev/null)
    if [ "$got" = "$want" ]; then ok "a lone $a in the submission folder is graded: $got, as the sample's README states"
    else not_ok "a lone $a in the submission folder is graded: $want" "score '$got'" "$(tail -n 5 "$scratch/lone-$a.out")"; fi
done

# Visible tests, extra credit (the reference matmul.c's tt_matmul_fast) and
# no Valgrind for the memory checks (ungraded: left out of the tests): the
# output shows the scores, and its Total is the score, extra points included.
submit "$top_srcdir/examples/submissions/complete"/*
cp "$top_srcdir/$(lab_file reference matmul)" "$root/submission/matmul.c"
grade visible "--visibility visible"
check visible "visible tests: the output lists the scores; its Total is the score, extra credit included" "$AGREE and $FORM"
check visible "the extra credit is a passed test worth 0 whose score is the extra points (the score exceeds the maximum)" \
    '([.tests[] | select(.tags | index("extra_credit"))] | length == 1)
     and .score > ([.tests[].max_score] | add)'
(TTGRADE_VALGRIND=; export TTGRADE_VALGRIND; grade ungraded "--visibility visible")
check ungraded "without Valgrind, the ungraded memory checks are left out of the tests, and the output says why" \
    '(all(.tests[]; .name | test(": memory: ") | not)) and (.output | test("ungraded")) and '"$AGREE and $FORM"

# --visibility hidden: every test hidden, and an output with no score.
grade hidden "--visibility hidden"
check hidden "--visibility hidden: every test hidden; the output holds no score and no sandbox" \
    'all(.tests[]; .visibility == "hidden") and '"$QUIET and $FORM"

# A zip whose member name is HTML: a grader error (the ".." component),
# shown as plain text (output_format text: Gradescope shows it as written).
mkdir -p "$scratch/xss" && cp "$top_srcdir/examples/submissions/complete/matmul.c" "$scratch/xss/"
(cd "$scratch/xss" && zip -q "$scratch/xss.zip" matmul.c \
    && printf '@ matmul.c\n@=<img src=x onerror=alert(1)>/../matmul.c\n' | zipnote -w "$scratch/xss.zip")
submit "$scratch/xss.zip"
grade xss "--visibility visible"
check xss "a zip member named <img src=x onerror=alert(1)>: score 0, a grader error, in plain text" \
    '.score == 0 and (.output | test("Grader error")) and .output_format == "text" and '"$FORM"
done_testing
