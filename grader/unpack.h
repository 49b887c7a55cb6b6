/* unpack.h - reading a submission's archive (.tar.gz/.tgz, .tar, .zip) member
 * by member with libarchive: which of the wanted files (the lab files and
 * answers.txt) it holds, in which folder, and their bytes. Nothing is written
 * here: ttunpack.c (the sandboxed child ttgrade runs) writes what this takes,
 * and fuzz/fuzz_unpack.c feeds it arbitrary bytes.
 *
 * The rules (intake.c applies the same ones to a folder):
 * - Member names are bytes: no pattern or option is ever made of them. A name
 *   that is absolute or has a ".." component refuses the whole archive, as
 *   does a symbolic link at a wanted name whose target is either.
 * - A wanted file is a member whose last component is a wanted name, at most
 *   TU_DEPTH_MAX components deep. They are taken from one folder: the top, its
 *   student/, or the same inside the only folder there (twice at most), the
 *   first that holds one; a note says so when student/ was passed over.
 * - A name held more than once: the last copy wins (as tar extracts), and a
 *   note says so. A hard link takes the bytes of the member it names, if that
 *   came before it; a symbolic link, a folder, a link to nothing are refused
 *   for that file alone, with a reason. So is a file over its own cap.
 * - The archive is read twice (once for the names, once for the chosen
 *   bytes), each time at most TU_STREAM_MAX bytes of its decompressed stream
 *   and TU_MEMBERS_MAX members: past either it is refused, before anything
 *   is decompressed beyond the cap when the member's size says it would be. */
#ifndef TG_UNPACK_H
#define TG_UNPACK_H

#include <stddef.h>

/* How many bytes of a compressed archive's stream one pass may decompress. */
#define TU_STREAM_MAX (128LL * 1024 * 1024)
/* How many members one pass may read. */
#define TU_MEMBERS_MAX 10000L
/* Wanted files are looked for at most this many components deep:
 * top/student/matmul.c is 3, top/sub/student/matmul.c 4. */
#define TU_DEPTH_MAX 4

/* One wanted file: its name ("matmul.c") and the most bytes it may hold. */
struct tu_want {
    const char *name;
    long long max;
};

/* What became of one wanted file. */
struct tu_file {
    char *data;    /* its bytes (malloc'd, len of them), when taken; else NULL */
    size_t len;
    int taken;     /* 1 when data holds it */
    char *why;     /* when a member by that name was there but refused: why
                    * (malloc'd, one line, names the member); else NULL */
};

/* Why a whole archive was not read. */
enum tu_error {
    TU_OK,
    TU_UNREADABLE, /* not a tar/zip libarchive reads, or corrupt: "cannot list" */
    TU_REFUSED,    /* unsafe or over a cap: "is refused" */
    TU_BROKEN,     /* listed, but the second pass failed: "cannot extract" */
    TU_NO_LAB_FILE /* no wanted file where they are looked for */
};

struct tu_result {
    struct tu_file *files; /* one per wanted file, in the caller's order (malloc'd) */
    size_t n_files;
    char **notes;          /* one-line notes (duplicates, student/ passed over) */
    size_t n_notes;
    enum tu_error error;   /* TU_OK: files and notes are the outcome */
    char *message;         /* when error != TU_OK: why (malloc'd, one line) */
};

/* Reads the archive at `path` (or, when path is NULL, the len bytes at data)
 * for the n wanted files. Returns 0 with *res filled (see res->error), or -1
 * when memory ran out; either way *res is safe to free. Member names in
 * messages are quoted with control bytes escaped (\t, \n, \xNN), so every
 * message is one line. */
int tu_unpack(const char *path, const void *data, size_t len, const struct tu_want *want, size_t n,
              struct tu_result *res);

/* Frees what res holds (not res itself). */
void tu_result_free(struct tu_result *res);

#endif /* TG_UNPACK_H */
