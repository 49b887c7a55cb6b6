/* inspect.h - checking a student's object file before it is linked. */
#ifndef TG_INSPECT_H
#define TG_INSPECT_H

#include "ttgrade.h"

/* Inspects the object file at path, compiled from the student's file for lab.
 * Returns 0 if it may be linked; 1 if it is refused, with *why a malloc'd
 * message naming the offending symbol or section ("linear.c calls 'exit',
 * which lab code may not use ..."); -1 if it could not be read (*why NULL). */
int tg_inspect_object(const char *path, int lab, char **why);

/* The separate debug info of the dynamic linker that ttgrade (and so every
 * program it links) uses: "<debug_dir>/.build-id/xx/yyyy.debug" from its
 * GNU build-id (malloc'd), or NULL if it has none there or cannot be read.
 * Valgrind cannot start without it where the loader is stripped (Debian:
 * libc6-dbg), so the sandbox keeps it when it hides the rest (proc.c). */
char *tg_loader_debug_file(const char *debug_dir);

#endif /* TG_INSPECT_H */
