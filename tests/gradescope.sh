#!/bin/sh
# gradescope.sh - the Gradescope bundle (make gradescope: autograder.zip) works
# against a fake /autograder root: setup.sh (without apt-get) builds ttgrade
# from the tarball inside, and run_autograder writes a results.json whose
# score is the one the example's README states, for a correct, a partial and
# a broken submission. Without any ttgrade, run_autograder still writes one.
# Nothing in the bundle needs bubblewrap.
. "$top_srcdir/tests/lib.sh"
zip="$top_builddir/autograder.zip"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"
command -v unzip > /dev/null 2>&1 || skip_all "unzip not found (apt-get install unzip)"
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
# (None of our make's settings may reach the make setup.sh runs.)
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL AUTOGRADER_ROOT="$root" TTLAB_NO_APT=1 "$root/source/setup.sh" > "$scratch/setup.out" 2>&1 \
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
for ex in complete sample no-compile; do
    rm -rf "$root/submission" "$root/results"
    cp -R "$top_srcdir/examples/submissions/$ex" "$root/submission"
    chmod -R u+w "$root/submission" # make distcheck's source tree is read-only
    AUTOGRADER_ROOT=$root "$root/run_autograder" > "$scratch/$ex.out" 2>&1
    status=$?
    want=$(want_total "$top_srcdir/examples/submissions/$ex")
    got=$(jq -r '"\(.score)"' "$root/results/results.json" 2> /dev/null)
    tests=$(jq -r '.tests | length' "$root/results/results.json" 2> /dev/null)
    if [ "$status" -eq 0 ] && [ "$got" = "$want" ] && [ "${tests:-0}" -gt 0 ]; then
        ok "run_autograder on $ex: results.json scores $got, as its README states ($tests items)"
    else
        not_ok "run_autograder on $ex: results.json scores $want" "exit $status, score '$got', $tests items" \
            "$(tail -n 20 "$scratch/$ex.out")"
    fi
done
done_testing
