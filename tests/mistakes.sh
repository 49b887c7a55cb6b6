#!/bin/sh
# mistakes.sh - the corpus of typical student mistakes (examples/mistakes/,
# made into submissions by tools/mistakes): each one, graded, gets in the item
# its README names the exact feedback lines the README gives, and the item's
# message names the kind of error. A line of the student's file the README
# gives ("- line: <lab>.c:N") must be in a feedback line and inside a hunk
# of the mistake's patch: the student's own change. A mistake with "- line:
# none" (a wrong value, a missing free, a stub: nothing has a line) must
# still be named by the student's file or one of its lab's functions. One
# ttgrade batch grades the whole corpus (each submission is one lab file, so
# the other labs cost nothing), without questions or the performance tier.
. "$top_srcdir/tests/lib.sh"
ttgrade="$top_builddir/grader/ttgrade"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"
# The memory findings and the crash causes are Valgrind's.
[ -n "${VALGRIND:-}" ] || skip_all "valgrind not found"

if ! "$top_srcdir/tools/mistakes" "$top_srcdir" "$scratch/corpus" 2> "$scratch/apply.err"; then
    not_ok "every mistake's patch applies to its lab's solution with --fuzz=0" "$(cat "$scratch/apply.err")"
fi
"$ttgrade" batch --jobs 2 --quiet --out "$scratch/out" "$scratch/corpus" -- --no-perf --no-questions \
    > "$scratch/batch.out" 2>&1 || not_ok "ttgrade batch grades the corpus" "$(tail -n 20 "$scratch/batch.out")"

# field README NAME: the value of the README's line "- NAME: ...", less any
# backticks around it.
field() { sed -n "s/^- $2: \`\\{0,1\\}\\(.*\\)/\\1/p" "$1" | sed 's/`$//' | head -n 1; }
# in_hunk PATCH N: 1 if line N of the patched file is inside a hunk of PATCH.
in_hunk() {
    $AWK -v n="$2" '/^@@ / { split($3, a, ","); s = substr(a[1], 2); c = (a[2] == "" ? 1 : a[2]);
                             if (n >= s && n < s + c) hit = 1 } END { print hit + 0 }' "$1"
}

n=0
for dir in "$top_srcdir"/examples/mistakes/*/; do
    name=$(basename "$dir") readme="$dir/README.md"
    lab=$(field "$readme" lab) item=$(field "$readme" item) kind=$(field "$readme" kind)
    line=$(field "$readme" line) want=$(field "$readme" feedback)
    if [ -z "$lab" ] || [ -z "$item" ] || [ -z "$kind" ] || [ -z "$line" ] || [ -z "$want" ] || [ ! -f "$dir/$lab.patch" ]; then
        not_ok "$name: its README gives lab, item, kind, line and feedback, and $lab.patch exists"
        continue
    fi
    n=$((n + 1))
    case $item in memory:*) cat=memory item=${item#memory:} ;; *) cat=test ;; esac
    json="$scratch/out/students/$name/report.json"
    got=$(jq -r --arg l "$lab" --arg n "$item" --arg c "$cat" \
        '.labs[] | select(.name == $l) | (.tests[]?, .memory[]?) | select(.name == $n and .category == $c)
         | select(.score < .points) | .output' "$json" 2> /dev/null)
    if [ -z "$got" ]; then
        not_ok "$name: $lab's $cat $item fails" "$(jq -c '.labs[] | select(.name == "'"$lab"'") | .score' "$json" 2>&1)"
        continue
    fi
    # every feedback line the README gives (one or more "- feedback:" lines)
    sed -n 's/^- feedback: `\(.*\)`$/\1/p' "$readme" > "$scratch/want"
    while IFS= read -r w; do
        if printf '%s\n' "$got" | grep -F -x -q -e "$w"; then
            ok "$name: $lab $item says: $w"
        else
            not_ok "$name: $lab $item says the README's line" "want: $w" "got:" "$got"
        fi
    done < "$scratch/want"
    want=$(cat "$scratch/want")
    if printf '%s\n' "$got" | grep -F -q -e "$kind"; then
        ok "$name: the message names the kind of error ($kind)"
    else
        not_ok "$name: the message names the kind of error ($kind)" "$got"
    fi
    if [ "$line" = none ]; then
        funcs=$($AWK -v l="$lab" '$1 == l { for (i = 4; i <= NF; i++) print $i }' "$top_srcdir/labs/manifest")
        named=
        for f in "$lab.c" $funcs; do
            printf '%s\n' "$got" | grep -q -w -F -e "$f" && { named=$f; break; }
        done
        if [ -n "$named" ]; then
            ok "$name: no line to name, but the message names the student's $named"
        else
            not_ok "$name: no line to name, but the message names $lab.c or one of its functions" "$got"
        fi
    else
        num=${line##*:}
        if printf '%s\n' "$want" | grep -q -E -e "(^| )$line([^0-9]|\$)" && [ "${line%%:*}" = "$lab.c" ] &&
           [ "$(in_hunk "$dir/$lab.patch" "$num")" = 1 ]; then
            ok "$name: the message names $line, inside the student's change"
        else
            not_ok "$name: the message names $line, inside the student's change" \
                "$(grep '^@@' "$dir/$lab.patch")"
        fi
    fi
done
if [ "$n" -ge 12 ]; then ok "the corpus has $n mistakes (at least 12)"; else not_ok "the corpus has at least 12 mistakes" "$n"; fi
done_testing
