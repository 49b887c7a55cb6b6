#!/bin/sh
# grade-input.sh - bad input to ttgrade itself: a missing path, an empty folder,
# a file that is no archive, corrupt .tar.gz and .zip archives, archives with a
# "../" member, an absolute member, or a symbolic link member pointing outside
# them. Each gets a clear message, exit status 2, and every report asked for
# (JSON, JUnit XML, Gradescope), valid, with score 0 and the reason. A valid
# submission at a path with spaces and non-ASCII characters grades as usual.
# Every error prints one line on stderr and nothing on stdout (no header,
# sandbox or Score line); so does a usage error, whose reports are written
# too. Colour follows no-color.org (a non-empty NO_COLOR) and TERM=dumb.
. "$top_srcdir/tests/lib.sh"
ttgrade="$top_builddir/grader/ttgrade"
command -v jq > /dev/null 2>&1 || skip_all "jq not found (apt-get install jq)"
command -v xmllint > /dev/null 2>&1 || skip_all "xmllint not found (apt-get install libxml2-utils)"
command -v zip > /dev/null 2>&1 || skip_all "zip not found (apt-get install zip)"
TMPDIR=$scratch; export TMPDIR
complete="$top_srcdir/examples/submissions/complete"

# refused NAME PATH MESSAGE-REGEX: ttgrade PATH must exit 2, say MESSAGE on
# stderr, and write all three reports with score 0 and the reason.
refused() {
    name=$1 path=$2 want=$3 problems=
    rm -f "$scratch/$name".*
    "$ttgrade" --lab matmul --no-memcheck --json "$scratch/$name.json" --junit "$scratch/$name.xml" \
        --gradescope "$scratch/$name.gs.json" "$path" > "$scratch/$name.out" 2> "$scratch/$name.err"
    status=$?
    [ "$status" -eq 2 ] || problems="exit $status, want 2; "
    [ -s "$scratch/$name.out" ] && problems="${problems}stdout is not empty: $(head -c 300 "$scratch/$name.out"); "
    [ "$(wc -l < "$scratch/$name.err")" -eq 1 ] || problems="${problems}stderr is not one line: $(head -c 300 "$scratch/$name.err"); "
    grep -Eq "^ttgrade: .*$want" "$scratch/$name.err" || problems="${problems}stderr lacks /$want/: $(head -c 300 "$scratch/$name.err"); "
    jq -e --arg w "$want" '.status == "error" and .score == 0 and (.error | test($w))' "$scratch/$name.json" > /dev/null 2>&1 \
        || problems="${problems}report.json is not an error report naming the reason; "
    jq -e --arg w "$want" '.score == 0 and (.output | test($w))' "$scratch/$name.gs.json" > /dev/null 2>&1 \
        || problems="${problems}the Gradescope report lacks score 0 and the reason; "
    xmllint --noout --schema "$top_srcdir/tests/junit-10.xsd" "$scratch/$name.xml" > /dev/null 2>&1 \
        || problems="${problems}junit.xml missing or not valid (tests/junit-10.xsd); "
    if [ -z "$problems" ]; then
        ok "$name: exit 2, '$(sed -n 's/^ttgrade: //p' "$scratch/$name.err" | head -n 1 | cut -c 1-110)', all three reports"
    else
        not_ok "$name: exit 2, a clear message, all three reports" "$problems"
    fi
}

refused missing "$scratch/no such folder" "no such submission"
refused unknown-option "--no-such-option" "unknown option '--no-such-option'"
mkdir "$scratch/empty"
refused empty-folder "$scratch/empty" "holds no lab file"
mkdir -p "$scratch/other/student" && echo 'int main(void) { return 0; }' > "$scratch/other/student/main.c"
refused no-lab-files "$scratch/other" "holds no lab file"
echo "just text" > "$scratch/notes.txt"
refused not-an-archive "$scratch/notes.txt" "not a folder, a .tar.gz/.tgz or a .zip"

# Corrupt archives: the right magic, then garbage; a truncated real archive.
printf '\037\213\010\000garbage garbage garbage' > "$scratch/corrupt.tar.gz"
refused corrupt-tar.gz "$scratch/corrupt.tar.gz" "cannot list the archive"
mkdir -p "$scratch/flat" && cp "$complete/matmul.c" "$complete/linear.c" "$complete/answers.txt" "$scratch/flat/"
(cd "$scratch/flat" && zip -q "$scratch/good.zip" matmul.c linear.c answers.txt && tar czf "$scratch/good.tar.gz" matmul.c linear.c answers.txt)
head -c 200 "$scratch/good.zip" > "$scratch/truncated.zip"
refused truncated-zip "$scratch/truncated.zip" "cannot (list|extract) the archive"
printf 'PK\003\004garbage garbage garbage' > "$scratch/corrupt.zip"
refused corrupt-zip "$scratch/corrupt.zip" "cannot list the archive"

# Members that point outside the archive.
tar czf "$scratch/dotdot.tar.gz" -C "$scratch/flat" --transform 's,^,../,' matmul.c 2> /dev/null
refused dotdot-tar.gz "$scratch/dotdot.tar.gz" 'has a \"\.\.\" component'
tar czPf "$scratch/absolute.tar.gz" "$scratch/flat/matmul.c"
refused absolute-tar.gz "$scratch/absolute.tar.gz" "is an absolute path"
mkdir -p "$scratch/links" && cp "$complete/matmul.c" "$scratch/links/" && ln -s /etc/passwd "$scratch/links/linear.c"
(cd "$scratch/links" && tar czf "$scratch/link.tar.gz" matmul.c linear.c && zip -q --symlinks "$scratch/link.zip" matmul.c linear.c)
refused symlink-tar.gz "$scratch/link.tar.gz" "is a link that points outside it"
refused symlink-zip "$scratch/link.zip" "is a link that points outside it"
rm -f "$scratch/links/linear.c" && ln -s ../../../etc/passwd "$scratch/links/linear.c"
(cd "$scratch/links" && zip -q --symlinks "$scratch/link2.zip" matmul.c linear.c)
refused dotdot-symlink-zip "$scratch/link2.zip" "is a link that points outside it"
(cd "$scratch/flat" && zip -q "$scratch/dotdot.zip" matmul.c && printf '@ matmul.c\n@=../matmul.c\n' | zipnote -w "$scratch/dotdot.zip")
refused dotdot-zip "$scratch/dotdot.zip" 'has a \"\.\.\" component'

# Colour on a terminal (script(1) gives ttgrade one): on by default, off for
# a non-empty NO_COLOR and for TERM=dumb, on for an empty NO_COLOR.
# colour DESCRIPTION WANT(yes|no) ENV...: run ttgrade on a terminal with ENV.
colour() {
    desc=$1 want=$2; shift 2
    env "$@" script -qec "'$ttgrade' --lab matmul --no-memcheck --no-perf '$complete'" /dev/null \
        > "$scratch/colour.out" 2>&1
    if grep -q "$(printf '\033')\[" "$scratch/colour.out"; then got=yes; else got=no; fi
    if [ "$got" = "$want" ] && grep -q 'Score: ' "$scratch/colour.out"; then ok "$desc"; else
        not_ok "$desc" "colour: $got, want $want" "$(tail -n 3 "$scratch/colour.out")"; fi
}
if command -v script > /dev/null 2>&1; then
    colour "on a terminal, OK and FAIL are in colour" yes -u NO_COLOR TERM=xterm
    colour "NO_COLOR=1 turns colour off" no NO_COLOR=1 TERM=xterm
    colour "an empty NO_COLOR leaves colour on (no-color.org)" yes NO_COLOR= TERM=xterm
    colour "TERM=dumb gets no colour" no -u NO_COLOR TERM=dumb
fi

# A valid submission at a path with spaces and non-ASCII characters, as a
# folder and as both kinds of archive: graded as usual.
odd="$scratch/Ünïcode and spaces ✓"
mkdir -p "$odd/my submission" && cp "$scratch"/flat/* "$odd/my submission/"
cp "$scratch/good.zip" "$odd/sub mission ü.zip" && cp "$scratch/good.tar.gz" "$odd/sub mission ü.tar.gz"
for sub in "my submission" "sub mission ü.zip" "sub mission ü.tar.gz"; do
    "$ttgrade" --lab matmul --lab linear --no-memcheck --json "$scratch/odd.json" --junit "$scratch/odd.xml" \
        --gradescope "$scratch/odd.gs.json" "$odd/$sub" > "$scratch/odd.out" 2>&1
    status=$?
    if [ "$status" -eq 0 ] && jq -e --arg p "$odd/$sub" '.status == "graded" and .score == .max_score and .submission == $p' \
           "$scratch/odd.json" > /dev/null 2>&1 && xmllint --noout "$scratch/odd.xml" 2> /dev/null \
       && jq -e '.score > 0' "$scratch/odd.gs.json" > /dev/null 2>&1; then
        ok "'$sub' under a path with spaces and non-ASCII characters grades as usual (full marks, exit 0)"
    else
        not_ok "'$sub' under a path with spaces and non-ASCII characters grades as usual" "exit $status" "$(tail -n 5 "$scratch/odd.out")"
    fi
done
done_testing
