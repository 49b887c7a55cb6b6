## support/local.mk - the support library given complete to students: tensor,
## errors, RNG, ReLU and the model summary. Linked into both trees' libraries below.
SUPPORT_SOURCES = \
	support/error.c \
	support/tensor.c \
	support/rng.c \
	support/relu.c \
	support/summary.c
