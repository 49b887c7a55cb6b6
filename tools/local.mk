## tools/local.mk - the skeleton generator.
EXTRA_DIST += tools/gen-student

# Regenerate student/ from reference/ (in the source tree).
student:
	$(AM_V_GEN)$(srcdir)/tools/gen-student --all $(srcdir) $(srcdir)/student
.PHONY: student
