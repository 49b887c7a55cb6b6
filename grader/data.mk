## grader/data.mk - the precompiled data ttgrade links student code against:
## everything that is not the student's is compiled once, at build time.
##
##   grader/data/labs.txt           the labs, a copy of labs/manifest
##   grader/data/include/*.h        the public headers (include/, each lab's)
##   grader/data/rubric.txt         every hidden test and memory scenario with its
##                                  points, made by tools/gen-rubric from where
##                                  they are declared (each lab's folder;
##                                  grader/perf: the performance tier's scale)
##   grader/data/sources.txt        the course files it was made from: ttgrade
##                                  refuses to grade when one is newer (not
##                                  installed: an installed data dir stands alone)
##   grader/data/libttsupport.a     the support library
##   grader/data/ref/<lab>.o        the reference object of each lab
##   grader/data/hidden/<lab>.o     the hidden Criterion tests of each lab
##   grader/data/hidden/libhidden.a helpers linked into every hidden test program
##   grader/data/memcheck/<lab>.o   the memory driver of each lab (mem_<lab>.c)
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
	grader/setup_mark.h \
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
	$(API_HEADER_FILES) \
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
GRADER_DATA_ORIGINS = labs/manifest $(API_HEADER_FILES) $(LAB_REFERENCE_SOURCES) $(LAB_HIDDEN_SOURCES) \
	$(LAB_MEMCHECK_SOURCES) $(QUESTION_BANKS) grader/perf/perf_matmul.c
EXTRA_DIST += grader/calibrate.sh

# grader/mkdatadir assembles it (and the kit's, kit/Makefile.am), in a
# temporary folder renamed at the end, so a failed or interrupted build never
# leaves a half-made data dir behind. Each lab's objects: automake names an
# object of a library with flags of its own after the library.
grader/data/stamp: $(GRADER_DATA_INPUTS) $(srcdir)/grader/mkdatadir
	$(AM_V_GEN)abs=`cd $(srcdir) && pwd` && \
	for f in $(GRADER_DATA_ORIGINS); do echo "$$abs/$$f"; done > grader/data.sources && \
	banks= && for b in $(QUESTION_BANKS); do banks="$$banks $(srcdir)/$$b"; done && \
	headers= && for h in $(API_HEADER_FILES); do headers="$$headers $(srcdir)/$$h"; done && \
	ref= hidden= mem= && for src in $(LAB_REFERENCE_SOURCES); do \
	  dir=$${src%/*} lab=$${src##*/}; lab=$${lab%.c}; \
	  ref="$$ref $$dir/$$lab.$(OBJEXT)"; \
	  hidden="$$hidden $$dir/grader_hidden_libhiddentests_a-hidden_$$lab.$(OBJEXT)"; \
	  mem="$$mem $$dir/memcheck_libttmemdrivers_a-mem_$$lab.$(OBJEXT)"; \
	done && \
	set -- sources.txt=grader/data.sources ttunpack=grader/ttunpack$(EXEEXT) && \
	for p in $(PERF_DATA_INPUTS); do set -- "$$@" perf/matmul.o=$$p; done && \
	for src in $(LAB_REFERENCE_SOURCES); do canary=$$src; done && \
	set -- "$$@" canary/$${canary##*/}=$(srcdir)/$$canary && \
	for l in $(GIT2_SHIM_LIB); do set -- "$$@" lib/$${l##*/}=$$l; done && \
	$(SHELL) $(srcdir)/grader/mkdatadir grader/data --labs '$(LABS)' \
	  --manifest $(srcdir)/labs/manifest --rubric grader/rubric.txt --headers "$$headers" --banks "$$banks" \
	  --ref "$$ref" --hidden "$$hidden" --mem "$$mem" --support support/libttsupport.a \
	  --hidden-lib grader/hidden/libhidden.a --memcheck-lib memcheck/libttmem.a \
	  --memhost memcheck/ttmemhost$(EXEEXT) "$$@"
CLEANFILES += grader/data.sources
EXTRA_DIST += grader/mkdatadir

# The limits are measured with ttgrade itself, grading the reference's lab
# files; they are remade with the data dir (whose rule removes them).
grader/data/limits.txt: grader/data/stamp grader/ttgrade$(EXEEXT) $(srcdir)/grader/calibrate.sh \
		$(LAB_REFERENCE_SOURCES:%=$(srcdir)/%)
	$(AM_V_GEN)AWK='$(AWK)' $(SHELL) $(srcdir)/grader/calibrate.sh grader/ttgrade$(EXEEXT) grader/data \
	  $(srcdir) $@

# `make calibrate`: measure the limits again (on a new grading machine).
calibrate: grader/data/stamp grader/ttgrade$(EXEEXT)
	AWK='$(AWK)' $(SHELL) $(srcdir)/grader/calibrate.sh grader/ttgrade$(EXEEXT) grader/data \
	  $(srcdir) grader/data/limits.txt
.PHONY: calibrate

all-local: grader/data/stamp grader/data/limits.txt

# `make ttgrade`: ttgrade and its data dir, limits included, and nothing else
# of what `make` builds (no skeleton library, no ttquestions): all a grading
# machine needs. Gradescope's setup.sh builds this.
ttgrade: grader/ttgrade$(EXEEXT) grader/data/stamp grader/data/limits.txt
.PHONY: ttgrade

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
