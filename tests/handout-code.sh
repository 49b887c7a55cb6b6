#!/bin/sh
# handout-code.sh - every C code block in the handouts (labs/*/README.md) and in
# README.md compiles against the real headers, and lab 1's loop_order.c builds
# with -Werror and runs.
#
# The convention for code blocks in the Markdown files:
#   - A block fenced with ```c (info string exactly "c") is compiled as one
#     whole translation unit, with `#include "tinytorch.h"` put in front of it:
#         ${CC:-cc} -std=c11 -Wall -Wextra -Werror -I include -I <each lab's folder> -c
#     So a snippet must be valid at file scope: put statements inside a
#     function (a non-static one, or -Wunused-function fires), and include any
#     other header it needs (<stdio.h>, <string.h>, ...) itself.
#   - A block fenced with ```c nocompile (any extra word after "c") is shown
#     as C but not compiled: for pseudo-code and deliberately broken examples.
#   - Blocks in other languages (```sh, ```text, ```python) are not compiled.
#   - Fences are lines starting with ``` (up to 3 leading spaces, stripped
#     from the block's lines too); ~~~ fences are not recognised.
# Each compiled block gets one TAP line naming the file and the line of its
# opening fence; a `#line` directive makes compiler errors point at the
# Markdown file's own line numbers.
. "$top_srcdir/tests/lib.sh"

cc=${CC:-cc}
awk=${AWK:-awk}

# Extract the blocks: $scratch/block<N>.c, plus one "N<TAB>file:line" line per
# compiled block in $scratch/manifest ("UNTERMINATED<TAB>file:line" for a fence
# that is never closed).
(
    cd "$top_srcdir" || exit 1
    "$awk" -v dir="$scratch" '
    FNR == 1 {
        if (inblock) print "UNTERMINATED\t" file ":" openline
        inblock = 0; file = FILENAME
    }
    !inblock && /^ ? ? ?```/ {
        line = $0
        match(line, /^ *```/); indent = RLENGTH - 3
        info = substr(line, RLENGTH + 1)
        gsub(/^[ \t]+|[ \t]+$/, "", info)
        inblock = 1; openline = FNR; compile = (info == "c")
        if (compile) {
            n++
            out = dir "/block" n ".c"
            printf "#include \"tinytorch.h\"\n#line %d \"%s\"\n", FNR + 1, FILENAME > out
            pending = n "\t" FILENAME ":" FNR
        }
        next
    }
    inblock && /^ ? ? ?```[ \t]*$/ {
        if (compile) { close(out); print pending }
        inblock = 0
        next
    }
    inblock && compile {
        line = $0
        if (indent > 0 && substr(line, 1, indent) ~ /^ +$/) line = substr(line, indent + 1)
        print line > out
    }
    END { if (inblock) print "UNTERMINATED\t" file ":" openline }
    ' README.md labs/*/README.md > "$scratch/manifest"
) || { not_ok "extract the C blocks from the handouts"; done_testing; }

# the headers: include/ (support, tinytorch.h) and each lab's folder
incs="-I$top_srcdir/include"
for d in $("$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" all folder); do incs="$incs -I$top_srcdir/$d"; done
blocks=0
tab=$(printf '\t')
while IFS="$tab" read -r n where; do
    if [ "$n" = UNTERMINATED ]; then
        not_ok "$where: the code fence opened here is never closed"
        continue
    fi
    blocks=$((blocks + 1))
    # shellcheck disable=SC2086 # a word list
    if "$cc" -std=c11 -Wall -Wextra -Werror $incs \
        -c "$scratch/block$n.c" -o "$scratch/block$n.o" > "$scratch/err" 2>&1; then
        ok "$where: the C block compiles"
    else
        not_ok "$where: the C block compiles" "$(head -n 30 "$scratch/err")"
    fi
done < "$scratch/manifest"
if [ "$blocks" -eq 0 ]; then
    not_ok "the handouts contain C blocks" "no \`\`\`c block found in README.md or labs/*/README.md"
fi

# Lab 1's benchmark: builds warning-free as the handout tells students to
# build it, and runs (on tiny sizes) with every loop order agreeing.
src="$top_srcdir/labs/01-matmul/loop_order.c"
if "$cc" -O2 -std=c11 -Wall -Wextra -Werror "$src" -o "$scratch/loop_order" > "$scratch/err" 2>&1; then
    ok "labs/01-matmul/loop_order.c compiles with -Wall -Wextra -Werror"
    if "$scratch/loop_order" 8 33 > "$scratch/out" 2>&1; then
        ok "labs/01-matmul/loop_order.c runs and its loop orders agree"
    else
        not_ok "labs/01-matmul/loop_order.c runs and its loop orders agree" "$(cat "$scratch/out")"
    fi
else
    not_ok "labs/01-matmul/loop_order.c compiles with -Wall -Wextra -Werror" "$(head -n 30 "$scratch/err")"
fi
done_testing
