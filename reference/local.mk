## reference/local.mk - the solutions, one file per lab, plus the support code.
## The single source of truth: student/ is generated from these files by
## tools/gen-student.
noinst_LIBRARIES += reference/libttref.a
reference_libttref_a_SOURCES = $(SUPPORT_SOURCES) $(LAB_REFERENCE_SOURCES)
