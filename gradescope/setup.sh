#!/usr/bin/env bash
# setup.sh - Gradescope runs this once, as root, when it builds the autograder
# image (Ubuntu): it installs the packages grading needs and builds ttgrade,
# with the hidden tests, from the ttlab source tarball next to it. `make
# gradescope` puts both in autograder.zip. The packages are those of the
# tarball's packages/grade.txt (installed by its packages/install), whose
# names exist on Ubuntu 22.04 and 24.04 as on Debian 12. The root is
# $AUTOGRADER_ROOT (default /autograder), so that the bundle can be tried
# anywhere; TTLAB_NO_APT=1 skips the package installation (the packages must
# then be there already).
set -euo pipefail
root=${AUTOGRADER_ROOT:-/autograder}
src="$root/source"

# Build in a fresh folder, then move it into place: a failed setup never
# leaves a half-built grader that run_autograder would use.
rm -rf "$src/ttlab" "$src/ttlab.build"
mkdir "$src/ttlab.build"
tar -xzf "$src/@TARBALL@" -C "$src/ttlab.build" --strip-components=1
cd "$src/ttlab.build"
if [ "${TTLAB_NO_APT:-0}" != 1 ]; then
    packages/install packages/grade.txt
fi
# --disable-werror: a newer compiler's new warning must not stop the grader.
./configure -q --disable-werror
# `make ttgrade`: the grader, its data dir and its calibrated limits, and
# nothing else of what `make` builds.
make -j"$(nproc)" ttgrade
grader/ttgrade --version
cd "$src"
mv ttlab.build ttlab
echo "setup.sh: ttgrade is ready in $src/ttlab"
