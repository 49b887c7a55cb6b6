## grader/memcheck.mk - the memory checks: the public memory drivers (each
## lab's mem_<lab>.c, and their runner in memcheck/), their objects in the
## grader's data dir, ttgrade's part (grader/memcheck.h and the grader/mem*.c
## files of grader/memcheck_int.h, which read Valgrind's XML with libxml2),
## and `make memcheck`.
##
## It needs, in configure.ac, libxml2 (PKG_CHECK_MODULES([LIBXML2], ...)),
## the check for <valgrind/memcheck.h> and the substitution TTGRADE_VALGRIND
## (the Valgrind ttgrade runs, "" if none); in Makefile.am, `include
## grader/memcheck.mk` after grader/local.mk.

# The shared runner (markers, per-scenario leak checks), linked into every
# driver; and the drivers, built only to get their objects (each has a main).
noinst_LIBRARIES += memcheck/libttmem.a memcheck/libttmemdrivers.a
memcheck_libttmem_a_SOURCES = memcheck/scenario.h memcheck/scenario.c
memcheck_libttmemdrivers_a_SOURCES = $(LAB_MEMCHECK_SOURCES)
memcheck_libttmemdrivers_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/memcheck

# The host Valgrind runs: it forks a child per lab, which loads that lab's
# driver (a shared object ttgrade links) and runs it (memcheck/ttmemhost.c);
# it watches its children with the grader's procgroup.c (libc only).
noinst_PROGRAMS += memcheck/ttmemhost
memcheck_ttmemhost_SOURCES = memcheck/ttmemhost.c grader/procgroup.c grader/procgroup.h

# What grader/data.mk copies into grader/data/memcheck/: libttmem.a,
# <lab>.o, the driver of each lab, and ttmemhost.
MEMCHECK_DATA_INPUTS = memcheck/libttmem.a memcheck/libttmemdrivers.a memcheck/ttmemhost$(EXEEXT)

grader_ttgrade_SOURCES += \
	grader/memcheck.h \
	grader/memcheck_int.h \
	grader/memcheck.c \
	grader/memhost.c \
	grader/memxml.c \
	grader/memverdict.c
grader_ttgrade_CPPFLAGS += $(LIBXML2_CFLAGS) -DTTGRADE_VALGRIND='"$(TTGRADE_VALGRIND)"'
grader_ttgrade_LDADD += $(LIBXML2_LIBS)

# make memcheck: run the memory drivers under Valgrind against a tree of lab
# files and print the same feedback as the grader: `make memcheck` checks
# student/, `make memcheck SUBMISSION=dir` another folder or archive. Like
# `make grade`, it fails only when ttgrade could not check (exit status 2).
# (`make grade`'s default SUBMISSION is the sample; here it is student/.)
memcheck: grader/ttgrade grader/data/stamp
	@sub='$(SUBMISSION)'; \
	if test "x$$sub" = 'x$(srcdir)/examples/submissions/sample'; then sub='$(srcdir)/student'; fi; \
	grader/ttgrade --memcheck-only $(TTGRADE_FLAGS) "$$sub"; status=$$?; \
	if test $$status -gt 1; then echo "make memcheck: ttgrade could not check '$$sub' (exit $$status)" >&2; exit $$status; fi
.PHONY: memcheck

# make check: each driver linked with the reference alone, to list its
# scenarios (against the rubric) and to run them outside Valgrind.
# (The programs, memcheck/ref_mem_<lab>, are listed by labs/labs.mk.)
MEMCHECK_REF_LDADD = memcheck/libttmem.a reference/libttref.a -lm
