## grader/shim/shim.mk - the stand-in for libgit2 that the hidden test
## programs load (grader/shim/git2shim.c says why). Built only when configure
## found that libcriterion needs exactly what it provides (GIT2_SHIM), under
## libgit2's soname; grader/data.mk copies it to the data dir's lib/.
##
## It needs, in configure.ac, CRITERION_GIT2_SONAME and the conditional
## GIT2_SHIM; in Makefile.am, `include grader/shim/shim.mk` before
## grader/data.mk.

EXTRA_DIST += grader/shim/git2shim.c

if GIT2_SHIM
GIT2_SHIM_LIB = grader/shim/$(CRITERION_GIT2_SONAME)
CLEANFILES += $(GIT2_SHIM_LIB)
$(GIT2_SHIM_LIB): $(srcdir)/grader/shim/git2shim.c
	$(AM_V_at)$(MKDIR_P) grader/shim
	$(AM_V_CCLD)$(CC) $(WARN_CFLAGS) $(CFLAGS) -fPIC -shared -Wl,-soname,$(CRITERION_GIT2_SONAME) \
	  -o $@ $(srcdir)/grader/shim/git2shim.c
else
GIT2_SHIM_LIB =
endif
