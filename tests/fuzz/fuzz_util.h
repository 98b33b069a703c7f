/* Shared by the fuzz targets: inputs as files without leaving any behind. */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/base.h"

/* The bytes as a file: an anonymous memory file (memfd) rewritten for each
 * input, opened by its /proc/self/fd path; nothing in /tmp.  `slot` picks one
 * of 4 files (each keeps its own name: ingest supersedes by name). */
static inline const char *fuzz_file(int slot, const uint8_t *data, size_t size)
{
    static int fd[4] = {-1, -1, -1, -1};
    static char path[4][64];
    if (fd[slot] < 0) {
        fd[slot] = memfd_create("fuzz-input.csv", MFD_CLOEXEC);
        if (fd[slot] < 0)
            abort();
        snprintf(path[slot], sizeof path[slot], "/proc/self/fd/%d", fd[slot]);
    }
    if (ftruncate(fd[slot], 0) != 0 || (size && pwrite(fd[slot], data, size, 0) != (ssize_t)size))
        abort();
    return path[slot];
}

/* Diagnostics thrown away. */
static inline void fuzz_quiet(void)
{
    static FILE *null_sink;
    if (!null_sink) {
        null_sink = fopen("/dev/null", "w");
        cc_diag_set_sink(null_sink);
        cc_diag_set_verbosity(CC_DIAG_ERROR);
    }
}
#endif
