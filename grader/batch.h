/* batch.h - `ttgrade batch`: grade a whole class, one ttgrade run per
 * submission, many at a time, resumably.
 *
 *   ttgrade batch [options] DIR [-- TTGRADE_OPTIONS...]
 *
 * Every folder and .tar.gz/.tgz/.zip archive directly under DIR is one
 * student's submission; its name (less the archive suffix) is the student id.
 * Each is graded by running this same executable on it (so a crash or a hang
 * costs that submission only), its reports land in OUT/students/<id>/, and the
 * class's gradebook (OUT/grades.csv) and summary (OUT/summary.txt, .html) are
 * rebuilt from those folders at the end. A student's folder appears, whole,
 * only once that submission is graded (it is renamed into place), so an
 * interrupted batch, run again, grades only what is left. */
#ifndef TG_BATCH_H
#define TG_BATCH_H

/* The `batch` subcommand: argv[0] is "batch". Returns the exit status: 0
 * every submission graded, 1 at least one failed (a row with its reason), 2
 * a usage or internal error, or an interruption (run it again to resume).
 * Call after tg_proc_init(). */
int tg_batch_main(int argc, char **argv);

#endif /* TG_BATCH_H */
