#!/bin/sh
# packages.sh - the Debian package lists (packages/*.txt) are the only place
# package names are kept: every name is in one list only, nothing else that
# installs packages names any, every entry is a package this machine's apt
# knows, and packages/install installs exactly the entries that are missing
# ("a | b" satisfied by either).
. "$top_srcdir/tests/lib.sh"
lists="$top_srcdir/packages/grade.txt $top_srcdir/packages/kit.txt $top_srcdir/packages/build.txt"

# The entries of the lists, as packages/install reads them: "a|b" per line.
# shellcheck disable=SC2086 # three paths without spaces
"$top_srcdir/packages/install" --list $lists > "$scratch/entries"
n=$(wc -l < "$scratch/entries")
dups=$(tr '|' '\n' < "$scratch/entries" | sort | uniq -d | tr '\n' ' ')
if [ "$n" -ge 10 ] && [ -z "$dups" ]; then
    ok "the $n entries of packages/{grade,kit,build}.txt name each package once"
else
    not_ok "the $n entries of packages/{grade,kit,build}.txt name each package once" "named twice: $dups"
fi

# What installs packages goes through packages/install, or ./bootstrap.
bad=""
for f in bootstrap kit/bootstrap gradescope/setup.sh kit/autograde.yml; do
    grep -q 'apt-get install' "$top_srcdir/$f" && bad="$bad $f: runs apt-get install itself;"
    grep -qE 'packages/install|\./bootstrap' "$top_srcdir/$f" || bad="$bad $f: does not use packages/install;"
done
if [ -z "$bad" ]; then
    ok "bootstrap, kit/bootstrap, gradescope/setup.sh and the kit's workflow install through packages/install"
else
    not_ok "bootstrap, kit/bootstrap, gradescope/setup.sh and the kit's workflow install through packages/install" "$bad"
fi

# Every entry is a package apt knows here (one of its names, for "a | b"):
# apt-cache policy, in one call, gives each known name a candidate version.
if command -v apt-cache > /dev/null 2>&1 && apt-cache show --no-all-versions gcc > /dev/null 2>&1; then
    # shellcheck disable=SC2046 # package names, one word each
    apt-cache policy $(tr '|' '\n' < "$scratch/entries") 2> /dev/null |
        awk '/^[^ ].*:$/ { name = substr($0, 1, length($0) - 1) }
             $1 == "Candidate:" && $2 != "(none)" { print name }' > "$scratch/known"
    unknown=""
    while IFS= read -r e; do
        printf '%s\n' "$e" | tr '|' '\n' | grep -qxF -f "$scratch/known" || unknown="$unknown $e"
    done < "$scratch/entries"
    if [ -z "$unknown" ]; then
        ok "apt knows every entry of the lists"
    else
        not_ok "apt knows every entry of the lists" "unknown:$unknown"
    fi
else
    ok "# SKIP apt-cache has no package lists here (apt-get update): entries not looked up"
fi

# packages/install --dry-run: the missing entries only, in order.
if command -v dpkg-query > /dev/null 2>&1 && dpkg-query -W -f='${Status}\n' coreutils 2> /dev/null | grep -q ' installed$'; then
    printf '%s\n' '# a test list' 'coreutils  # installed' 'ttlab-no-such-package' \
        'ttlab-no-such-t64 | coreutils' 'ttlab-no-such-a|ttlab-no-such-b' > "$scratch/list.txt"
    got=$("$top_srcdir/packages/install" --dry-run "$scratch/list.txt" 2>&1)
    want="ttlab-no-such-package ttlab-no-such-a|ttlab-no-such-b"
    if [ "$got" = "$want" ]; then
        ok "packages/install --dry-run names the missing entries, an \"a | b\" one satisfied by either"
    else
        not_ok "packages/install --dry-run names the missing entries, an \"a | b\" one satisfied by either" \
            "got: $got" "want: $want"
    fi
else
    ok "# SKIP not a Debian system: packages/install not tried"
fi
done_testing
