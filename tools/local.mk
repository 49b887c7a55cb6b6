## tools/local.mk - the skeleton generator, and the maintainer's report
## diff (tools/report-diff: two commits' reports of every example, compared).
EXTRA_DIST += tools/gen-student tools/report-diff

# Regenerate student/ from the labs' reference files (in the source tree).
student:
	$(AM_V_GEN)$(srcdir)/tools/gen-student --all $(srcdir) $(srcdir)/student
.PHONY: student
