/* mkzip.c - writes a zip whose first member is CHUNKS x 16 MiB of zeros
 * (deflated: one 16 MiB chunk compressed with a full flush, repeated, so it
 * takes well under a second to make), followed by the given files, stored:
 *
 *   mkzip OUT.zip BIGNAME CHUNKS [MEMBER=FILE...]
 *
 * zip(1) takes half a minute to deflate 4 GiB, too long for a test; the
 * result is an ordinary zip that unzip -t accepts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define CHUNK (16UL << 20)

static void put16(FILE *f, unsigned v) { fputc((int)(v & 0xff), f); fputc((int)(v >> 8 & 0xff), f); }
static void put32(FILE *f, unsigned long v) { put16(f, (unsigned)(v & 0xffff)); put16(f, (unsigned)(v >> 16 & 0xffff)); }

struct member {
    const char *name;
    unsigned method;
    unsigned long crc, csize, usize, offset;
};

static void header(FILE *f, const struct member *m, int central)
{
    put32(f, central ? 0x02014b50UL : 0x04034b50UL);
    if (central)
        put16(f, 0x031e); /* made by: unix, 3.0 */
    put16(f, 20);
    put16(f, 0);
    put16(f, m->method);
    put16(f, 0);    /* 00:00 */
    put16(f, 0x21); /* 1980-01-01 */
    put32(f, m->crc);
    put32(f, m->csize);
    put32(f, m->usize);
    put16(f, (unsigned)strlen(m->name));
    put16(f, 0);
    if (central) {
        put16(f, 0);
        put16(f, 0);
        put16(f, 0);
        put32(f, 0100644UL << 16);
        put32(f, m->offset);
    }
    fputs(m->name, f);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: mkzip OUT.zip BIGNAME CHUNKS [MEMBER=FILE...]\n");
        return 2;
    }
    unsigned long chunks = strtoul(argv[3], NULL, 10);
    size_t n = (size_t)argc - 3;
    struct member *m = calloc(n, sizeof *m);
    unsigned char *zeros = calloc(1, CHUNK), *z = malloc(CHUNK);
    FILE *out = fopen(argv[1], "wb");
    if (m == NULL || zeros == NULL || z == NULL || out == NULL || chunks == 0 || chunks * CHUNK > 0xffffffffUL) {
        fprintf(stderr, "mkzip: cannot start\n");
        return 1;
    }
    /* The big member: one chunk deflated with a full flush (byte-aligned, no
     * reference before it), CHUNKS times, then an empty final block. */
    z_stream s;
    memset(&s, 0, sizeof s);
    if (deflateInit2(&s, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return 1;
    s.next_in = zeros;
    s.avail_in = (uInt)CHUNK;
    s.next_out = z;
    s.avail_out = (uInt)CHUNK;
    if (deflate(&s, Z_FULL_FLUSH) != Z_OK || s.avail_in != 0)
        return 1;
    size_t zlen = CHUNK - s.avail_out;
    deflateEnd(&s);
    unsigned long one = crc32(0L, zeros, (uInt)CHUNK), crc = one;
    for (unsigned long i = 1; i < chunks; i++)
        crc = crc32_combine(crc, one, (z_off_t)CHUNK);
    m[0] = (struct member){argv[2], 8, crc, chunks * zlen + 2, chunks * CHUNK, 0};
    header(out, &m[0], 0);
    for (unsigned long i = 0; i < chunks; i++)
        fwrite(z, 1, zlen, out);
    fputc(0x03, out);
    fputc(0x00, out);
    /* The files, stored. */
    for (size_t i = 1; i < n; i++) {
        char *eq = strchr(argv[i + 3], '=');
        if (eq == NULL)
            return 2;
        *eq = '\0';
        FILE *in = fopen(eq + 1, "rb");
        size_t len = in ? fread(zeros, 1, CHUNK, in) : 0;
        if (in == NULL || ferror(in))
            return 1;
        fclose(in);
        m[i] = (struct member){argv[i + 3], 0, crc32(0L, zeros, (uInt)len), len, len, (unsigned long)ftell(out)};
        header(out, &m[i], 0);
        fwrite(zeros, 1, len, out);
    }
    unsigned long cd = (unsigned long)ftell(out);
    for (size_t i = 0; i < n; i++)
        header(out, &m[i], 1);
    unsigned long cd_size = (unsigned long)ftell(out) - cd;
    put32(out, 0x06054b50UL);
    put16(out, 0);
    put16(out, 0);
    put16(out, (unsigned)n);
    put16(out, (unsigned)n);
    put32(out, cd_size);
    put32(out, cd);
    put16(out, 0);
    free(m);
    free(zeros);
    free(z);
    return fclose(out) == 0 ? 0 : 1;
}
