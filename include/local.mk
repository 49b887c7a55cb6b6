## include/local.mk - the public API: the headers both trees implement.
noinst_HEADERS += \
	include/tinytorch.h \
	include/tt_error.h \
	include/tt_tensor.h \
	include/tt_rng.h \
	include/tt_matmul.h \
	include/tt_module.h \
	include/tt_linear.h \
	include/tt_sequential.h \
	include/tt_flatten.h \
	include/tt_summary.h
