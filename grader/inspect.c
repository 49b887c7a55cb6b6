/* inspect.c - the first line of defence against hostile submissions: before a
 * student's object file is linked into a test program, check what it defines,
 * what it calls and which sections it carries.
 *
 * The student's object is linked into the Criterion runner as well as into the
 * test workers, so a constructor, a global that shadows a library function, or
 * a call to exit()/fork()/getenv() could tamper with the verdicts. An object
 * passes only if
 *   - every global symbol it defines is a function its lab declares (helpers
 *     must be static, globals too);
 *   - every symbol it references is on an allowlist: the tt_ API, and the
 *     libc/libm functions a lab can legitimately need (memory, strings,
 *     formatting, printing for debugging, maths, assert);
 *   - it has no constructors, destructors or sections outside the ones a
 *     plain C translation unit produces.
 * It reads the ELF file with libelf (Debian's libelf-dev) rather than parsing
 * nm's output. Inline assembly can still make system calls: that is what the
 * sandbox is for (see grader/SECURITY.md). */
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inspect.h"
#include "text.h"

/* What student code may call besides the tt_ API. Everything here only
 * computes, allocates or prints; nothing exits, forks, opens files, reads the
 * environment or jumps across frames. */
static const char *const allowed_refs[] = {
    /* memory */
    "malloc", "calloc", "realloc", "free", "aligned_alloc", "posix_memalign",
    "memcpy", "memmove", "memset", "memcmp", "memchr",
    /* strings and formatting */
    "strlen", "strnlen", "strcmp", "strncmp", "strcpy", "strncpy", "strcat", "strncat", "strchr",
    "strrchr", "strstr", "strdup", "strndup", "strspn", "strcspn", "strtol", "strtoul", "strtod",
    "snprintf", "vsnprintf", "sprintf", "vsprintf", "sscanf", "atoi", "atol", "atof",
    "isalpha", "isdigit", "isspace", "isalnum", "tolower", "toupper", "__ctype_b_loc",
    /* printing, for debugging (it only reaches the test's captured output) */
    "printf", "fprintf", "vprintf", "vfprintf", "puts", "fputs", "putchar", "fputc", "putc",
    "fflush", "fwrite", "perror", "stdout", "stderr",
    /* maths */
    "sqrt", "sqrtf", "exp", "expf", "log", "logf", "pow", "powf", "fabs", "fabsf", "floor",
    "floorf", "ceil", "ceilf", "fmax", "fmaxf", "fmin", "fminf", "round", "roundf", "tanh",
    "tanhf", "abs", "labs", "llabs", "qsort", "bsearch",
    /* what compilers and assert() emit on their own */
    "__assert_fail", "__stack_chk_fail", "_GLOBAL_OFFSET_TABLE_", "abort",
    "__memcpy_chk", "__memmove_chk", "__memset_chk", "__snprintf_chk", "__vsnprintf_chk",
    "__sprintf_chk", "__printf_chk", "__fprintf_chk", "__strcpy_chk", "__strncpy_chk",
    "__strcat_chk", "__isoc99_sscanf", "__isoc23_sscanf", "__isoc23_strtol", "__isoc23_strtoul",
    NULL,
};

/* Sections a plain C translation unit may have, by exact name or prefix
 * (a trailing '*'). */
static const char *const allowed_sections[] = {
    "", ".text", ".text.*", ".data", ".data.*", ".rodata", ".rodata.*", ".bss", ".bss.*",
    ".comment", ".note.GNU-stack", ".note.gnu.property", ".eh_frame", ".rela.text*",
    ".rela.data*", ".rela.rodata*", ".rela.eh_frame", ".rela.debug_*", ".debug_*",
    ".symtab", ".strtab", ".shstrtab", ".group", ".tbss", ".tdata", ".rel.text*",
    ".rel.data*", ".rel.rodata*", ".rel.eh_frame", ".rel.debug_*", ".llvm_addrsig",
    NULL,
};

static int in_list(const char *const *list, const char *name)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        size_t len = strlen(list[i]);
        if (len > 0 && list[i][len - 1] == '*') {
            if (strncmp(name, list[i], len - 1) == 0)
                return 1;
        } else if (strcmp(name, list[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Sets *why to a malloc'd message (sanitised: names come from the student). */
static int refuse(char **why, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    *why = tg_sanitize(buf, strlen(buf), sizeof buf);
    return 1;
}

int tg_inspect_object(const char *path, int lab, char **why)
{
    *why = NULL;
    if (lab < 0 || lab >= tg_n_labs)
        return -1;
    if (elf_version(EV_CURRENT) == EV_NONE)
        return -1;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    int verdict = 0; /* 0 accepted, 1 refused, -1 could not inspect */
    GElf_Ehdr ehdr;
    size_t shstrndx;
    if (elf == NULL || elf_kind(elf) != ELF_K_ELF || gelf_getehdr(elf, &ehdr) == NULL ||
        ehdr.e_type != ET_REL || elf_getshdrstrndx(elf, &shstrndx) != 0) {
        verdict = refuse(why, "%s.o is not a relocatable object file", tg_lab_names[lab]);
        goto done;
    }
    Elf_Scn *scn = NULL;
    while (verdict == 0 && (scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr shdr;
        if (gelf_getshdr(scn, &shdr) == NULL) {
            verdict = -1;
            break;
        }
        const char *sname = elf_strptr(elf, shstrndx, shdr.sh_name);
        if (sname == NULL)
            sname = "?";
        if (shdr.sh_type == SHT_INIT_ARRAY || shdr.sh_type == SHT_FINI_ARRAY ||
            shdr.sh_type == SHT_PREINIT_ARRAY || !in_list(allowed_sections, sname)) {
            verdict = refuse(why,
                             "%s.c has a section '%s' (a constructor, destructor or other code "
                             "that runs outside the tested functions): not allowed",
                             tg_lab_names[lab], sname);
            break;
        }
        if (shdr.sh_type != SHT_SYMTAB)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        size_t count = shdr.sh_entsize ? shdr.sh_size / shdr.sh_entsize : 0;
        for (size_t i = 1; data != NULL && i < count; i++) {
            GElf_Sym sym;
            if (gelf_getsym(data, (int)i, &sym) == NULL) {
                verdict = -1;
                break;
            }
            int bind = GELF_ST_BIND(sym.st_info), type = GELF_ST_TYPE(sym.st_info);
            if (bind == STB_LOCAL || type == STT_FILE || type == STT_SECTION)
                continue;
            const char *name = elf_strptr(elf, shdr.sh_link, sym.st_name);
            if (name == NULL || name[0] == '\0')
                continue;
            if (sym.st_shndx == SHN_UNDEF) {
                if (strncmp(name, "tt_", 3) != 0 && !in_list(allowed_refs, name)) {
                    verdict = refuse(why,
                                     "%s.c calls '%s', which lab code may not use (allowed: the "
                                     "tt_ API and the C library's memory, string, printing and "
                                     "maths functions)",
                                     tg_lab_names[lab], name);
                    break;
                }
            } else if (type != STT_FUNC || !in_list(tg_lab_functions[lab], name)) {
                verdict = refuse(why,
                                 "%s.c defines '%s', which is not a function of the %s lab: "
                                 "make it static",
                                 tg_lab_names[lab], name, tg_lab_names[lab]);
                break;
            }
        }
    }
done:
    if (elf != NULL)
        elf_end(elf);
    close(fd);
    if (verdict < 0) {
        free(*why);
        *why = NULL;
    }
    return verdict;
}

/* ------------------------------------------- the loader's debug info -- */

/* fn's result on the ELF file at path, opened for reading; NULL if the
 * file is not ELF or cannot be read. */
static char *on_elf(const char *path, char *(*fn)(Elf *))
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    char *r = elf != NULL && elf_kind(elf) == ELF_K_ELF ? fn(elf) : NULL;
    if (elf != NULL)
        elf_end(elf);
    close(fd);
    return r;
}

/* The PT_INTERP string (malloc'd), or NULL. */
static char *elf_interp(Elf *elf)
{
    size_t n = 0, len = 0;
    char *raw = elf_rawfile(elf, &len);
    if (raw == NULL || elf_getphdrnum(elf, &n) != 0)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(elf, (int)i, &ph) != NULL && ph.p_type == PT_INTERP && ph.p_filesz > 0 &&
            ph.p_filesz <= 4096 && ph.p_offset <= len && ph.p_filesz <= len - ph.p_offset)
            return tg_strndup(raw + ph.p_offset, strnlen(raw + ph.p_offset, ph.p_filesz));
    }
    return NULL;
}

/* The GNU build-id in hex (malloc'd), or NULL. */
static char *elf_build_id(Elf *elf)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        Elf_Data *data;
        if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type != SHT_NOTE || (data = elf_getdata(scn, NULL)) == NULL)
            continue;
        GElf_Nhdr nh;
        size_t off = 0, name_off, desc_off, next;
        while ((next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
            off = next;
            if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 || nh.n_descsz < 2 || nh.n_descsz > 64 ||
                memcmp((const char *)data->d_buf + name_off, "GNU", 4) != 0)
                continue;
            const unsigned char *d = (const unsigned char *)data->d_buf + desc_off;
            char *hex = malloc(2 * (size_t)nh.n_descsz + 1);
            for (size_t i = 0; hex != NULL && i < nh.n_descsz; i++)
                snprintf(hex + 2 * i, 3, "%02x", d[i]);
            return hex;
        }
    }
    return NULL;
}

char *tg_loader_debug_file(const char *debug_dir)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        return NULL;
    char *interp = on_elf("/proc/self/exe", elf_interp);
    char *id = interp ? on_elf(interp, elf_build_id) : NULL;
    char *path = id ? tg_asprintf("%s/.build-id/%.2s/%s.debug", debug_dir, id, id + 2) : NULL;
    free(interp);
    free(id);
    if (path != NULL && access(path, R_OK) != 0) {
        free(path);
        path = NULL;
    }
    return path;
}
