## bench/grade.mk - `make bench-grade`: how long grading takes (bench/grade.sh).
## Prints figures measured side by side in one run; asserts nothing, and is
## not part of make check. RUNS=N (default 5) runs per figure, BATCH=N
## (default 50) submissions for the batch throughput, BATCH_FLAGS=... extra
## ttgrade options for the batch (say --no-memcheck).

bench-grade: grader/ttgrade grader/data/stamp
	@top_srcdir='$(srcdir)' top_builddir='$(builddir)' CC='$(CC)' \
	CRITERION_CFLAGS='$(CRITERION_CFLAGS)' CRITERION_LIBS='$(CRITERION_LIBS)' \
	VALGRIND='$(TTGRADE_VALGRIND)' $(SHELL) '$(srcdir)/bench/grade.sh'

bench: bench-grade
.PHONY: bench bench-grade

EXTRA_DIST += bench/grade.sh bench/baseline.sh
