## bench/matmul.mk - `make bench-matmul` (and its part of `make bench`): lab 1's
## matmul progression, the reference tt_matmul_fast and OpenBLAS's cblas_sgemm
## (one thread), timed side by side at n = 256, 512 and 1024
## (bench/matmul_bench.c). Not part of make check: timings are only printed,
## never asserted.
##
## It needs, in configure.ac, the optional OpenBLAS check
## (PKG_CHECK_MODULES([OPENBLAS], [openblas], ...), the conditional
## HAVE_OPENBLAS); without it the bench runs and says that OpenBLAS is missing.
##
## The bench compiles its own copy of labs/01-matmul/matmul.c (the reference) with the flags below,
## not the kit's: -O3 -march=native lets the compiler use every vector
## instruction of this CPU, and -ffp-contract=fast lets it fuse a * b + c
## into one FMA instruction (-std=c11 turns that off by default). Other flags:
## `make bench-matmul BENCH_MATMUL_FLAGS='-O2'`, other sizes:
## `make bench-matmul BENCH_MATMUL_SIZES='128 2048'`.

BENCH_MATMUL_FLAGS = -O3 -march=native -ffp-contract=fast
BENCH_MATMUL_SIZES =
BENCH_MATMUL_SRCS = \
	$(srcdir)/bench/matmul_bench.c \
	$(srcdir)/bench/matmul_steps.c \
	$(srcdir)/labs/01-matmul/matmul.c
if HAVE_OPENBLAS
BENCH_MATMUL_BLAS = -DHAVE_OPENBLAS $(OPENBLAS_CFLAGS)
BENCH_MATMUL_BLAS_LIBS = $(OPENBLAS_LIBS)
else
BENCH_MATMUL_BLAS =
BENCH_MATMUL_BLAS_LIBS =
endif

EXTRA_DIST += bench/matmul.mk bench/matmul_bench.c bench/matmul_steps.c bench/matmul_steps.h
CLEANFILES += bench/matmul_bench

bench/matmul_bench: $(BENCH_MATMUL_SRCS) $(srcdir)/bench/matmul_steps.h $(noinst_HEADERS) support/libttsupport.a
	$(AM_V_at)$(MKDIR_P) bench
	$(AM_V_CCLD)$(CC) $(WARN_CFLAGS) $(BENCH_MATMUL_FLAGS) $(AM_CPPFLAGS) -I$(srcdir)/bench \
	  $(BENCH_MATMUL_BLAS) -o $@ $(BENCH_MATMUL_SRCS) support/libttsupport.a $(BENCH_MATMUL_BLAS_LIBS) -lm

# OPENBLAS_NUM_THREADS=1 as well as openblas_set_num_threads(1) in the
# program: OpenBLAS then starts no worker threads at all.
bench-matmul: bench/matmul_bench
	@echo "make bench-matmul: $$(nproc 2>/dev/null || echo '?') CPUs (nproc), $$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1), $$($(CC) --version | head -n 1)"
	@echo "make bench-matmul: flags: $(BENCH_MATMUL_FLAGS)"
	OPENBLAS_NUM_THREADS=1 bench/matmul_bench $(BENCH_MATMUL_SIZES)

bench: bench-matmul
.PHONY: bench bench-matmul
