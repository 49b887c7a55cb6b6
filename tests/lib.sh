# lib.sh - helpers for the TAP test scripts under tests/ (sourced, not run).
# Each script prints a plan ("1..N") and one "ok"/"not ok" line per check.

: "${top_srcdir:?run this through make check}" "${top_builddir:?run this through make check}"
tap_n=0
tap_failed=0

# ok DESCRIPTION: one passing check.
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
# not_ok DESCRIPTION [DETAIL...]: one failing check; DETAIL lines become TAP comments.
not_ok() {
    tap_n=$((tap_n + 1)); tap_failed=1
    echo "not ok $tap_n - $1"; shift
    for line in "$@"; do printf '%s\n' "$line" | sed 's/^/# /'; done
}
# skip_all REASON: skip the whole script.
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
# done_testing: print the plan last, as TAP allows.
done_testing() { echo "1..$tap_n"; exit 0; }

# A scratch directory removed on exit.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ttlab-test.XXXXXX") || exit 99
# Passable (not listable) by others, as /tmp is: ttgrade's scratch dirs made
# in here must be reachable by its sandbox user (nobody, when run as root).
chmod 711 "$scratch"
trap 'rm -rf "$scratch"' EXIT

# The labs, from labs/manifest (tools/labs): their names in order, and how
# many; a lab's folder (labs/NN-<lab>).
lab_names() { "$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" names; }
lab_count() { "$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" count; }
lab_folder() { "$top_srcdir/tools/labs" "$top_srcdir/labs/manifest" folder "$1"; }
