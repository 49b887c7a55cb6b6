#!/bin/sh
# intake.sh - the packaging corpus (grader/packaging/, see its README.md): each
# case's gen.sh makes a submission from examples/submissions/complete (a
# duplicate member, a hard link, a zip folder named like a pattern, a 50 MB
# lab file, a 2 GiB amplification archive, a 4 GiB member that is not a lab
# file, ...), ttgrade grades it (--no-memcheck, two at a time), and the
# outcome is checked against the case's EXPECT: the exit status, the scores
# (a packaging-only variant of the complete submission scores what the
# folder itself scores), texts and notes in the report, and bounds on time
# and on bytes written. Then the fuzz harness's replay build
# (grader/fuzz/) reads every archive made.

# --one CASE: make and grade one case (run by xargs below, two at a time).
if [ "${1-}" = --one ]; then
    c=$2 res="$INTAKE_SCRATCH/res/$2" work="$INTAKE_SCRATCH/work/$2"
    mkdir -p "$work" "$res.tmp"
    out="$INTAKE_SCRATCH/sub/$c"
    (cd "$work" && COMPLETE="$INTAKE_COMPLETE" OUT="$out" CASE="$INTAKE_CORPUS/$c" sh "$INTAKE_CORPUS/$c/gen.sh") \
        > "$res.gen" 2>&1
    echo $? > "$res.genstatus"
    rm -rf "$work"
    grep -q '^SKIP' "$res.gen" && exit 0
    [ "$(cat "$res.genstatus")" = 0 ] || exit 0
    # %O: the file system writes of ttgrade and every child it waited for
    # (512-byte blocks, counted when written, even if later removed).
    opts=$($AWK '$1 == "options" { sub(/^options /, ""); print }' "$INTAKE_CORPUS/$c/EXPECT")
    # shellcheck disable=SC2086 # options are words
    env TMPDIR="$res.tmp" /usr/bin/time -f '%e %O' -o "$res.time" \
        "$INTAKE_TTGRADE" --no-memcheck $opts --json "$res.json" "$out" > "$res.out" 2>&1
    echo $? > "$res.status"
    exit 0
fi

. "$top_srcdir/tests/lib.sh"
ttgrade="$top_builddir/grader/ttgrade"
corpus="$top_srcdir/grader/packaging"
# A writable copy: make distcheck's source tree is read-only, and gen.sh
# scripts break copies of it on purpose.
cp -R "$top_srcdir/examples/submissions/complete" "$scratch/complete" && chmod -R u+w "$scratch/complete" || exit 99
rm -f "$scratch/complete/README.md"
complete="$scratch/complete"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"
command -v zip > /dev/null 2>&1 || skip_all "zip not found (apt-get install zip)"
[ -x /usr/bin/time ] || skip_all "/usr/bin/time not found (apt-get install time)"
CC=${CC:-cc}
mkdir -p "$scratch/sub" "$scratch/res" "$scratch/work"

cases=$(cd "$corpus" && for d in */; do [ -f "$d/EXPECT" ] && echo "${d%/}"; done)
expect() { $AWK -v k="$1" '$1 == k { sub(/^[^ ]+ ?/, ""); print }' "$corpus/$2/EXPECT"; }

# The scores to match: the complete submission as a folder, graded the same
# way (with each set of options the cases use: most grade only the labs
# their packaging touches, to keep this quick). Without options, that is
# the grading grade-examples.sh matches its archives against (graded,
# tests/lib.sh: made once).
for opts in $( (echo -; for c in $cases; do expect options "$c" | tr ' ' ','; done) | sort -u); do
    o=$(echo "$opts" | tr ',' ' '); [ "$o" = - ] && o=
    ref="$scratch/ref$opts.json"
    # shellcheck disable=SC2086 # options are words
    graded "ref$opts" "$top_srcdir/examples/submissions/complete" --no-memcheck $o
    if jq -e '.status == "graded" and .score == .max_score and .score > 0' "$ref" > /dev/null 2>&1; then
        ok "the complete submission as a folder${o:+ ($o)}: $(jq -r '"\(.score)/\(.max_score)"' "$ref") (the scores to match)"
    else
        not_ok "the complete submission as a folder${o:+ ($o)} scores full marks" "$(tail -n 5 "$scratch/ref$opts.out")"
        done_testing
    fi
done
INTAKE_SCRATCH=$scratch INTAKE_CORPUS=$corpus INTAKE_TTGRADE=$ttgrade INTAKE_COMPLETE=$complete
export INTAKE_SCRATCH INTAKE_CORPUS INTAKE_TTGRADE INTAKE_COMPLETE CC
t0=$(date +%s)
for c in $cases; do echo "$c"; done | xargs -P 2 -I "{}" sh "$0" --one "{}"
t1=$(date +%s)

for c in $cases; do
    res="$scratch/res/$c"
    if grep -q '^SKIP' "$res.gen"; then
        ok "$c # SKIP $(sed -n 's/^SKIP //p' "$res.gen" | head -n 1)"
        continue
    fi
    if [ "$(cat "$res.genstatus")" != 0 ]; then
        not_ok "$c: its gen.sh made the submission" "$(tail -n 5 "$res.gen")"
        continue
    fi
    problems=
    add() { problems="$problems$*
"; }
    status=$(cat "$res.status")
    [ "$status" = "$(expect exit "$c")" ] || add "exit $status, want $(expect exit "$c")"
    want=$(expect status "$c"); want=${want:-graded}
    [ "$(jq -r .status "$res.json" 2> /dev/null)" = "$want" ] || add "status $(jq -r .status "$res.json" 2> /dev/null), want $want"
    # Scores: "full" is every lab as the folder scored it, but for the labs
    # listed as "lab LAB missing", which keep only their questions' points.
    if grep -q '^full$' "$corpus/$c/EXPECT"; then
        key=$(expect options "$c" | tr ' ' ','); key=${key:--}
        missing=$(expect lab "$c" | $AWK '$2 == "missing" { print $1 }' | tr '\n' ' ')
        got=$(jq -r '[.labs[] | "\(.name)=\(.status)=\(.score)"] | join(" ")' "$res.json" 2> /dev/null)
        want=$(jq -r --arg m " $missing" '[.labs[] | . as $l | if ($m | contains(" " + $l.name + " ")) then "\(.name)=missing=\([.questions[]?.score] | add // 0)"
               else "\(.name)=\(.status)=\(.score)" end] | join(" ")' "$scratch/ref$key.json")
        [ "$got" = "$want" ] || add "labs: got '$got', want '$want'"
    fi
    expect text "$c" > "$res.texts"
    while IFS= read -r text; do
        [ -n "$text" ] || continue
        jq -e --arg t "$text" '[.. | strings] | any(contains($t))' "$res.json" > /dev/null 2>&1 || add "no '$text' in the JSON report"
    done < "$res.texts"
    expect note "$c" > "$res.notes"
    while IFS= read -r text; do
        [ -n "$text" ] || continue
        jq -e --arg t "$text" '.intake_notes | any(contains($t))' "$res.json" > /dev/null 2>&1 || add "no intake note '$text'"
    done < "$res.notes"
    [ -n "$(expect note "$c")" ] || jq -e '.intake_notes | length == 0' "$res.json" > /dev/null 2>&1 ||
        add "unexpected intake notes: $(jq -c .intake_notes "$res.json" 2> /dev/null)"
    read -r secs blocks <<EOF
$(tail -n 1 "$res.time" 2> /dev/null)
EOF
    bound=$(expect seconds "$c")
    [ -n "$bound" ] && ! $AWK -v s="${secs:-999}" -v b="$bound" 'BEGIN { exit !(s <= b) }' && add "took ${secs}s, bound ${bound}s"
    bound=$(expect intake_seconds "$c")
    if [ -n "$bound" ]; then
        isecs=$(jq -r .timings.intake "$res.json" 2> /dev/null)
        $AWK -v s="${isecs:-999}" -v b="$bound" 'BEGIN { exit !(s <= b) }' || add "intake took ${isecs}s, bound ${bound}s"
    fi
    bound=$(expect written "$c")
    written=$(( ${blocks:-999999999} * 512 ))
    [ -n "$bound" ] && [ "$written" -gt "$bound" ] && add "wrote $written bytes, bound $bound"
    ls -A "$res.tmp" | grep -q . && add "left in TMPDIR: $(ls -A "$res.tmp" | head -n 3)"
    summary="exit $status, $(jq -r '"\(.score)/\(.max_score)"' "$res.json" 2> /dev/null), ${secs}s (intake $(jq -r .timings.intake "$res.json" 2> /dev/null)s), $written bytes written"
    if [ -z "$problems" ]; then
        ok "$c: $summary"
    else
        not_ok "$c: graded as EXPECT says ($summary)" "$problems" "$(tail -n 8 "$res.out")"
    fi
done
# How long it took, for the log (no bound: that depends on the machine's load).
echo "# the corpus was made and graded in $((t1 - t0)) s"

# The fuzz harness (grader/fuzz/fuzz_unpack.c), built without libFuzzer, reads
# every archive made here: its checks abort on a broken promise of unpack.h.
replay="$top_builddir/grader/fuzz/fuzz_unpack_replay"
if [ -x "$replay" ]; then
    archives=$(find "$scratch/sub" -maxdepth 1 -type f | sort)
    # shellcheck disable=SC2086 # one name per case, none with spaces
    if "$replay" $archives > "$scratch/replay.out" 2>&1; then
        ok "the fuzz harness reads all $(echo "$archives" | wc -l) archives"
    else
        not_ok "the fuzz harness reads every archive" "$(tail -n 10 "$scratch/replay.out")"
    fi
else
    not_ok "the fuzz harness's replay build is there ($replay)"
fi
done_testing
