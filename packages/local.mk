## packages/local.mk - the Debian package lists (grade.txt, kit.txt,
## build.txt) and packages/install, which ./bootstrap, the student kit's
## ./bootstrap and Gradescope's setup.sh install them with. In the tarball:
## setup.sh installs packages/grade.txt from it.
EXTRA_DIST += packages/install packages/grade.txt packages/kit.txt packages/build.txt

# make check: the lists are the one place package names are kept.
TESTS += tests/packages.sh
EXTRA_DIST += tests/packages.sh
