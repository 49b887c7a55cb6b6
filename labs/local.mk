## labs/local.mk - one folder per lab: the handout (and, later, its question bank).
EXTRA_DIST += \
	labs/01-matmul/README.md \
	labs/02-module/README.md \
	labs/03-linear/README.md \
	labs/04-sequential/README.md \
	labs/05-flatten/README.md \
	labs/01-matmul/loop_order.c
