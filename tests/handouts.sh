#!/bin/sh
# handouts.sh - what the handouts tell students to type or open exists in the
# student kit. The handouts are labs/*/README.md and kit/README.md (the kit's
# README.md), read as students get them: kit/handout-filter drops the
# instructor-only regions (between `<!-- instructor -->` and
# `<!-- /instructor -->`), which mkkit leaves out of the kit.
#
# Checked, in the kit that tests/student-kit.sh unpacked, built and solved
# (the reference files in student/; kit.tree/ in the build folder; make runs
# that test first, see kit.mk):
#   - every line of a ```sh block is run from the kit's top folder, command
#     by command (split at && and |): `make T ...` as `make -n T ...` (the
#     target exists, nothing heavy runs); `cc ...` for real, after the C
#     blocks a handout asks to "save as `X`" are written to X; a program built
#     there (`./x`) is run when it takes no arguments, else checked to exist;
#     tests/public/tests is run with its --filter and must run a test; any
#     other command must be installed, and each path it names must exist;
#   - every `make T` in the prose is checked with make -n;
#   - every path in the prose (`student/matmul.c`, `labs/*/questions.txt`)
#     exists in the kit, and every bare file name (`tt_matmul.h`) is the
#     name of a file in it, or one a handout asks to save or build.
# One TAP line per handout: the mismatches, with their file:line, as comments.
. "$top_srcdir/tests/lib.sh"
kmake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"; }

kit=${KIT_TREE:-}
[ -n "$kit" ] || kit=$(ls -d "$top_builddir"/kit.tree/ttlab-student-* 2> /dev/null | head -n 1)
if [ -z "$kit" ] || [ ! -f "$kit/Makefile" ] || [ ! -x "$kit/tests/public/tests" ]; then
    not_ok "the kit built by tests/student-kit.sh is in kit.tree/" "run make check TESTS='tests/student-kit.sh tests/handouts.sh'"
    done_testing
fi

# The items of one handout, one per line: "LINE<TAB>KIND<TAB>TEXT", KIND one
# of sh (a line of a sh block), save (TEXT: a file name; the C block that
# follows is written to $scratch/save/NAME), make (a `make ...` span), path
# (a span that is a relative path), name (a span that is a file name).
# shellcheck disable=SC2016 # an awk program
items() {
    "$AWK" -f "$top_srcdir/kit/handout-filter" -v keep_lines=1 "$1" | "$AWK" -v save="$scratch/save" '
    function flush() { if (out != "") close(out); out = "" }
    /^ ? ? ?```/ {
        if (!inb) {
            inb = 1; info = $0; sub(/^ *```[ \t]*/, "", info); sub(/[ \t]+$/, "", info)
            kind = info
            if (kind == "c" && pending_save != "" && NR - save_line <= 4) {
                out = save "/" pending_save
                printf "%d\tsave\t%s\n", NR, pending_save
            }
            pending_save = ""
            next
        }
        if ($0 ~ /^ ? ? ?```[ \t]*$/) { inb = 0; flush(); next }
    }
    inb {
        if (out != "") print > out
        if (kind == "sh" || kind == "bash") {
            l = $0; sub(/^[ \t]+/, "", l)
            if (l != "" && l !~ /^#/) printf "%d\tsh\t%s\n", NR, l
        }
        next
    }
    {
        line = $0
        # "save this as `x.c`", possibly wrapped over two lines.
        two = prev " " line; prev = line
        if (match(two, /[Ss]ave (this |it )?as[ \t]+`[^`]+`/)) {
            s = substr(two, RSTART, RLENGTH); sub(/^[^`]*`/, "", s); sub(/`$/, "", s)
            if (s != pending_save) { pending_save = s; save_line = NR }
        }
        while (match(line, /`[^`]+`/)) {
            span = substr(line, RSTART + 1, RLENGTH - 2)
            line = substr(line, RSTART + RLENGTH)
            if (span ~ /^make( |$)/) printf "%d\tmake\t%s\n", NR, span
            else if (span ~ /^\.?[A-Za-z_][A-Za-z0-9_.*-]*(\/[A-Za-z0-9_.*-]+)+\/?( |$)/) {
                sub(/ .*/, "", span); printf "%d\tpath\t%s\n", NR, span
            } else if (span ~ /^[A-Za-z_][A-Za-z0-9_-]*\.(c|h|a|o|txt|md|log|yml)$/)
                printf "%d\tname\t%s\n", NR, span
        }
    }'
}

# made: the files the handouts' own commands build or save (bare names).
made=" "
# check_cmd WHERE CMD: one simple command of a sh block, in $kit.
check_cmd() {
    where=$1 cmd=$2
    set -f
    # shellcheck disable=SC2086 # a handout's command, split into words as sh does
    set -- $cmd
    set +f
    [ $# -gt 0 ] || return 0
    case $1 in
    make)
        shift
        # `make -n` lists what would run; a target that does not exist fails.
        if ! (cd "$kit" && eval "kmake -n $*") > "$scratch/out" 2>&1; then
            bad "$where: \`make $*\` fails in the kit: $(grep -m 1 -i 'no rule\|error' "$scratch/out")"
        fi ;;
    cc | gcc)
        if (cd "$kit" && eval "timeout 120 $cmd") > "$scratch/out" 2>&1; then
            o=$(printf '%s\n' "$cmd" | sed -n 's/.* -o  *\([^ ]*\).*/\1/p')
            [ -z "$o" ] || made="$made$o "
        else
            bad "$where: \`$cmd\` fails in the kit: $(grep -m 1 'error\|cannot\|No such' "$scratch/out")"
        fi ;;
    ./*)
        prog=${1#./}
        if [ ! -x "$kit/$prog" ]; then
            bad "$where: \`$cmd\`: the kit has no program $1"
        elif [ $# -eq 1 ] && ! (cd "$kit" && timeout 300 "./$prog") > "$scratch/out" 2>&1; then
            bad "$where: \`$cmd\` fails in the kit: $(tail -n 1 "$scratch/out")"
        fi ;;
    tests/public/tests)
        if ! (cd "$kit" && eval "timeout 300 $cmd") > "$scratch/out" 2>&1 \
           || ! grep -Eq 'Tested: [1-9]' "$scratch/out"; then
            bad "$where: \`$cmd\` runs no test, or fails, in the solved kit: $(tail -n 1 "$scratch/out")"
        fi ;;
    *)
        case $1 in
        */*) [ -e "$kit/$1" ] || bad "$where: \`$cmd\`: the kit has no $1" ;;
        *) command -v "$1" > /dev/null 2>&1 || bad "$where: \`$cmd\`: $1 is not installed (nor installed by ./bootstrap?)" ;;
        esac
        shift
        for w in "$@"; do
            case $w in
            -* | *=* | *'*'* | *"'"* | *'"'*) ;;
            ./*) [ -e "$kit/$w" ] || case "$made" in *" ${w#./} "*) ;; *) bad "$where: \`$cmd\`: the kit has no $w" ;; esac ;;
            */*) [ -e "$kit/$w" ] || bad "$where: \`$cmd\`: the kit has no $w" ;;
            esac
        done ;;
    esac
}
bad() { printf '%s\n' "$1" >> "$scratch/bad"; }

tab=$(printf '\t')
# check_handout FILE: the items of FILE (under $top_srcdir) checked in $kit;
# the mismatches in $scratch/bad, the count of items in $n.
check_handout() {
    h=$1
    rm -rf "$scratch/save" "$scratch/bad"; mkdir "$scratch/save"; : > "$scratch/bad"
    items "$top_srcdir/$h" > "$scratch/items"
    # The files a handout asks to save are there before any command runs.
    while IFS="$tab" read -r line kind text; do
        [ "$kind" = save ] || continue
        cp "$scratch/save/$text" "$kit/$text" && made="$made$text "
    done < "$scratch/items"
    n=0
    while IFS="$tab" read -r line kind text; do
        n=$((n + 1))
        where="$h:$line"
        case $kind in
        save) ;;
        sh)
            # A trailing comment: "  # ..." (not inside quotes, in these handouts).
            text=$(printf '%s\n' "$text" | sed 's/[[:space:]][[:space:]]*#.*$//')
            printf '%s\n' "$text" | sed 's/ *&& */\n/g; s/ *| */\n/g' > "$scratch/cmds"
            while read -r c; do check_cmd "$where" "$c"; done < "$scratch/cmds" ;;
        make)
            check_cmd "$where" "$text" ;;
        path)
            # shellcheck disable=SC2046 # a glob, as the handout wrote it
            set -- $(cd "$kit" && eval "ls -d $text" 2> /dev/null)
            [ $# -gt 0 ] || bad "$where: \`$text\`: no such file in the kit" ;;
        name)
            case "$made" in *" $text "*) continue ;; esac
            [ -n "$(find "$kit" -name "$text" -print -quit)" ] || bad "$where: \`$text\`: no file of that name in the kit" ;;
        esac
    done < "$scratch/items"
}

handouts=$(cd "$top_srcdir" && ls labs/*/README.md)
for h in $handouts kit/README.md; do
    check_handout "$h"
    if [ "$n" -eq 0 ]; then
        not_ok "$h: names commands or files to check" "none found: is the extraction broken?"
    elif [ ! -s "$scratch/bad" ]; then
        ok "$h: its $n commands, make targets and files exist in the student kit"
    else
        not_ok "$h: its $n commands, make targets and files exist in the student kit" "$(cat "$scratch/bad")"
    fi
done

# No handout types a number the labs' files set (how many labs or files
# there are, what a lab's tests or questions are worth): a new lab, or an
# edit of a test's points, must not make them wrong. The report shows each
# item's points.
$AWK '{ l = tolower($0) }
    l ~ /hidden tests \([0-9]+ points?\)|[0-9]+ points? of (systems )?questions|tests worth [0-9]+ points/ ||
    l ~ /(^|[^a-z])(two|three|four|five|six|seven|eight|nine|ten) (labs|lab files|files)([^a-z]|$)/ ||
    l ~ /other (two|three|four|five|six) labs/ { printf "%s:%d: %s\n", FILENAME, FNR, $0 }' \
    $(for h in $handouts kit/README.md; do echo "$top_srcdir/$h"; done) > "$scratch/counts"
if [ ! -s "$scratch/counts" ]; then
    ok "no handout types a count of labs or files, or a lab's points"
else
    not_ok "no handout types a count of labs or files, or a lab's points" "$(sed "s|^$top_srcdir/||" "$scratch/counts")"
fi

# The kit's copies are the course's, less the instructor-only regions.
differ=""
for h in $handouts; do
    "$AWK" -f "$top_srcdir/kit/handout-filter" "$top_srcdir/$h" | cmp -s - "$kit/$h" || differ="$differ $h"
done
if [ -z "$differ" ] && ! grep -l 'instructor -->' "$kit"/labs/*/README.md "$kit/README.md" > /dev/null 2>&1; then
    ok "the kit's handouts are the course's without their instructor-only regions"
else
    not_ok "the kit's handouts are the course's without their instructor-only regions" "differ:$differ"
fi

# The TT_ESHAPE message lab 1's handout quotes is the one the solved kit (the
# reference matmul.c) records.
cat > "$scratch/eshape.c" << 'EOF'
#include <stdio.h>
#include "tinytorch.h"
int main(void)
{
    tt_tensor *a = tt_tensor_new(2, (size_t[]){2, 3}), *b = tt_tensor_new(2, (size_t[]){4, 2});
    if (a == NULL || b == NULL || tt_matmul(a, b) != NULL)
        return 1;
    puts(tt_last_error());
    tt_tensor_free(a);
    tt_tensor_free(b);
    return 0;
}
EOF
msg=""
if ${CC:-cc} -std=c11 -I"$kit/include" "$scratch/eshape.c" "$kit/libttkit.a" -lm -o "$scratch/eshape" > "$scratch/out" 2>&1; then
    msg=$("$scratch/eshape")
fi
if [ -n "$msg" ] && grep -qF "\`$msg\`" "$top_srcdir/labs/01-matmul/README.md"; then
    ok "lab 1's handout quotes the TT_ESHAPE message the reference records: $msg"
else
    not_ok "lab 1's handout quotes the TT_ESHAPE message the reference records" "the reference: ${msg:-(none)}" "$(head -n 5 "$scratch/out")"
fi

# The check can fail: a handout naming a missing target, files and test.
real_srcdir=$top_srcdir
top_srcdir=$scratch/planted
mkdir -p "$top_srcdir/labs" "$top_srcdir/kit"
cp "$real_srcdir/kit/handout-filter" "$top_srcdir/kit/"
cat > "$top_srcdir/labs/planted.md" << 'EOF'
Run `make no-such-target`, then open `student/no-such-file.c` and `no_such_header.h`:

```sh
make tests/public/student_tests && tests/public/tests --filter 'no_such_lab/*'
```
EOF
check_handout labs/planted.md
top_srcdir=$real_srcdir
if [ "$(wc -l < "$scratch/bad")" -ge 5 ]; then
    ok "a planted handout: its missing make targets, files and test are all caught"
else
    not_ok "a planted handout: its missing make targets, files and test are all caught" "$(cat "$scratch/bad")"
fi
done_testing
