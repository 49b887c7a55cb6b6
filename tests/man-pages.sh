#!/bin/sh
# man-pages.sh - the manual pages say what the programs do: every option that
# `ttgrade --help`, `ttgrade batch --help` and `ttquestions --help` list is in
# doc/ttgrade.1 or doc/ttquestions.1, every option a page documents is one its
# program lists, and --version prints the package's version.
. "$top_srcdir/tests/lib.sh"
ttgrade="$top_builddir/grader/ttgrade"
ttquestions="$top_builddir/grader/ttquestions"

# The long options (--name) in text, one a line, sorted.
long_options() { grep -oE -- '--[a-z][a-z-]*[a-z]' | sort -u; }
# The long options a page documents: \- is how man pages write a dash. Options
# of other programs the page mentions (Valgrind's) are left out by the caller.
page_options() { sed 's/\\-/-/g' "$1" | long_options; }

# same_options PROGRAM PAGE HELP-FILE [OTHERS]: both directions; OTHERS is a
# regex of options the page names that belong to other programs.
same_options() {
    long_options < "$3" > "$scratch/help.opts"
    page_options "$2" | { if [ -n "${4:-}" ]; then grep -Ev -- "^($4)\$"; else cat; fi; } > "$scratch/page.opts"
    missing=$(comm -23 "$scratch/help.opts" "$scratch/page.opts" | tr '\n' ' ')
    extra=$(comm -13 "$scratch/help.opts" "$scratch/page.opts" | tr '\n' ' ')
    n=$(wc -l < "$scratch/help.opts")
    if [ -z "$missing" ] && [ -z "$extra" ] && [ "$n" -gt 3 ]; then
        ok "$(basename "$2") documents exactly the $n options that $1 --help lists"
    else
        not_ok "$(basename "$2") documents exactly the options that $1 --help lists" \
            "in --help, not in the page: ${missing:-none}" "in the page, not in --help: ${extra:-none}"
    fi
}

{ "$ttgrade" --help && "$ttgrade" batch --help; } > "$scratch/ttgrade.help" 2>&1
same_options ttgrade "$top_srcdir/doc/ttgrade.1" "$scratch/ttgrade.help" '--track-origins'
"$ttquestions" --help > "$scratch/ttquestions.help" 2>&1
same_options ttquestions "$top_srcdir/doc/ttquestions.1" "$scratch/ttquestions.help"

# The version both programs print is the one configure was given.
version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$top_builddir/config.h" 2> /dev/null)
[ -n "$version" ] || version=$(sed -n "s/^PACKAGE_VERSION = //p" "$top_builddir/Makefile")
for prog in ttgrade ttquestions; do
    got=$("$top_builddir/grader/$prog" --version 2>&1)
    status=$?
    if [ "$status" -eq 0 ] && [ "$got" = "$prog (ttlab) $version" ]; then
        ok "$prog --version prints '$got' and exits 0"
    else
        not_ok "$prog --version prints '$prog (ttlab) $version' and exits 0" "exit $status, got '$got'"
    fi
done
# The fixed environment of a grading's steps (grader/proc.c: tg_step_environ)
# is the one ttgrade.1 and grader/SECURITY.md give: each NAME and VALUE.
envs=$(sed -n 's/^char \*const tg_step_environ\[\] = {\(.*\)};$/\1/p' "$top_srcdir/grader/proc.c" | grep -o '"[A-Z_]*=[^"]*"' | tr -d '"')
for doc in doc/ttgrade.1 grader/SECURITY.md; do
    missing=
    sed 's/\\-/-/g' "$top_srcdir/$doc" > "$scratch/doc.txt" # \- is a man page's dash
    for e in $envs; do
        grep -qF -- "${e%%=*}" "$scratch/doc.txt" || missing="$missing ${e%%=*}"
        grep -qF -- "${e#*=}" "$scratch/doc.txt" || missing="$missing ${e#*=}"
    done
    if [ "$(echo $envs | wc -w)" -ge 3 ] && [ -z "$missing" ]; then
        ok "$doc gives the steps' fixed environment: $(echo $envs)"
    else
        not_ok "$doc gives the steps' fixed environment ($(echo $envs))" "missing:${missing:- (none read from grader/proc.c)}"
    fi
done

# Each page is a well-formed man page (man's own check, where man is here).
if command -v man > /dev/null 2>&1; then
    for page in ttgrade.1 ttquestions.1; do
        if LC_ALL=C MANWIDTH=80 man --warnings -l "$top_srcdir/doc/$page" 2>&1 > /dev/null | grep . > "$scratch/man.err"; then
            not_ok "doc/$page formats without warnings" "$(head -n 5 "$scratch/man.err")"
        else
            ok "doc/$page formats without warnings"
        fi
    done
fi
done_testing
