## tools/local.mk - the skeleton generator.
EXTRA_DIST += tools/gen-student

# Regenerate student/ from the labs' reference files (in the source tree).
student:
	$(AM_V_GEN)$(srcdir)/tools/gen-student --all $(srcdir) $(srcdir)/student
.PHONY: student
