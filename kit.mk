## kit.mk - the student kit: `make student-kit` writes
## ttlab-student-$(PACKAGE_VERSION).tar.gz, a project of its own (kit/ holds
## its configure.ac, Makefile.am, README.md and CI workflow; kit/mkkit
## assembles it). Included from Makefile.am, after dist.mk.
##
## What goes in is given by the course's own lists below, so that a header,
## support file, public test, question bank, memory driver or grader source
## added to them reaches students too. Solutions never do: tests/student-kit.sh
## (make check) proves it, and proves the kit works from its tarball.
##
## What the lists cannot carry is a new library the grader links with: add
## it to TT_REQUIRE_LIBS in m4/ttlab.m4 (both configure scripts call it), its
## Debian package to packages/grade.txt (both bootstraps, Gradescope's setup.sh
## and the kit's workflow install from it), and the ttgrade lines of
## kit/Makefile.am; tests/student-kit.sh fails until then.

KIT_TARBALL = ttlab-student-$(PACKAGE_VERSION).tar.gz
# The kit's own C files (its build compiles them; see kit/libkitwerror.a below).
KIT_C_FILES = kit/kit_pass.c kit/kit_optional.c kit/check_answers.c kit/crash_cause.c
KIT_TEMPLATES = \
	kit/configure.ac \
	kit/Makefile.am \
	kit/README.md \
	kit/autograde.yml \
	kit/bootstrap \
	kit/gitignore \
	kit/kit_pass.h \
	kit/kit_optional.h \
	$(KIT_C_FILES) \
	kit/handout-filter \
	kit/annotate \
	kit/make-rubric \
	kit/mkkit
EXTRA_DIST += $(KIT_TEMPLATES)

student-kit: $(KIT_TARBALL)
.PHONY: student-kit

$(KIT_TARBALL): $(DISTFILES) $(PERF_DATA_INPUTS) grader/rubric.txt grader/data/limits.txt
	$(AM_V_GEN)KIT_HEADERS='$(API_HEADER_FILES)' \
	KIT_RUBRIC=grader/rubric.txt \
	KIT_SUPPORT='$(SUPPORT_SOURCES)' \
	KIT_PUBLIC_TESTS='$(PUBLIC_TEST_SOURCES)' \
	KIT_SUPPORT_TESTS='$(tests_public_support_tests_SOURCES)' \
	KIT_GRADER='$(grader_ttgrade_SOURCES)' \
	KIT_QUESTIONS='$(grader_ttquestions_SOURCES)' \
	KIT_BANKS='$(QUESTION_BANKS)' \
	KIT_MEMCHECK_LIB='$(memcheck_libttmem_a_SOURCES)' \
	KIT_MEMCHECK_DRIVERS='$(memcheck_libttmemdrivers_a_SOURCES)' \
	KIT_MEMCHECK_HOST='$(memcheck_ttmemhost_SOURCES)' \
	KIT_PERF_OBJ='$(PERF_DATA_INPUTS)' KIT_PERF_REF=grader/data/perf/matmul.ref KIT_PERF_CFLAGS='$(TTGRADE_PERF_CFLAGS)' AWK='$(AWK)' \
	$(SHELL) $(srcdir)/kit/mkkit $(srcdir) $(PACKAGE_VERSION) $@

CLEANFILES += $(KIT_TARBALL)
clean-local: clean-student-kit
clean-student-kit:
	rm -rf kit.stage.* kit.tree
.PHONY: clean-student-kit

# The kit's own C files, compiled here with the course's warning flags
# (-Werror): the kit builds them with the students' flags, which only warn,
# so a slip there (an implicit declaration) must fail the course's make.
# Only compiled: the kit links them (kit/Makefile.am).
noinst_LIBRARIES += kit/libkitwerror.a
kit_libkitwerror_a_SOURCES = $(KIT_C_FILES)
kit_libkitwerror_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/grader $(CRITERION_CFLAGS) $(LIBXML2_CFLAGS)

# make check: the kit's round trip, from its tarball (made before the tests).
check_DATA += $(KIT_TARBALL)
# kit/check-answers, the kit's reading of answers.txt (the grader's own
# parser), built here too for tests/questions.sh.
check_PROGRAMS += kit/check-answers
kit_check_answers_SOURCES = kit/check_answers.c $(QUESTIONS_SOURCES) grader/rubric.c grader/labs.c grader/text.c
kit_check_answers_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/grader
kit_check_answers_LDADD = reference/libttref.a -lm

# tests/student-kit.sh leaves the kit it unpacked, built and solved in
# kit.tree/, where tests/handouts.sh checks the handouts against it.
# tests/student-kit-dist.sh runs the solved kit's make distcheck in a tree of
# its own, side by side with it.
LONGEST_TESTS += tests/student-kit.sh
LONG_TESTS += tests/student-kit-dist.sh
TESTS += tests/handouts.sh
EXTRA_DIST += tests/student-kit.sh tests/student-kit-dist.sh tests/handouts.sh
tests/handouts.log: tests/student-kit.log
