/* inspect.h - checking a student's object file before it is linked. */
#ifndef TG_INSPECT_H
#define TG_INSPECT_H

#include "ttgrade.h"

/* Inspects the object file at path, compiled from the student's file for lab.
 * Returns 0 if it may be linked; 1 if it is refused, with *why a malloc'd
 * message naming the offending symbol or section ("linear.c calls 'exit',
 * which lab code may not use ..."); -1 if it could not be read (*why NULL). */
int tg_inspect_object(const char *path, int lab, char **why);

#endif /* TG_INSPECT_H */
