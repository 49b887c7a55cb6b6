## grader/perf.mk - lab 1's performance tier, extra credit (grader/perf.h):
## ttgrade's part (grader/perf.c) and the driver (grader/perf/perf_matmul.c),
## compiled with $(TTGRADE_PERF_CFLAGS), the same fixed flags ttgrade
## compiles the student's matmul.c with for the count, and copied into the
## data dir as perf/matmul.o by grader/data.mk.
##
## It needs, in configure.ac, TTGRADE_PERF_CFLAGS and the conditional
## HAVE_VALGRIND_H (the driver uses <valgrind/callgrind.h>: without it, no
## driver is built and ttgrade reports the tier as ungraded); in Makefile.am,
## `include grader/perf.mk` after grader/memcheck.mk.

grader_ttgrade_SOURCES += grader/perf.c grader/perf.h
grader_ttgrade_CPPFLAGS += -DTTGRADE_PERF_CFLAGS='"$(TTGRADE_PERF_CFLAGS)"'

EXTRA_DIST += grader/perf/perf_matmul.c
CLEANFILES += grader/perf/perf_matmul.o

if HAVE_VALGRIND_H
PERF_DATA_INPUTS = grader/perf/perf_matmul.o
grader/perf/perf_matmul.o: $(srcdir)/grader/perf/perf_matmul.c $(noinst_HEADERS)
	$(AM_V_at)$(MKDIR_P) grader/perf
	$(AM_V_CC)$(CC) $(WARN_CFLAGS) -std=c11 $(TTGRADE_PERF_CFLAGS) $(AM_CPPFLAGS) -c -o $@ \
	  $(srcdir)/grader/perf/perf_matmul.c
else
PERF_DATA_INPUTS =
endif
