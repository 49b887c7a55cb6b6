## grader/fuzz/fuzz.mk - fuzzing the archive reader (grader/unpack.c).
##
## make check builds the harness with replay.c (no libFuzzer) and
## tests/intake.sh runs it over every archive of the intake corpus.
## make fuzz-unpack builds it with clang's libFuzzer, ASan and UBSan
## (Debian packages clang and libclang-rt-14-dev, or the version of your
## clang) and runs it for FUZZ_SECONDS on one core, starting from archives of
## examples/submissions/complete; crashes are saved as grader/fuzz/crash-*.

check_PROGRAMS += grader/fuzz/fuzz_unpack_replay
grader_fuzz_fuzz_unpack_replay_SOURCES = grader/fuzz/fuzz_unpack.c grader/fuzz/replay.c grader/unpack.c grader/unpack.h
grader_fuzz_fuzz_unpack_replay_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/grader $(LIBARCHIVE_CFLAGS)
grader_fuzz_fuzz_unpack_replay_LDADD = $(LIBARCHIVE_LIBS)

FUZZ_CC = clang
FUZZ_SECONDS = 300
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
fuzz-unpack:
	$(MKDIR_P) grader/fuzz/corpus-unpack grader/fuzz/seed.tmp/student
	$(FUZZ_CC) $(FUZZ_FLAGS) -I$(srcdir)/grader $(LIBARCHIVE_CFLAGS) $(srcdir)/grader/fuzz/fuzz_unpack.c \
	  $(srcdir)/grader/unpack.c $(LIBARCHIVE_LIBS) -o grader/fuzz/fuzz_unpack
	cp $(srcdir)/examples/submissions/complete/*.c $(srcdir)/examples/submissions/complete/answers.txt \
	  grader/fuzz/seed.tmp/student/
	cd grader/fuzz/seed.tmp && ln -f student/matmul.c student/matmul_copy.c && \
	  tar czf ../corpus-unpack/seed.tar.gz student && tar cf ../corpus-unpack/seed.tar student && \
	  zip -qr ../corpus-unpack/seed.zip student && tar czf ../corpus-unpack/seed-dup.tar.gz student student/linear.c
	rm -rf grader/fuzz/seed.tmp
	cd grader/fuzz && ./fuzz_unpack -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 corpus-unpack
.PHONY: fuzz-unpack

EXTRA_DIST += grader/fuzz/fuzz.mk
