## grader/local.mk - ttgrade, the autograder.
##
## It needs, in configure.ac (cJSON does all of ttgrade's JSON):
##   PKG_CHECK_MODULES([CJSON], [libcjson >= 1.7], [],
##     [AC_MSG_ERROR([cJSON was not found: install the Debian package libcjson-dev (apt-get install libcjson-dev)])])
## and, in Makefile.am, `bin_PROGRAMS =` next to the other empty lists plus
## `include grader/local.mk` after grader/data.mk.
##
## and, for ttunpack (grader/unpack.h), which reads archived submissions:
##   PKG_CHECK_MODULES([LIBARCHIVE], [libarchive >= 3.4], [], [AC_MSG_ERROR([... libarchive-dev ...])])
##
## At run time ttgrade uses the C compiler and Criterion it was configured
## with, and its data dir's ttunpack (libarchive) for archived submissions.
##
## The data dir (grader/data.mk) is found next to the executable when run from
## the build tree (grader/data), else in $(pkglibdir) where `make install`
## puts it.

bin_PROGRAMS += grader/ttgrade
grader_ttgrade_SOURCES = \
	grader/ttgrade.h \
	grader/main.c \
	grader/attribute.c grader/attribute.h grader/setup_mark.h \
	grader/canary.c \
	grader/labs.c \
	grader/rubric.c \
	grader/result.c \
	grader/intake.c \
	grader/grade.c \
	grader/phase.h \
	grader/sched.c \
	grader/valgrind.c \
	grader/valgrind.h \
	grader/crash.c \
	grader/crash.h \
	grader/timelimits.c \
	grader/timelimits.h \
	grader/report.c \
	grader/proc.c \
	grader/proc.h \
	grader/procgroup.c \
	grader/procgroup.h \
	grader/text.c \
	grader/inspect.c \
	grader/inspect.h \
	grader/text.h \
	grader/points.h \
	grader/batch.h \
	grader/batch_int.h \
	grader/batch.c \
	grader/batchopts.c \
	grader/batchsubs.c \
	grader/batchout.c \
	grader/batchpool.c \
	grader/batchbook.c \
	grader/classreport.c grader/classreport.h grader/mistake.c grader/mistake.h
grader_ttgrade_CPPFLAGS = $(AM_CPPFLAGS) $(CJSON_CFLAGS) $(LIBELF_CFLAGS) \
	-DTTGRADE_DATADIR='"$(pkglibdir)"' \
	-DTTGRADE_CC='"$(CC)"' \
	-DTTGRADE_DEBUG_CFLAGS='"$(DEBUG_CFLAGS)"' \
	-DTTGRADE_CRITERION_LIBS='"$(CRITERION_LIBS)"' \
	-DTTGRADE_LDFLAGS='"$(TTGRADE_LDFLAGS)"'
grader_ttgrade_LDADD = $(LIBELF_LIBS) $(CJSON_LIBS) -lm

# The archive reader ttgrade runs in its unpack sandbox (unpack.h); it goes
# into the data dir (grader/data.mk).
noinst_PROGRAMS += grader/ttunpack
grader_ttunpack_SOURCES = grader/ttunpack.c grader/unpack.c grader/unpack.h
grader_ttunpack_CPPFLAGS = $(AM_CPPFLAGS) $(LIBARCHIVE_CFLAGS)
grader_ttunpack_LDADD = $(LIBARCHIVE_LIBS)

# make grade: grade $(SUBMISSION) with the hidden tests. It exits 0 whenever
# the grading ran, whatever the score (the score is its output); only a
# grader or usage error (ttgrade's exit status 2) fails it.
SUBMISSION = $(srcdir)/examples/submissions/sample
TTGRADE_FLAGS =
grade: grader/ttgrade grader/data/stamp
	@grader/ttgrade $(TTGRADE_FLAGS) '$(SUBMISSION)'; status=$$?; \
	if test $$status -gt 1; then echo "make grade: ttgrade could not grade '$(SUBMISSION)' (exit $$status)" >&2; exit $$status; fi
.PHONY: grade

EXTRA_DIST += examples/submissions examples/mistakes tools/mistakes grader/hostile grader/packaging grader/SECURITY.md

include grader/fuzz/fuzz.mk

# The unit test of the class summary's mistake keys (run by tests/batch.sh).
check_PROGRAMS += tests/mistake-keys
tests_mistake_keys_SOURCES = tests/mistake-keys.c grader/mistake.c grader/mistake.h grader/text.c grader/text.h
