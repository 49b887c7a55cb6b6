/* fnv.h - FNV-1a, 64 bits (Fowler, Noll, Vo): the grader's one hash of
 * short strings, for values that must never change: a student's question
 * variant (qvariant.c) and the hash that keeps long batch folder names apart
 * (batchsubs.c). Written out because they must stay the same between runs,
 * machines, compilers and library versions, which rules out rand() and any
 * hash with a random seed; FNV-1a is a few lines and fully specified. Its low
 * bits depend only on the low bits of the bytes: a user that reduces it
 * modulo a small n mixes the high bits down first (qvariant.c). */
#ifndef TG_FNV_H
#define TG_FNV_H

#include <stddef.h>
#include <stdint.h>

#define TG_FNV_OFFSET 0xcbf29ce484222325ULL /* the hash of no bytes */
#define TG_FNV_PRIME 0x100000001b3ULL

/* The hash h (TG_FNV_OFFSET to start) continued over data[0..n-1]. */
static inline uint64_t tg_fnv1a64(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= TG_FNV_PRIME;
    }
    return h;
}

#endif /* TG_FNV_H */
