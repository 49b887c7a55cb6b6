## include/local.mk - the public API: the headers both trees implement (the
## labs' own are in their folders; include/tinytorch.h, which includes them
## all, is made from labs/manifest, see labs/local.mk).
API_HEADER_FILES = \
	include/tinytorch.h \
	include/tt_error.h \
	include/tt_tensor.h \
	include/tt_rng.h \
	$(LAB_HEADER_FILES) \
	include/tt_summary.h
noinst_HEADERS += $(API_HEADER_FILES)
