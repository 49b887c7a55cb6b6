## grader/data.mk - the precompiled data ttgrade links student code against:
## everything that is not the student's is compiled once, at build time.
##
##   grader/data/labs.txt           the labs, a copy of labs/manifest
##   grader/data/include/*.h        the public headers
##   grader/data/rubric.txt         every hidden test and memory scenario with its
##                                  points, made by tools/gen-rubric from where
##                                  they are declared (grader/hidden, memcheck,
##                                  grader/perf: the performance tier's scale)
##   grader/data/sources.txt        the course files it was made from: ttgrade
##                                  refuses to grade when one is newer (not
##                                  installed: an installed data dir stands alone)
##   grader/data/libttsupport.a     the support library
##   grader/data/ref/<lab>.o        the reference object of each lab
##   grader/data/hidden/<lab>.o     the hidden Criterion tests of each lab
##   grader/data/hidden/libhidden.a helpers linked into every hidden test program
##   grader/data/memcheck/<lab>.o   the memory driver of each lab (memcheck/mem_<lab>.c)
##   grader/data/memcheck/libttmem.a the drivers' shared runner (grader/memcheck.mk)
##   grader/data/memcheck/ttmemhost the program Valgrind runs: it runs each driver
##                                  in a child of its own (grader/memcheck.mk)
##   grader/data/ttunpack           the archive reader ttgrade runs in its unpack
##                                  sandbox (grader/ttunpack.c)
##   grader/data/questions/<lab>.txt the question bank of each lab (grader/questions.mk)
##   grader/data/perf/matmul.o      lab 1's performance driver, if built (grader/perf.mk)
##   grader/data/perf/matmul.ref    the reference tt_matmul_fast's instruction counts,
##                                  which the tier's scale is a share of (written
##                                  by grader/calibrate.sh with limits.txt)
##   grader/data/lib/libgit2.so.*   the hidden tests' stand-in for libgit2, if built
##                                  (grader/shim/shim.mk)
##   grader/data/canary/<lab>.c     the reference file of one lab (the manifest's
##                                  last, the smallest today): ttgrade --canary grades it
##                                  first and wants full marks (grader/canary.c)
##   grader/data/limits.txt         the time limits, calibrated from the reference's
##                                  CPU time on this machine (grader/calibrate.sh,
##                                  once the rest is assembled; grader/timelimits.h)
##
## `make install` copies it to $(pkglibdir); ttgrade finds it next to itself
## when run from the build tree.

noinst_LIBRARIES += support/libttsupport.a grader/hidden/libhidden.a grader/hidden/libhiddentests.a
support_libttsupport_a_SOURCES = $(SUPPORT_SOURCES)

grader_hidden_libhidden_a_SOURCES = \
	grader/hidden/hidden.h \
	grader/hidden/oracle.h \
	grader/hidden/setup_mark.h \
	grader/hidden/hidden_util.c \
	grader/hidden/hidden_limit.c
# the crash record (included by hidden_limit.c; the student kit's tests link it too)
EXTRA_DIST += grader/crash_record.c
grader_hidden_libhidden_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/grader/hidden $(CRITERION_CFLAGS)

# Only built to get the objects: an archive would drop Criterion's test
# registrations, so the grader links the objects themselves.
grader_hidden_libhiddentests_a_SOURCES = $(LAB_HIDDEN_SOURCES)
grader_hidden_libhiddentests_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/grader/hidden $(CRITERION_CFLAGS)

GRADER_DATA_INPUTS = \
	$(noinst_HEADERS) \
	$(srcdir)/labs/manifest \
	grader/rubric.txt \
	support/libttsupport.a \
	reference/libttref.a \
	grader/hidden/libhidden.a \
	grader/hidden/libhiddentests.a \
	$(MEMCHECK_DATA_INPUTS) \
	grader/ttunpack$(EXEEXT) \
	$(QUESTIONS_DATA_INPUTS) \
	$(PERF_DATA_INPUTS) \
	$(GIT2_SHIM_LIB)

# The rubric, from the points next to each test and scenario.
grader/rubric.txt: $(srcdir)/labs/manifest $(srcdir)/tools/gen-rubric $(srcdir)/tools/labs \
		$(LAB_HIDDEN_SOURCES:%=$(srcdir)/%) $(LAB_MEMCHECK_SOURCES:%=$(srcdir)/%) \
		$(srcdir)/grader/perf/perf_matmul.c
	$(AM_V_GEN)$(MKDIR_P) grader && AWK='$(AWK)' $(SHELL) $(srcdir)/tools/gen-rubric $(srcdir) > $@.tmp && mv $@.tmp $@
CLEANFILES += grader/rubric.txt
EXTRA_DIST += tools/gen-rubric

# What the data dir is made from, for ttgrade's check that none changed since.
GRADER_DATA_ORIGINS = labs/manifest $(noinst_HEADERS) $(LAB_REFERENCE_SOURCES) $(LAB_HIDDEN_SOURCES) \
	$(LAB_MEMCHECK_SOURCES) $(QUESTION_BANKS) grader/perf/perf_matmul.c
EXTRA_DIST += grader/calibrate.sh

# Assembled in a temporary folder and renamed, so a failed or interrupted
# build never leaves a half-made data dir behind.
grader/data/stamp: $(GRADER_DATA_INPUTS)
	$(AM_V_GEN)rm -rf grader/data grader/data.tmp && \
	mkdir -p grader/data.tmp/include grader/data.tmp/ref grader/data.tmp/hidden grader/data.tmp/memcheck && \
	mkdir -p grader/data.tmp/questions && \
	for b in $(QUESTION_BANKS); do \
	  lab=$${b%/questions.txt}; lab=$${lab##*/[0-9][0-9]-}; \
	  cp $(srcdir)/$$b grader/data.tmp/questions/$$lab.txt || exit 1; \
	done && \
	for h in $(noinst_HEADERS); do \
	  case $$h in include/*) cp $(srcdir)/$$h grader/data.tmp/include/ || exit 1;; esac; \
	done && \
	cp $(srcdir)/labs/manifest grader/data.tmp/labs.txt && \
	cp grader/rubric.txt grader/data.tmp/rubric.txt && \
	abs=`cd $(srcdir) && pwd` && \
	for f in $(GRADER_DATA_ORIGINS); do echo "$$abs/$$f"; done > grader/data.tmp/sources.txt && \
	cp support/libttsupport.a grader/data.tmp/libttsupport.a && \
	cp grader/hidden/libhidden.a grader/data.tmp/hidden/libhidden.a && \
	cp memcheck/libttmem.a grader/data.tmp/memcheck/libttmem.a && \
	cp memcheck/ttmemhost$(EXEEXT) grader/data.tmp/memcheck/ttmemhost && \
	cp grader/ttunpack$(EXEEXT) grader/data.tmp/ttunpack && \
	mkdir grader/data.tmp/canary && \
	for lab in $(LABS); do canary=$$lab; done && \
	cp $(srcdir)/reference/$$canary.c grader/data.tmp/canary/ && \
	for lab in $(LABS); do \
	  cp reference/$$lab.$(OBJEXT) grader/data.tmp/ref/$$lab.o && \
	  cp grader/hidden/libhiddentests_a-hidden_$$lab.$(OBJEXT) grader/data.tmp/hidden/$$lab.o && \
	  cp memcheck/libttmemdrivers_a-mem_$$lab.$(OBJEXT) grader/data.tmp/memcheck/$$lab.o || exit 1; \
	done && \
	for p in $(PERF_DATA_INPUTS); do \
	  mkdir -p grader/data.tmp/perf && cp $$p grader/data.tmp/perf/matmul.o || exit 1; \
	done && \
	for l in $(GIT2_SHIM_LIB); do \
	  mkdir -p grader/data.tmp/lib && cp $$l grader/data.tmp/lib/ || exit 1; \
	done && \
	touch grader/data.tmp/stamp && mv grader/data.tmp grader/data

# The limits are measured with ttgrade itself, grading the reference's lab
# files; they are remade with the data dir (whose rule removes them).
grader/data/limits.txt: grader/data/stamp grader/ttgrade$(EXEEXT) $(srcdir)/grader/calibrate.sh \
		$(LABS:%=$(srcdir)/reference/%.c)
	$(AM_V_GEN)AWK='$(AWK)' $(SHELL) $(srcdir)/grader/calibrate.sh grader/ttgrade$(EXEEXT) grader/data \
	  $(srcdir)/reference $@

# `make calibrate`: measure the limits again (on a new grading machine).
calibrate: grader/data/stamp grader/ttgrade$(EXEEXT)
	AWK='$(AWK)' $(SHELL) $(srcdir)/grader/calibrate.sh grader/ttgrade$(EXEEXT) grader/data \
	  $(srcdir)/reference grader/data/limits.txt
.PHONY: calibrate

all-local: grader/data/stamp grader/data/limits.txt

clean-local: clean-grader-data
clean-grader-data:
	rm -rf grader/data grader/data.tmp
.PHONY: clean-grader-data

install-data-local: grader/data/stamp grader/data/limits.txt
	$(MKDIR_P) $(DESTDIR)$(pkglibdir)/include $(DESTDIR)$(pkglibdir)/ref $(DESTDIR)$(pkglibdir)/hidden \
	  $(DESTDIR)$(pkglibdir)/memcheck
	$(INSTALL_DATA) grader/data/include/*.h $(DESTDIR)$(pkglibdir)/include/
	$(INSTALL_DATA) grader/data/labs.txt grader/data/rubric.txt grader/data/libttsupport.a grader/data/limits.txt $(DESTDIR)$(pkglibdir)/
	$(INSTALL_DATA) grader/data/ref/*.o $(DESTDIR)$(pkglibdir)/ref/
	$(INSTALL_DATA) grader/data/hidden/*.o grader/data/hidden/libhidden.a $(DESTDIR)$(pkglibdir)/hidden/
	$(INSTALL_DATA) grader/data/memcheck/*.o grader/data/memcheck/libttmem.a $(DESTDIR)$(pkglibdir)/memcheck/
	$(INSTALL_PROGRAM) grader/data/memcheck/ttmemhost $(DESTDIR)$(pkglibdir)/memcheck/
	$(INSTALL_PROGRAM) grader/data/ttunpack $(DESTDIR)$(pkglibdir)/
	$(MKDIR_P) $(DESTDIR)$(pkglibdir)/canary
	$(INSTALL_DATA) grader/data/canary/*.c $(DESTDIR)$(pkglibdir)/canary/
	$(MKDIR_P) $(DESTDIR)$(pkglibdir)/questions
	$(INSTALL_DATA) grader/data/questions/*.txt $(DESTDIR)$(pkglibdir)/questions/
	if test -f grader/data/perf/matmul.o; then \
	  $(MKDIR_P) $(DESTDIR)$(pkglibdir)/perf && \
	  $(INSTALL_DATA) grader/data/perf/matmul.o $(DESTDIR)$(pkglibdir)/perf/; \
	fi
	if test -f grader/data/perf/matmul.ref; then \
	  $(INSTALL_DATA) grader/data/perf/matmul.ref $(DESTDIR)$(pkglibdir)/perf/; \
	fi
	if test -d grader/data/lib; then \
	  $(MKDIR_P) $(DESTDIR)$(pkglibdir)/lib && \
	  $(INSTALL_DATA) grader/data/lib/* $(DESTDIR)$(pkglibdir)/lib/; \
	fi

uninstall-local:
	rm -rf $(DESTDIR)$(pkglibdir)
