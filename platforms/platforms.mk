## platforms/platforms.mk - ttlab on the platforms courses already use,
## besides Gradescope (dist.mk). Included from Makefile.am; doc/distribution.md
## says how each is used. All of them run one thing, the grader bundle:
##
##   make grader-bundle   ttlab-grader/: ttgrade and its data dir (data/ next
##                        to ttgrade: relocatable), as `make install` lays
##                        them out. Instructors only: it holds the hidden tests.
##   make prairielearn    ttlab-prairielearn/: a PrairieLearn question folder
##                        (info.json, question.html, tests/ with the bundle
##                        and the entrypoint tests/run)
##   make autolab         ttlab-autolab/autograde-Makefile and autograde.tar
##   make image           a container image from Debian packages only
##                        (platforms/image/mkimage: mmdebstrap, then podman)
##   make check-platforms tests/platforms.sh: each of them run as its platform
##                        runs it, in a Debian 12 root made by mmdebstrap
##
## The bundle is built here, so it runs on a system with this one's
## libraries: Debian 12 with packages/grade.txt, as the image is.

GRADER_BUNDLE = ttlab-grader
PLATFORM_FILES = \
	platforms/lib.sh \
	platforms/prairielearn/run \
	platforms/prairielearn/info.json.in \
	platforms/prairielearn/question.html \
	platforms/autolab/autograde-Makefile \
	platforms/autolab/autolab-grade \
	platforms/image/mkimage \
	platforms/image/entrypoint
EXTRA_DIST += $(PLATFORM_FILES)

grader-bundle: $(GRADER_BUNDLE)/stamp
.PHONY: grader-bundle

# `make install` into a folder of its own, then ttgrade and its data dir
# taken out of it side by side; renamed into place when complete.
$(GRADER_BUNDLE)/stamp: grader/ttgrade$(EXEEXT) grader/data/stamp grader/data/limits.txt $(srcdir)/platforms/lib.sh
	$(AM_V_GEN)rm -rf $(GRADER_BUNDLE) $(GRADER_BUNDLE).tmp && mkdir $(GRADER_BUNDLE).tmp && \
	abs=`pwd`/$(GRADER_BUNDLE).tmp && \
	$(MAKE) $(AM_MAKEFLAGS) install DESTDIR="$$abs/root" > $(GRADER_BUNDLE).tmp/install.log 2>&1 || \
	  { cat $(GRADER_BUNDLE).tmp/install.log >&2; exit 1; }; \
	mv "$$abs/root$(bindir)/ttgrade$(EXEEXT)" $(GRADER_BUNDLE).tmp/ttgrade && \
	mv "$$abs/root$(pkglibdir)" $(GRADER_BUNDLE).tmp/data && \
	rm -rf "$$abs/root" $(GRADER_BUNDLE).tmp/install.log && \
	touch $(GRADER_BUNDLE).tmp/stamp && mv $(GRADER_BUNDLE).tmp $(GRADER_BUNDLE)

# make prairielearn: the question folder. PRAIRIELEARN_IMAGE is the image
# PrairieLearn pulls (public on Docker Hub for PrairieLearn's own servers: the
# packages only, `make image IMAGE_BUNDLE=-`; the bundle rides in tests/);
# PRAIRIELEARN_TIMEOUT its timeout (seconds, at most 600); PRAIRIELEARN_UUID
# the question's uuid (default: one made from the package name).
PRAIRIELEARN_DIR = ttlab-prairielearn
PRAIRIELEARN_IMAGE = ttlab-grade-env:$(VERSION)
PRAIRIELEARN_TIMEOUT = 120
PRAIRIELEARN_UUID =
prairielearn: $(PRAIRIELEARN_DIR)/info.json
.PHONY: prairielearn

$(PRAIRIELEARN_DIR)/info.json: $(GRADER_BUNDLE)/stamp $(PLATFORM_FILES:%=$(srcdir)/%) $(srcdir)/labs/manifest
	$(AM_V_GEN)rm -rf $(PRAIRIELEARN_DIR) $(PRAIRIELEARN_DIR).tmp && mkdir -p $(PRAIRIELEARN_DIR).tmp/tests && \
	uuid='$(PRAIRIELEARN_UUID)'; \
	if test -z "$$uuid"; then \
	  uuid=`printf '%s' '$(PACKAGE)-prairielearn' | md5sum | sed 's/^\(.\{8\}\)\(.\{4\}\)\(.\{4\}\)\(.\{4\}\)\(.\{12\}\).*/\1-\2-\3-\4-\5/'`; \
	fi; \
	sed -e "s|@UUID@|$$uuid|" -e 's|@IMAGE@|$(PRAIRIELEARN_IMAGE)|' -e 's|@TIMEOUT@|$(PRAIRIELEARN_TIMEOUT)|' \
	  $(srcdir)/platforms/prairielearn/info.json.in > $(PRAIRIELEARN_DIR).tmp/info.json && \
	files=`for l in $(LABS); do printf '%s.c, ' $$l; done | sed 's/, $$//'` && \
	sed -e "s|@LAB_FILES_CSV@|$$files|" -e "s|@LAB_FILES@|$$files|" \
	  $(srcdir)/platforms/prairielearn/question.html > $(PRAIRIELEARN_DIR).tmp/question.html && \
	cp $(srcdir)/platforms/prairielearn/run $(srcdir)/platforms/lib.sh $(PRAIRIELEARN_DIR).tmp/tests/ && \
	cp -R $(GRADER_BUNDLE) $(PRAIRIELEARN_DIR).tmp/tests/ && rm -f $(PRAIRIELEARN_DIR).tmp/tests/$(GRADER_BUNDLE)/stamp && \
	chmod 755 $(PRAIRIELEARN_DIR).tmp/tests/run && mv $(PRAIRIELEARN_DIR).tmp $(PRAIRIELEARN_DIR)

# make autolab: the two autograding files of an Autolab assessment. Its
# problems are named as the labs; its handin is one archive (the kit's make
# submit tarball, say handin.tar.gz).
AUTOLAB_DIR = ttlab-autolab
autolab: $(AUTOLAB_DIR)/autograde.tar
.PHONY: autolab

$(AUTOLAB_DIR)/autograde.tar: $(GRADER_BUNDLE)/stamp $(PLATFORM_FILES:%=$(srcdir)/%)
	$(AM_V_GEN)rm -rf $(AUTOLAB_DIR) $(AUTOLAB_DIR).tmp && mkdir -p $(AUTOLAB_DIR).tmp/tar && \
	cp $(srcdir)/platforms/autolab/autolab-grade $(srcdir)/platforms/lib.sh $(AUTOLAB_DIR).tmp/tar/ && \
	cp -R $(GRADER_BUNDLE) $(AUTOLAB_DIR).tmp/tar/ && rm -f $(AUTOLAB_DIR).tmp/tar/$(GRADER_BUNDLE)/stamp && \
	(cd $(AUTOLAB_DIR).tmp/tar && tar -cf ../autograde.tar autolab-grade lib.sh $(GRADER_BUNDLE)) && \
	rm -rf $(AUTOLAB_DIR).tmp/tar && \
	cp $(srcdir)/platforms/autolab/autograde-Makefile $(AUTOLAB_DIR).tmp/ && \
	mv $(AUTOLAB_DIR).tmp $(AUTOLAB_DIR)

# make image: the root (ttlab-image.tar) and, with podman, the image
# IMAGE_NAME. IMAGE_BUNDLE=- leaves the grader out (PrairieLearn's public
# image, PRAIRIELEARN_IMAGE).
IMAGE_NAME = ttlab-grader:$(VERSION)
IMAGE_BUNDLE = $(GRADER_BUNDLE)
IMAGE_ROOT = ttlab-image.tar
image: $(GRADER_BUNDLE)/stamp
	$(SHELL) $(srcdir)/platforms/image/mkimage $(srcdir) $(IMAGE_BUNDLE) $(IMAGE_ROOT) $(IMAGE_NAME)
.PHONY: image

# make check-platforms: several minutes (a Debian 12 root, the bundle's
# setup in it, a dozen gradings), so not in make check; .ci/run runs it.
# The root tarball is cached in platforms.cache/ between runs.
check-platforms: grader-bundle prairielearn autolab $(GRADESCOPE_ZIP)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' AWK='$(AWK)' \
	  $(SHELL) $(srcdir)/tests/platforms.sh | tee platforms.log && ! grep -q '^not ok' platforms.log
.PHONY: check-platforms
EXTRA_DIST += tests/platforms.sh

CLEANFILES += $(IMAGE_ROOT) platforms.log
clean-local: clean-platforms
clean-platforms:
	rm -rf $(GRADER_BUNDLE) $(GRADER_BUNDLE).tmp $(PRAIRIELEARN_DIR) $(PRAIRIELEARN_DIR).tmp \
	  $(AUTOLAB_DIR) $(AUTOLAB_DIR).tmp $(IMAGE_ROOT).tmp
.PHONY: clean-platforms
