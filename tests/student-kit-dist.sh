#!/bin/sh
# student-kit-dist.sh - the student kit's own make distcheck: unpacked from its
# tarball (make student-kit) and solved (the reference files, and the complete
# example's answers, in student/), ./configure && make distcheck passes, and
# leaves a tarball not named like the kit (it holds the student's solutions).
# The rest of the kit's round trip is tests/student-kit.sh; this half has a
# tree of its own, so that make check runs the two side by side.
. "$top_srcdir/tests/lib.sh"
TMPDIR=$scratch; export TMPDIR
# The kit is a project of its own: none of our make's settings (MAKEFLAGS
# carries command-line variables such as TESTS=...) may reach its make.
kmake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"; }
tarball=$(ls "$top_builddir"/ttlab-student-*.tar.gz 2> /dev/null | head -n 1)
[ -n "$tarball" ] || { not_ok "make check made the student kit's tarball"; done_testing; }
mkdir "$scratch/kit"
tar -xzf "$tarball" -C "$scratch/kit"
b=$(ls -d "$scratch"/kit/ttlab-student-*)
copy_reference "$b/student"
cp "$top_srcdir/examples/submissions/complete/answers.txt" "$b/student/answers.txt"
(cd "$b" && ./configure -q) > "$scratch/configure.out" 2>&1 || {
    not_ok "the solved kit configures" "$(tail -n 20 "$scratch/configure.out")"; done_testing; }

start=$(date +%s)
if kmake -C "$b" -j2 distcheck > "$scratch/distcheck.out" 2>&1; then
    ok "make distcheck of the solved kit passes ($(( $(date +%s) - start )) s)"
else
    not_ok "make distcheck of the solved kit passes" "$(tail -n 30 "$scratch/distcheck.out")"
fi
made=$(cd "$b" && ls ./*.tar.gz 2> /dev/null | tr '\n' ' ')
case $made in
*ttlab-your-work-*) case $made in *ttlab-student-*) bad=1 ;; *) bad=0 ;; esac ;;
*) bad=1 ;;
esac
if [ "$bad" -eq 0 ]; then
    ok "make distcheck's tarball is not named like the kit: $made"
else
    not_ok "make distcheck's tarball is not named like the kit (ttlab-your-work-*)" "found: $made"
fi
done_testing
