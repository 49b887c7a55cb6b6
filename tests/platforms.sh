#!/bin/sh
# platforms.sh - make check-platforms (several minutes, so not in make
# check): ttlab as Gradescope, PrairieLearn and Autolab run it, in a minimal
# Debian 12 root made by mmdebstrap (cached in platforms.cache/ of the build
# tree), entered with unshare and chroot:
# - Gradescope: autograder.zip unzipped into /autograder/source, setup.sh run
#   as root (apt-get installs packages/grade.txt from the mirror; ttgrade is
#   built from the tarball), then /autograder/run_autograder;
# - PrairieLearn: the question's tests/ in /grade/tests, the student's files
#   in /grade/student, the entrypoint made executable and run as root; it must
#   exit 0 and write /grade/results/results.json;
# - Autolab: autograde-Makefile (as Makefile), autograde.tar and the handin in
#   an empty folder, `make` run there as an unprivileged user; the last line
#   printed is the scores line.
# Each grades the complete, sample and no-compile examples and the tarball of
# the kit's `make submit`, and each score must be the one the example's README
# states (tests/lib.sh); each results file must hold its platform's documented
# fields. Then: Gradescope's hidden visibility shows no score; and with a
# broken harness (a read-only /dev/shm, and no bubblewrap, whose /dev would
# hide it: as on Gradescope) every platform reports a grader error, not a
# score. Then the container image's root: its entrypoint, in the root and,
# where podman runs, as an image; and the Kubernetes recipe's pod command.
. "$top_srcdir/tests/lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (mmdebstrap, chroot, mounts)"
for t in mmdebstrap unshare chroot jq unzip; do
    command -v $t > /dev/null 2>&1 || skip_all "$t not found"
done
bdir=$top_builddir
ex=$top_srcdir/examples/submissions
cache=$bdir/platforms.cache
mkdir -p "$cache/apt"

# The root: mmdebstrap's apt variant (essential packages and apt), made
# once and kept as a tarball.
roottar=$cache/debian12.tar
if [ ! -s "$roottar" ]; then
    if mmdebstrap --format=tar --variant=apt --quiet bookworm "$roottar.tmp" > "$scratch/mmdebstrap.log" 2>&1; then
        mv "$roottar.tmp" "$roottar"
    else
        not_ok "mmdebstrap makes a Debian 12 root" "$(tail -n 5 "$scratch/mmdebstrap.log")"
        rm -f "$roottar.tmp"
        done_testing
    fi
fi
root=$scratch/root
mkdir "$root" && tar -xf "$roottar" -C "$root" || { not_ok "the root unpacks"; done_testing; }
cp /etc/resolv.conf "$root/etc/resolv.conf"
# Autolab's grading user (autodriver runs make as "autograde").
echo 'autograde:x:1001:1001::/home/autograde:/bin/sh' >> "$root/etc/passwd"
echo 'autograde:x:1001:' >> "$root/etc/group"

# in_root [--broken] CMD...: CMD in the root, in a mount namespace of its own
# with /proc, /dev and apt's package cache (platforms.cache/apt) mounted;
# --broken mounts a read-only /dev/shm.
in_root() {
    broken=0
    [ "$1" = --broken ] && { broken=1; shift; }
    unshare -m --fork sh -c '
        r=$1 cache=$2 broken=$3; shift 3
        mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" &&
        mount --bind "$cache" "$r/var/cache/apt/archives" || exit 99
        if [ "$broken" = 1 ]; then mount -t tmpfs -o ro tmpfs "$r/dev/shm" || exit 99; fi
        exec chroot "$r" "$@"' sh "$root" "$cache/apt" "$broken" "$@"
}

want_total() {
    example_expect scores "$1/README.md" | $AWK '{ split($2, s, "/"); t += s[1] } END { printf "%g\n", t }'
}
# The kit's make submit tarball of the sample: student/<lab>.c and answers.txt.
mkdir -p "$scratch/submit/student" && cp "$ex/sample"/* "$scratch/submit/student/"
tar -czf "$scratch/ttlab-submission.tar.gz" -C "$scratch/submit" student
# check FILE DESCRIPTION JQ: the filter must print true for FILE.
check() {
    if [ "$(jq -r "$3" "$1" 2> "$scratch/jq.err")" = true ]; then ok "$2"
    else not_ok "$2" "$(cat "$scratch/jq.err")" "$(head -c 600 "$1" 2> /dev/null)"; fi
}
CASES="complete sample no-compile submit"
case_want() { want_total "$ex/$([ "$1" = submit ] && echo sample || echo "$1")"; }

# ---------------------------------------------------------- Gradescope --
gs=$root/autograder
mkdir -p "$gs/source"
unzip -q "$bdir/autograder.zip" -d "$gs/source"
start=$(date +%s)
if in_root env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL /autograder/source/setup.sh > "$scratch/setup.log" 2>&1; then
    ok "Gradescope: setup.sh, as root in a Debian 12 root, installs packages/grade.txt and builds ttgrade ($(( $(date +%s) - start )) s)"
else
    not_ok "Gradescope: setup.sh, as root in a Debian 12 root, installs packages/grade.txt and builds ttgrade" \
        "$(tail -n 20 "$scratch/setup.log")"
    done_testing
fi
cp "$gs/source/run_autograder" "$gs/run_autograder"
# gs_grade NAME [--broken] [FLAGS]: the submission folder as it is, graded
# with FLAGS as run_autograder's TTGRADE_FLAGS (default: as made).
gs_grade() {
    name=$1; shift; b=
    [ "${1:-}" = --broken ] && { b=--broken; shift; }
    if [ $# -gt 0 ]; then sed "s|^TTGRADE_FLAGS=.*|TTGRADE_FLAGS=\"$1\"|" "$gs/source/run_autograder" > "$gs/run_autograder"
    else cp "$gs/source/run_autograder" "$gs/run_autograder"; fi
    rm -rf "$gs/results"
    in_root $b env ${b:+TTGRADE_SANDBOX=rlimits} /autograder/run_autograder > "$scratch/gs-$name.out" 2>&1
    cp "$gs/results/results.json" "$scratch/gs-$name.json" 2> /dev/null || echo '{}' > "$scratch/gs-$name.json"
}
gs_submit() {
    rm -rf "$gs/submission" && mkdir -p "$gs/submission"
    if [ "$1" = submit ]; then cp "$scratch/ttlab-submission.tar.gz" "$gs/submission/"
    else cp "$ex/$1"/* "$gs/submission/"; fi
}
# Gradescope's documented fields: a numeric score, output and output_format,
# and tests each with a name, a numeric score and max_score, a status
# (passed/failed) and a visibility.
GS_FIELDS='(.score | type == "number") and (.output | type == "string") and .output_format == "text"
  and .test_output_format == "text" and (.tests | length > 0)
  and all(.tests[]; (.name | type == "string") and (.score | type == "number") and (.max_score | type == "number")
    and (.status == "passed" or .status == "failed") and (.visibility | type == "string"))'
for c in $CASES; do
    gs_submit "$c"
    gs_grade "$c" "--visibility visible"
    want=$(case_want "$c")
    check "$scratch/gs-$c.json" "Gradescope: $c scores $want, as its README states; results.json has the documented fields" \
        ".score == $want and $GS_FIELDS"
done
gs_submit sample
gs_grade hidden "--visibility hidden"
check "$scratch/gs-hidden.json" "Gradescope: --visibility hidden: every test hidden, and the top-level output holds no score" \
    'all(.tests[]; .visibility == "hidden") and (.output | test("[0-9]+/[0-9]+|Total|[Ss]andbox") | not)'
gs_grade broken --broken "--visibility visible"
check "$scratch/gs-broken.json" "Gradescope: a broken harness (read-only /dev/shm): a grader error naming the self-check, score 0, nothing charged to the lab" \
    '.score == 0 and (.output | test("Grader error: the grader.s self-check failed"))'

# -------------------------------------------------------- PrairieLearn --
pl=$root/grade
# pl_grade NAME [--broken]: the question's tests/ and the student's files
# (put in $pl/student first) graded as PrairieLearn does.
pl_grade() {
    rm -rf "$pl/tests" "$pl/results" && mkdir -p "$pl" && cp -R "$bdir/ttlab-prairielearn/tests" "$pl/"
    in_root ${2:+--broken} env ${2:+TTGRADE_SANDBOX=rlimits} sh -c 'chmod +x /grade/tests/run && /grade/tests/run' \
        > "$scratch/pl-$1.out" 2>&1
    plstatus=$?
    cp "$pl/results/results.json" "$scratch/pl-$1.json" 2> /dev/null || echo '{}' > "$scratch/pl-$1.json"
}
pl_submit() {
    rm -rf "$pl/student" && mkdir -p "$pl/student"
    if [ "$1" = submit ]; then cp "$scratch/ttlab-submission.tar.gz" "$pl/student/"
    else cp "$ex/$1"/* "$pl/student/"; fi
}
image=$(jq -r '.externalGradingOptions.image' "$bdir/ttlab-prairielearn/info.json" 2> /dev/null)
check "$bdir/ttlab-prairielearn/info.json" "PrairieLearn: info.json is an External question whose externalGradingOptions name the image ($image), the entrypoint /grade/tests/run and a timeout of at most 600 s" \
    '.type == "v3" and .gradingMethod == "External" and (.uuid | test("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))
     and (.externalGradingOptions | (.image | type == "string") and .entrypoint == "/grade/tests/run"
          and (.timeout | type == "number" and . > 0 and . <= 600) and (keys - ["image", "entrypoint", "timeout"] | length == 0))'
# PrairieLearn's documented fields: gradable, score in [0, 1], message,
# output, and tests each with name, description, points, max_points,
# message, output.
PL_FIELDS='.gradable == true and (.score | type == "number" and . >= 0 and . <= 1) and (.message | type == "string")
  and (.output | type == "string") and (.tests | length > 0)
  and all(.tests[]; (.name | type == "string") and (.description | type == "string") and (.points | type == "number")
    and (.max_points | type == "number") and (.message | type == "string") and (.output | type == "string"))'
for c in $CASES; do
    pl_submit "$c"
    pl_grade "$c"
    want=$(case_want "$c")
    if [ "$plstatus" -eq 0 ]; then ok "PrairieLearn: the entrypoint exits 0 on $c (PrairieLearn reads results.json only then)"
    else not_ok "PrairieLearn: the entrypoint exits 0 on $c" "exit $plstatus" "$(tail -n 5 "$scratch/pl-$c.out")"; fi
    check "$scratch/pl-$c.json" "PrairieLearn: $c scores $want (the tests' points add up to it), with the documented fields" \
        "$PL_FIELDS and ([.tests[].points] | add) == $want"
done
rm -rf "$pl/student" && mkdir -p "$pl/student" && echo hello > "$pl/student/notes.txt"
pl_grade nothing
check "$scratch/pl-nothing.json" "PrairieLearn: a submission with nothing to grade is not gradable, with format_errors (the attempt is not counted)" \
    '.gradable == false and (.format_errors | length > 0) and (has("score") | not)'
pl_submit sample
pl_grade broken --broken
check "$scratch/pl-broken.json" "PrairieLearn: a broken harness: not gradable, the self-check named in format_errors" \
    '.gradable == false and (.format_errors[0] | test("self-check failed"))'

# ------------------------------------------------------------- Autolab --
job=$root/home/autograde/job
# al_grade NAME HANDIN [--broken]: Autolab's empty folder with the three
# files, make run there as the autograde user.
al_grade() {
    rm -rf "$job" && mkdir -p "$job"
    cp "$bdir/ttlab-autolab/autograde-Makefile" "$job/Makefile"
    cp "$bdir/ttlab-autolab/autograde.tar" "$job/"
    cp "$2" "$job/handin.tar.gz"
    chown -R 1001:1001 "$root/home/autograde"
    in_root ${3:+--broken} env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${3:+TTGRADE_SANDBOX=rlimits} \
        setpriv --reuid=1001 --regid=1001 --clear-groups sh -c 'cd /home/autograde/job && make' > "$scratch/al-$1.out" 2>&1
    tail -n 1 "$scratch/al-$1.out" > "$scratch/al-$1.json"
}
for c in $CASES; do
    if [ "$c" = submit ]; then h=$scratch/ttlab-submission.tar.gz
    else h=$scratch/handin-$c.tar.gz; tar -czf "$h" -C "$ex/$c" .; fi
    al_grade "$c" "$h"
    want=$(case_want "$c")
    check "$scratch/al-$c.json" "Autolab: make's last line on $c is the scores line, one problem per lab, adding up to $want" \
        "(.scores | keys_unsorted) == $(lab_names | jq -R . | jq -sc .) and ([.scores[]] | add) == $want and (.scoreboard[0] == $want)"
done
al_grade broken "$scratch/ttlab-submission.tar.gz" --broken
if grep -q '"scores"' "$scratch/al-broken.out"; then
    not_ok "Autolab: a broken harness: no scores line (Autolab reports a failed autograde), the self-check named" "$(tail -n 3 "$scratch/al-broken.out")"
elif grep -q "self-check failed" "$scratch/al-broken.out"; then
    ok "Autolab: a broken harness: no scores line (Autolab reports a failed autograde), the self-check named"
else
    not_ok "Autolab: a broken harness: no scores line, the self-check named" "$(tail -n 3 "$scratch/al-broken.out")"
fi

# ----------------------------------------------------- container image --
# The root as make image makes it: the packages of packages/grade.txt
# (installed above, by setup.sh) and /opt/ttlab. The entrypoint grades
# /submission into /results.
mkdir -p "$root/opt/ttlab" && cp -R "$bdir/ttlab-grader" "$top_srcdir/platforms/lib.sh" \
    "$top_srcdir/platforms/image/entrypoint" "$root/opt/ttlab/"
rm -rf "$root/submission" "$root/results" && mkdir -p "$root/submission" && cp "$scratch/ttlab-submission.tar.gz" "$root/submission/"
in_root /opt/ttlab/entrypoint > "$scratch/image.out" 2>&1
st=$?
want=$(case_want submit)
if [ "$st" -eq 1 ] && [ -s "$root/results/report.txt" ] && [ -s "$root/results/junit.xml" ] &&
   [ "$(jq -r .score "$root/results/report.json" 2> /dev/null)" = "$want" ] &&
   [ "$(jq -r .score "$root/results/results.json" 2> /dev/null)" = "$want" ]; then
    ok "the image's entrypoint grades /submission (the make submit tarball) into /results: $want, exit 1"
else
    not_ok "the image's entrypoint grades /submission into /results: $want, exit 1" "exit $st" "$(tail -n 5 "$scratch/image.out")" \
        "$(ls "$root/results" 2>&1)"
fi
# The same root as a podman image, if podman runs here (see
# doc/distribution.md for this VM: runc, and limits crun may set).
if command -v podman > /dev/null 2>&1 && command -v runc > /dev/null 2>&1; then
    tag=localhost/ttlab-platforms-test:$$
    rm -rf "$root/results" && mkdir -p "$scratch/pod-results"
    if tar -C "$root" -cf "$scratch/image.tar" . &&
       podman import --change 'ENTRYPOINT ["/opt/ttlab/entrypoint"]' "$scratch/image.tar" "$tag" > "$scratch/podman.out" 2>&1; then
        rm -f "$scratch/image.tar"
        podman --runtime runc run --rm --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
            -v "$root/submission:/submission:ro" -v "$scratch/pod-results:/results" "$tag" >> "$scratch/podman.out" 2>&1
        st=$?
        if [ "$st" -eq 1 ] && [ "$(jq -r .score "$scratch/pod-results/report.json" 2> /dev/null)" = "$want" ]; then
            ok "podman runs the root as an image (podman import, no base image): the entrypoint grades it $want"
        else
            not_ok "podman runs the root as an image: the entrypoint grades it $want" "exit $st" "$(tail -n 5 "$scratch/podman.out")"
        fi
        podman rmi -f "$tag" > /dev/null 2>&1
    else
        not_ok "podman imports the root as an image" "$(tail -n 5 "$scratch/podman.out")"
    fi
    rm -f "$scratch/image.tar"
else
    ok "# SKIP podman or runc not found (optional, packages/build.txt): the image is tested in the root only"
fi

# A Kubernetes indexed Job (doc/distribution.md): the pod's command, taken
# from the recipe, run for every index in the image's root, gives the rows
# ttgrade batch gives.
cls=$root/class
rm -rf "$cls" && mkdir -p "$cls/submissions"
cp -R "$ex/sample" "$ex/no-compile" "$cls/submissions/"
$AWK '/^            - \|$/ { on = 1; next } on && /^              / { sub(/^              /, ""); print; next } on { exit }' \
    "$top_srcdir/doc/distribution.md" > "$root/pod.sh"
n=0
for i in 0 1; do
    in_root env JOB_COMPLETION_INDEX=$i sh /pod.sh > "$scratch/pod-$i.out" 2>&1 || n=$((n + 1))
done
in_root /opt/ttlab/ttlab-grader/ttgrade batch --out /class/batch /class/submissions > "$scratch/batch.out" 2>&1
tail -n +2 "$cls/batch/grades.csv" > "$scratch/batch-rows.csv" 2> /dev/null
LC_ALL=C sort "$cls/rows/"*.csv > "$scratch/pod-rows.csv" 2> /dev/null
if [ -s "$root/pod.sh" ] && [ -s "$scratch/pod-rows.csv" ] && cmp -s "$scratch/pod-rows.csv" "$scratch/batch-rows.csv"; then
    ok "the Kubernetes recipe's pod command, for indexes 0 and 1, writes the rows ttgrade batch writes"
else
    not_ok "the Kubernetes recipe's pod command, for indexes 0 and 1, writes the rows ttgrade batch writes" \
        "$(cat "$root/pod.sh")" "$(diff "$scratch/pod-rows.csv" "$scratch/batch-rows.csv" 2>&1 | head -n 10)" \
        "$(tail -n 3 "$scratch/pod-0.out")"
fi
done_testing
