## reference/local.mk - the reference library: the labs' solutions (each
## lab's <lab>.c, in its folder) plus the support code. The solutions are the
## single source of truth: student/ is generated from them by tools/gen-student.
noinst_LIBRARIES += reference/libttref.a
reference_libttref_a_SOURCES = $(SUPPORT_SOURCES) $(LAB_REFERENCE_SOURCES)
