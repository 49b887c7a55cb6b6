## dist.mk - grading at scale: the Gradescope bundle (`make gradescope`) and
## the checks of batch grading and of the bundle. Included from Makefile.am.
## doc/distribution.md says how each is used.

# make gradescope: autograder.zip, for Gradescope (instructors only: it holds
# the whole ttlab tarball, hidden tests and solutions included). setup.sh
# installs the packages of the tarball's packages/grade.txt and builds ttgrade;
# run_autograder grades /autograder/submission into results.json.
GRADESCOPE_ZIP = autograder.zip
GRADESCOPE_TTGRADE_FLAGS =
GRADESCOPE_STUDENT_ID =
GRADESCOPE_FILES = \
	gradescope/setup.sh \
	gradescope/run_autograder \
	gradescope/README.md \
	platforms/lib.sh
EXTRA_DIST += $(GRADESCOPE_FILES) doc/distribution.md

gradescope: $(GRADESCOPE_ZIP)
.PHONY: gradescope

# Remade when anything that goes into the tarball changes. Assembled in a
# folder of its own (two makes may run at once in one build tree) and renamed
# into place, so a failed run leaves no half-made zip.
$(GRADESCOPE_ZIP): $(DISTFILES)
	$(AM_V_GEN)tmp=`mktemp -d gradescope.tmp.XXXXXX` && \
	$(MAKE) $(AM_MAKEFLAGS) distdir distdir="$$tmp/$(distdir)" > "$$tmp/dist.log" 2>&1 || \
	  { cat "$$tmp/dist.log" >&2; rm -rf "$$tmp"; exit 1; }; \
	(cd "$$tmp" && tar -cf - $(distdir) | gzip -9n > $(distdir).tar.gz) && \
	sed -e 's|@TARBALL@|$(distdir).tar.gz|' \
	  $(srcdir)/gradescope/setup.sh > "$$tmp/setup.sh" && \
	sed -e 's|@TTGRADE_FLAGS@|$(GRADESCOPE_TTGRADE_FLAGS)|' -e 's|@STUDENT_ID_FIELD@|$(GRADESCOPE_STUDENT_ID)|' \
	  $(srcdir)/gradescope/run_autograder > "$$tmp/run_autograder" && \
	cp $(srcdir)/gradescope/README.md $(srcdir)/platforms/lib.sh "$$tmp/" && \
	chmod 755 "$$tmp/setup.sh" "$$tmp/run_autograder" && \
	(cd "$$tmp" && zip -q -X zip.zip setup.sh run_autograder README.md lib.sh $(distdir).tar.gz) && \
	mv "$$tmp/zip.zip" $@ && rm -rf "$$tmp"

CLEANFILES += $(GRADESCOPE_ZIP)
clean-local: clean-gradescope
clean-gradescope:
	rm -rf gradescope.tmp.*
.PHONY: clean-gradescope

# make check: batch grading (the examples' gradebook, an interrupted batch
# resumed, GNU parallel's recipe on this host), and the bundle run against a
# fake /autograder root. The bundle is made before the tests run.
check_DATA += $(GRADESCOPE_ZIP)
DIST_TAP_TESTS = tests/batch.sh tests/gradescope.sh
LONG_TESTS += $(DIST_TAP_TESTS)
EXTRA_DIST += $(DIST_TAP_TESTS)
