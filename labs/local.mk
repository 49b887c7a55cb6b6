## labs/local.mk - the labs: labs/manifest lists them (one line each);
## tools/gen-labs-mk makes labs/labs.mk, every list of their files, from it.
## One folder per lab holds its handout and its question bank.
EXTRA_DIST += \
	labs/manifest \
	tools/gen-labs-mk \
	tools/labs \
	$(LAB_HANDOUTS) \
	labs/01-matmul/loop_order.c

# A changed manifest remakes labs/labs.mk, and automake then the Makefiles.
$(srcdir)/labs/labs.mk: $(srcdir)/labs/manifest $(srcdir)/tools/gen-labs-mk $(srcdir)/tools/labs
	$(AM_V_GEN)AWK='$(AWK)' $(SHELL) $(srcdir)/tools/gen-labs-mk $(srcdir)/labs/manifest > $@.tmp && mv $@.tmp $@
