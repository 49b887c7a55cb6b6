## grader/quality.mk - quality gates for instructors: the hidden suite must
## cover the reference and kill every mutant. Included from Makefile.am after
## grader/local.mk; needs gcovr (Debian package gcovr) and jq.
##
##   make coverage           the labs' solutions run by the hidden tests, the memory
##                           drivers and the allocation-failure sweep; report
##                           in coverage/ (summary.txt, html/index.html) and
##                           the gate: 100% of lines and 90% of branches in
##                           every lab file (tools/coverage)
##   make coverage-student   student/ run by the public tests, in
##                           coverage-student/, no gate (the same as
##                           make coverage COVERAGE_TREE=student)
##   make mutants            grade every mutant of the labs' mutants/ (patches
##                           of a lab's solution, made by tools/mutant-new); each must
##                           lose points in its own lab and only there
##                           (tools/mutants; MUTANTS_FLAGS=--direct grades
##                           all five labs of every mutant)
##
## make check runs both gates: tests/coverage.sh (all of it) and
## tests/mutants.sh (two mutants per lab; the whole corpus is make mutants).

COVERAGE_TREE = reference
COVERAGE_FLAGS =
MUTANTS_FLAGS =

coverage:
	$(AM_V_at)CC='$(CC)' CRITERION_CFLAGS='$(CRITERION_CFLAGS)' CRITERION_LIBS='$(CRITERION_LIBS)' \
	  $(SHELL) $(srcdir)/tools/coverage --srcdir $(srcdir) --tree $(COVERAGE_TREE) $(COVERAGE_FLAGS)

coverage-student:
	$(AM_V_at)$(MAKE) $(AM_MAKEFLAGS) coverage COVERAGE_TREE=student

mutants: grader/ttgrade grader/data/stamp
	$(AM_V_at)$(SHELL) $(srcdir)/tools/mutants --srcdir $(srcdir) --ttgrade grader/ttgrade $(MUTANTS_FLAGS)

.PHONY: coverage coverage-student mutants

QUALITY_TESTS = tests/coverage.sh tests/mutants.sh
TESTS += $(QUALITY_TESTS)
EXTRA_DIST += $(QUALITY_TESTS) tools/coverage tools/mutants tools/mutant-new tools/mutant-convert \
  grader/quality/alloc_fail.c

clean-local: clean-quality
clean-quality:
	rm -rf coverage coverage-student
.PHONY: clean-quality
