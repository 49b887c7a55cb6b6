## doc/local.mk - the manual pages of ttgrade and ttquestions, installed and
## shipped, and the test that keeps them in step with each program's --help.
dist_man_MANS = doc/ttgrade.1 doc/ttquestions.1
TESTS += tests/man-pages.sh
EXTRA_DIST += tests/man-pages.sh
