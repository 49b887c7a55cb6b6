## tests/local.mk - make check: the public tests (Criterion, one TAP line per
## test) against the reference, and the checks on the generated skeleton.

PUBLIC_TEST_SOURCES = \
	tests/public/ptest.h \
	$(LAB_PUBLIC_TEST_SOURCES) \
	tests/public/test_summary.c

check_PROGRAMS += tests/public/ref_tests tests/public/student_tests tests/public/support_tests

# The public tests linked with the reference solutions: every test must pass.
PUBLIC_TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/tests/public
tests_public_ref_tests_SOURCES = $(PUBLIC_TEST_SOURCES)
tests_public_ref_tests_CPPFLAGS = $(PUBLIC_TEST_CPPFLAGS)
tests_public_ref_tests_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_public_ref_tests_LDADD = reference/libttref.a $(CRITERION_LIBS)

# The same tests linked with the skeleton: every test must fail, cleanly.
tests_public_student_tests_SOURCES = $(PUBLIC_TEST_SOURCES)
tests_public_student_tests_CPPFLAGS = $(PUBLIC_TEST_CPPFLAGS)
tests_public_student_tests_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_public_student_tests_LDADD = student/libttstudent.a $(CRITERION_LIBS)

# The support library's own tests: pass in both trees.
tests_public_support_tests_SOURCES = tests/public/ptest.h tests/public/test_support.c
tests_public_support_tests_CPPFLAGS = $(PUBLIC_TEST_CPPFLAGS)
tests_public_support_tests_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_public_support_tests_LDADD = reference/libttref.a $(CRITERION_LIBS)

# (LONG_TESTS: Makefile.am runs them first, the longest first: CPU seconds
# of each on the 2-core development machine of an earlier session (on the
# one of 2026-12-07, whose process starts cost a fifth as much, each took a
# third to two thirds of these), instructor-edits.sh 87 and new-lab.sh 62
# (each rebuilds and recalibrates a copy of the tree, then grades in it),
# hostile.sh 83, grade-examples.sh 75 when it is the first to ask for the
# examples' class (tests/lib.sh: graded_class), valgrind-public.sh 75,
# intake.sh 50, mistakes.sh 41.)
CHECK_SCRIPTS_LONG = \
	tests/instructor-edits.sh \
	tests/new-lab.sh \
	tests/hostile.sh \
	tests/grade-examples.sh \
	tests/valgrind-public.sh \
	tests/intake.sh \
	tests/mistakes.sh

CHECK_SCRIPTS_TAP = \
	tests/student-tree.sh \
	tests/gen-student-errors.sh \
	tests/skeleton-fails.sh \
	tests/clauses.sh \
	tests/crash-feedback.sh \
	tests/grade-reports.sh \
	tests/handout-code.sh \
	tests/memcheck.sh \
	tests/memcheck-leaks.sh \
	tests/questions.sh \
	tests/determinism.sh \
	tests/grade-input.sh \
	tests/perf.sh \
	tests/bench.sh

# The gradings the test scripts share (tests/lib.sh: graded, graded_class) are made afresh
# by every make check: emptied before the tests run.
check_DATA += tests-graded-reset
tests-graded-reset:
	$(AM_V_at)rm -rf tests/graded
clean-local: tests-graded-reset
.PHONY: tests-graded-reset

LONG_TESTS += $(CHECK_SCRIPTS_LONG)
TESTS += tests/public/support_tests tests/public/ref_tests $(CHECK_SCRIPTS_TAP)
EXTRA_DIST += $(CHECK_SCRIPTS_LONG) $(CHECK_SCRIPTS_TAP) tests/lib.sh tests/criterion-tap tests/junit-10.xsd tests/toy-lab

# Every test speaks TAP, so each public test gets its own PASS/FAIL line.
TEST_EXTENSIONS = .sh
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
SH_LOG_DRIVER = $(LOG_DRIVER)
LOG_COMPILER = $(SHELL) $(srcdir)/tests/criterion-tap
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; top_builddir='$(abs_top_builddir)'; \
	VALGRIND='$(VALGRIND)'; AWK='$(AWK)'; CC='$(CC)'; \
	export top_srcdir top_builddir VALGRIND AWK CC;
