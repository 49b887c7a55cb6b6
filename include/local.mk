## include/local.mk - the public API: the headers both trees implement.
noinst_HEADERS += \
	include/tinytorch.h \
	include/tt_error.h \
	include/tt_tensor.h \
	include/tt_rng.h \
	$(LAB_HEADER_FILES) \
	include/tt_summary.h
