## labs/local.mk - the labs: labs/manifest lists them (one line each), and
## one folder per lab holds all of a lab's files (the manifest's header says
## which). tools/gen-labs-mk makes labs/labs.mk, every list of their files,
## from it, and tools/gen-tinytorch-h the umbrella header.
EXTRA_DIST += \
	labs/manifest \
	tools/gen-labs-mk \
	tools/gen-tinytorch-h \
	tools/labs \
	$(LAB_HANDOUTS) \
	$(LAB_MUTANT_DIRS) \
	labs/01-matmul/loop_order.c

# Every lab's folder is on the include path (its header).
AM_CPPFLAGS += $(LAB_CPPFLAGS)

# A changed manifest remakes labs/labs.mk, and automake then the Makefiles;
# and the umbrella header, which lists the labs' headers.
$(srcdir)/labs/labs.mk: $(srcdir)/labs/manifest $(srcdir)/tools/gen-labs-mk $(srcdir)/tools/labs
	$(AM_V_GEN)AWK='$(AWK)' $(SHELL) $(srcdir)/tools/gen-labs-mk $(srcdir)/labs/manifest > $@.tmp && mv $@.tmp $@
$(srcdir)/include/tinytorch.h: $(srcdir)/labs/manifest $(srcdir)/tools/gen-tinytorch-h $(srcdir)/tools/labs
	$(AM_V_GEN)AWK='$(AWK)' $(SHELL) $(srcdir)/tools/gen-tinytorch-h $(srcdir)/labs/manifest > $@.tmp && mv $@.tmp $@
BUILT_SOURCES += $(srcdir)/include/tinytorch.h
