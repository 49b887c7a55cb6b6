## bench/grade.mk - `make bench-grade` (and its part of `make bench`): what
## grading costs, as ratios to the compile floor, all measured side by side
## in one run (bench/grade.sh). Asserts nothing, and is not part of make
## check (tests/bench.sh runs it once with QUICK=1). RUNS=N (default 5)
## rounds, HANG_RUNS=N (default 1) of them with the all-hang grading,
## BATCH=N (default 20; 0: none) submissions for the batch throughput and
## its control, BATCH_FLAGS=... extra ttgrade options for the batch (say
## --no-memcheck), QUICK=1 for one round without all-hang or batch, BEFORE=DIR
## (an older build folder) to time its ttgrade's phases in the same rounds.

BENCH_GRADE_ENV = top_srcdir='$(srcdir)' top_builddir='$(builddir)' CC='$(CC)' \
	CRITERION_CFLAGS='$(CRITERION_CFLAGS)' CRITERION_LIBS='$(CRITERION_LIBS)' \
	DEBUG_CFLAGS='$(DEBUG_CFLAGS)' VALGRIND='$(TTGRADE_VALGRIND)' \
	TTGRADE_LDFLAGS='$(TTGRADE_LDFLAGS)' BEFORE='$(BEFORE)'

bench-grade: grader/ttgrade grader/data/stamp grader/data/limits.txt
	@$(BENCH_GRADE_ENV) $(SHELL) '$(srcdir)/bench/grade.sh'

bench: bench-grade
.PHONY: bench bench-grade

EXTRA_DIST += bench/grade.sh
