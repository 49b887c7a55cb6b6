#!/usr/bin/env bash
# setup.sh - Gradescope runs this once, as root, when it builds the autograder
# image (Ubuntu): it installs the packages ttlab needs and builds ttgrade, with
# the hidden tests, from the ttlab source tarball next to it. `make gradescope`
# puts both in autograder.zip. The root is $AUTOGRADER_ROOT (default
# /autograder), so that the bundle can be tried anywhere; TTLAB_NO_APT=1 skips
# the package installation (the packages must then be there already).
set -euo pipefail
root=${AUTOGRADER_ROOT:-/autograder}
src="$root/source"

# The packages of ttlab's ./bootstrap (filled in by make gradescope).
PACKAGES="@PACKAGES@"

if [ "${TTLAB_NO_APT:-0}" != 1 ]; then
    apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES
fi

# Build in a fresh folder, then move it into place: a failed setup never
# leaves a half-built grader that run_autograder would use.
rm -rf "$src/ttlab" "$src/ttlab.build"
mkdir "$src/ttlab.build"
tar -xzf "$src/@TARBALL@" -C "$src/ttlab.build" --strip-components=1
cd "$src/ttlab.build"
# --disable-werror: a newer compiler's new warning must not stop the grader.
./configure -q --disable-werror
make -j"$(nproc)"
grader/ttgrade --version
cd "$src"
mv ttlab.build ttlab
echo "setup.sh: ttgrade is ready in $src/ttlab"
