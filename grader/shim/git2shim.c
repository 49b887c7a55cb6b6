/* grader/shim/git2shim.c - a stand-in for libgit2 in the hidden test programs.
 *
 * Why this is hand-written: Criterion 2.4 links libgit2 only to draw a diff
 * under a failed string assertion of its "new" API (criterion/new/assert.h),
 * which the hidden tests do not use. Every Criterion test runs in a process
 * of its own, and each such start loads libgit2 with its 15 dependencies
 * (mbedTLS, Kerberos, OpenSSL's libcrypto, libssh2, ...) and lets
 * git_libgit2_init read the system's certificate bundle. That costs about
 * 17 ms of CPU per test here (23 ms for `prog --list` against 6 ms with this
 * library), which made up most of a grading's test phase.
 *
 * ttgrade links the hidden test programs with an rpath to the data dir's
 * lib/, where `make` puts this library under libgit2's soname, so the
 * dynamic loader takes it instead of the real one. configure builds it only
 * when libcriterion needs exactly the three functions below from libgit2
 * (grader/shim/shim.mk); otherwise the real libgit2 is used.
 *
 * Criterion checks git_diff_buffers's result: on an error it prints the
 * assertion without a diff. Nothing else changes. */
#include <stddef.h>

int git_libgit2_init(void);
int git_libgit2_shutdown(void);
int git_diff_buffers(const void *old_buffer, size_t old_len, const char *old_as_path, const void *new_buffer,
                     size_t new_len, const char *new_as_path, const void *options, void *file_cb, void *binary_cb,
                     void *hunk_cb, void *line_cb, void *payload);

/* libgit2 returns how many times it has been initialised. */
int git_libgit2_init(void)
{
    return 1;
}

int git_libgit2_shutdown(void)
{
    return 0;
}

/* GIT_ERROR (-1): "no diff", which Criterion handles. */
int git_diff_buffers(const void *old_buffer, size_t old_len, const char *old_as_path, const void *new_buffer,
                     size_t new_len, const char *new_as_path, const void *options, void *file_cb, void *binary_cb,
                     void *hunk_cb, void *line_cb, void *payload)
{
    (void)old_buffer;
    (void)old_len;
    (void)old_as_path;
    (void)new_buffer;
    (void)new_len;
    (void)new_as_path;
    (void)options;
    (void)file_cb;
    (void)binary_cb;
    (void)hunk_cb;
    (void)line_cb;
    (void)payload;
    return -1;
}
