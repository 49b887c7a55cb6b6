#!/bin/sh
# clauses.sh - every clause of every lab header has a public test, and the
# hidden tests only add cases of clauses the public tests show.
#
# A lab header (tt_<lab>.h, in the lab's folder) tags each clause of its
# contract with [<lab>.<clause>]. A test names the clauses it covers on a
# comment line above it, "/* clauses: flatten.shape, flatten.copy */": the
# public tests (test_<lab>.c, every test) and the hidden ones
# (hidden_<lab>.c, every test). A clause that no public test can
# exercise (an allocation failure) is listed in the public test file as
# "/* no public test: <lab>.<clause>, ...: <why> */", and no hidden test may
# name it. Prints, per header, each clause and the public tests that cover it.
. "$top_srcdir/tests/lib.sh"

$AWK 'BEGIN { exit 0 }' || { not_ok "awk ($AWK) runs"; done_testing; }

# The labs and their files, "<lab> <header> <public tests> <hidden tests>"
# (labs/manifest).
labs="$scratch/labs"
for lab in $(lab_names); do
    echo "$lab $(lab_file header "$lab") $(lab_file test "$lab") $(lab_file hidden "$lab")"
done > "$labs"
[ -s "$labs" ] || { not_ok "found the labs" "no lab in labs/manifest"; done_testing; }

# tags FILE: the header's clause tags, one a line, in order.
tags() {
    grep -o '\[[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\]' "$1" | tr -d '[]'
}

# covers FILE: "test<TAB>clause" for each clause a test names; "test<TAB>-"
# for a test that names none; "!orphan<TAB>clause" for a clauses line no test
# follows; "!exempt<TAB>clause<TAB>why" for a clause with no public test.
covers() {
    $AWK -v file="${1##*/}" '
    function flush_to(test,    n, i, c) {
        n = split(pending, c, /[ ,]+/)
        named = 0
        for (i = 1; i <= n; i++)
            if (c[i] != "") { printf "%s\t%s\n", test, c[i]; named = 1 }
        if (!named) printf "%s\t-\n", test
        pending = ""
    }
    /^\/\* *clauses:/ {
        s = $0; sub(/^\/\* *clauses: */, "", s); sub(/ *\*\/.*$/, "", s)
        pending = pending " " s; next
    }
    /^\/\* *no public test:/ {
        s = $0; sub(/^\/\* *no public test: */, "", s); sub(/ *\*\/.*$/, "", s)
        why = s; sub(/^[^:]*: */, "", why); sub(/:.*$/, "", s)
        n = split(s, c, /[ ,]+/)
        for (i = 1; i <= n; i++) if (c[i] != "") printf "!exempt\t%s\t%s\n", c[i], why
        next
    }
    /^(HIDDEN_TEST|Test)\(/ {
        s = $0; sub(/^[A-Za-z_]*\( */, "", s)
        split(s, p, /[ ,)]+/)
        flush_to(file ":" p[1] "::" p[2]); next
    }
    END { if (pending ~ /[a-z]/) { n = split(pending, c, /[ ,]+/); for (i = 1; i <= n; i++) if (c[i] != "") printf "!orphan\t%s\n", c[i] } }
    ' "$1"
}

all_clauses="$scratch/clauses"; : > "$all_clauses"
while read -r lab header test hidden; do
    h="$top_srcdir/$header"
    if [ ! -f "$h" ]; then not_ok "$header exists" "labs list $lab with the header $header"; continue; fi
    tags "$h" > "$scratch/tags.$lab"
    if [ ! -s "$scratch/tags.$lab" ]; then
        not_ok "$header tags its clauses" "no [$lab.<clause>] tag in $header"; continue
    fi
    dup=$(sort "$scratch/tags.$lab" | uniq -d)
    if [ -n "$dup" ]; then not_ok "$header tags each clause once" "tagged twice: $dup"
    else ok "$header tags $(wc -l < "$scratch/tags.$lab") clauses"; fi
    cat "$scratch/tags.$lab" >> "$all_clauses"
done < "$labs"

# What the public and the hidden tests name.
pub="$scratch/public"; hid="$scratch/hidden"; : > "$pub"; : > "$hid"
while read -r lab header test hidden; do
    f="$top_srcdir/$test"
    if [ -f "$f" ]; then covers "$f" >> "$pub"; else not_ok "$test exists"; fi
    f="$top_srcdir/$hidden"
    [ -f "$f" ] && covers "$f" >> "$hid"
done < "$labs"
grep '^!exempt' "$pub" | cut -f2,3 > "$scratch/exempt"
grep -v '^!exempt' "$pub" > "$scratch/pub.tests"

# check_names WHAT FILE: every test names a clause, every clause it names is
# a header's, and no clauses line is left without a test.
check_names() {
    what=$1; f=$2
    untagged=$($AWK -F '\t' '$2 == "-" && $1 !~ /^!/ { print $1 }' "$f")
    if [ -n "$untagged" ]; then not_ok "every $what test names the clauses it covers" "no clauses line above:" $untagged
    else ok "every $what test names the clauses it covers"; fi
    unknown=$($AWK -F '\t' 'NR == FNR { known[$1] = 1; next }
        $2 != "-" && !($2 in known) { print $1 ": " $2 }' "$all_clauses" "$f")
    if [ -n "$unknown" ]; then not_ok "every clause a $what test names is in a header" "$unknown"
    else ok "every clause a $what test names is in a header"; fi
    orphan=$(grep '^!orphan' "$f" | cut -f2)
    if [ -n "$orphan" ]; then not_ok "every $what clauses line is above a test" "no test follows: $orphan"
    else ok "every $what clauses line is above a test"; fi
}
check_names public "$scratch/pub.tests"
check_names hidden "$hid"

unknown=$($AWK -F '\t' 'NR == FNR { known[$1] = 1; next } !($1 in known) { print $1 }' "$all_clauses" "$scratch/exempt")
if [ -n "$unknown" ]; then not_ok "every clause listed as having no public test is in a header" "$unknown"
else ok "every clause listed as having no public test is in a header"; fi

# Per header: each clause and its public tests (or why it has none); a
# clause with neither fails, and so does a hidden test of a clause with no
# public test.
while read -r lab header test hidden; do
    [ -s "$scratch/tags.$lab" ] || continue
    $AWK -F '\t' -v header="$header" '
    FILENAME == ARGV[1] { tests[$2] = tests[$2] (tests[$2] == "" ? "" : ", ") substr($1, index($1, ":") + 1); next }
    FILENAME == ARGV[2] { why[$1] = $2; next }
    FILENAME == ARGV[3] { hidden[$2] = hidden[$2] (hidden[$2] == "" ? "" : ", ") substr($1, index($1, ":") + 1); next }
    {
        c = $1; n++
        if (c in tests) { covered++; line[n] = sprintf("  %-34s %s", c, tests[c]) }
        else if (c in why) { exempt++; line[n] = sprintf("  %-34s (no public test: %s)", c, why[c]) }
        else { bad = bad " " c; line[n] = sprintf("  %-34s NONE", c) }
        if (!(c in tests) && (c in hidden)) hbad = hbad " " c " (" hidden[c] ")"
    }
    END {
        printf "%s\t%d clauses, %d with a public test, %d with none possible", header, n, covered, exempt
        if (bad != "") printf "; NO TEST:%s", bad
        printf "\n"
        for (i = 1; i <= n; i++) print line[i]
        if (hbad != "") printf "HIDDEN-ONLY\t%s\n", hbad
    }' "$scratch/pub.tests" "$scratch/exempt" "$hid" "$scratch/tags.$lab" > "$scratch/table.$lab" ||
        { not_ok "$header: the table of its clauses" "$AWK failed"; continue; }
    summary=$(head -n 1 "$scratch/table.$lab")
    table=$(sed -n '2,$p' "$scratch/table.$lab" | grep -v '^HIDDEN-ONLY')
    case $summary in
        *"NO TEST:"*) not_ok "${summary%%	*}: every clause has a public test (${summary#*	})" "$table" ;;
        *) ok "${summary%%	*}: every clause has a public test (${summary#*	})"
           printf '%s\n' "$table" | sed 's/^/# /' ;;
    esac
    hbad=$(grep '^HIDDEN-ONLY' "$scratch/table.$lab" | cut -f2)
    if [ -n "$hbad" ]; then not_ok "${summary%%	*}: every clause a hidden test grades has a public test" "$hbad"
    else ok "${summary%%	*}: every clause a hidden test grades has a public test"; fi
done < "$labs"

# The check can fail: plant one defect at a time in a copy of the tagged
# files and expect the failure it must report.
[ -n "${CLAUSES_SELFTEST:-}" ] && done_testing
plant() { # WHAT FILE SED-SCRIPT EXPECTED-FAILURE
    copy="$scratch/plant"; rm -rf "$copy"; mkdir -p "$copy/tests" "$copy/tools" "$copy/labs"
    cp "$top_srcdir"/tests/lib.sh "$copy/tests/"
    cp "$top_srcdir"/tools/labs "$copy/tools/"
    cp "$top_srcdir/labs/manifest" "$copy/labs/"
    while read -r lab header test hidden; do
        for f in "$header" "$test" "$hidden"; do
            [ ! -f "$top_srcdir/$f" ] || { mkdir -p "$copy/${f%/*}" && cp "$top_srcdir/$f" "$copy/$f"; }
        done
    done < "$labs"
    sed -i "$3" "$copy/$2"
    if cmp -s "$top_srcdir/$2" "$copy/$2"; then not_ok "planted $1" "the sed script changed nothing in $2"; return; fi
    out=$(top_srcdir="$copy" CLAUSES_SELFTEST=1 sh "$top_srcdir/tests/clauses.sh" 2>&1)
    if printf '%s\n' "$out" | grep -q "^not ok .*$4"; then ok "planted $1: fails with \"$4\""
    else not_ok "planted $1: fails with \"$4\"" "$(printf '%s\n' "$out" | grep '^not ok' || echo 'no failure at all')"; fi
}
plant "a clause without a public test" "$(lab_file test flatten)" \
    's|^/\* clauses: flatten.layer_negative \*/$|/* clauses: flatten.layer */|' "tt_flatten.h: every clause has a public test"
plant "a public test naming an unknown clause" "$(lab_file test flatten)" \
    's|^/\* clauses: flatten.copy \*/$|/* clauses: flatten.copy, flatten.no_such */|' "every clause a public test names is in a header"
plant "a public test naming no clause" "$(lab_file test flatten)" \
    '/^\/\* clauses: flatten.copy \*\/$/d' "every public test names the clauses it covers"
plant "a hidden test naming an unknown clause" "$(lab_file hidden flatten)" \
    's|^/\* clauses: flatten.range \*/$|/* clauses: flatten.range_too_big */|' "every clause a hidden test names is in a header"
plant "a hidden test naming no clause" "$(lab_file hidden flatten)" \
    '/^\/\* clauses: flatten.range \*\/$/d' "every hidden test names the clauses it covers"
plant "a hidden test of a clause no public test shows" "$(lab_file hidden flatten)" \
    's|^/\* clauses: flatten.range \*/$|/* clauses: flatten.range, flatten.enomem */|' "every clause a hidden test grades has a public test"
done_testing
