/* libFuzzer target: the CSV reader on arbitrary bytes, from memory (both
 * delimiters) and from a file (the whole-file UTF-8 pass, GB18030 decoding).
 * The file is an anonymous memory file (memfd) opened by its /proc/self/fd
 * path: nothing is left in /tmp. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "text/text.h"

static void drain(cc_csv *r)
{
    cc_csv_record rec;
    long last = 0;
    int rc;
    while ((rc = cc_csv_next(r, &rec)) == 1) {
        if (rec.n == 0 || rec.line < last)
            abort();                       /* a record has a field; lines never go back */
        last = rec.line;
        for (size_t i = 0; i < rec.n; i++)
            if (strlen(rec.field[i]) > rec.len[i])
                abort();
    }
    if (rc < 0 && !cc_csv_error(r)[0])
        abort();                           /* an error always says why */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    cc_diag_set_verbosity(CC_DIAG_ERROR);
    cc_csv *r = cc_csv_open_mem((const char *)data, size, CC_CSV_AUTO);
    drain(r);
    cc_csv_free(r);
    r = cc_csv_open_mem((const char *)data, size, '\t');
    drain(r);
    cc_csv_free(r);

    static int fd = -1;
    if (fd < 0) {
        fd = memfd_create("fuzz_csv.csv", MFD_CLOEXEC);
        if (fd < 0)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    static const cc_encoding encs[] = {CC_ENC_AUTO, CC_ENC_UTF8, CC_ENC_GB18030};
    for (int e = 0; e < 3; e++) {
        cc_csv_opts o = {.enc = encs[e], .quiet = 1, .max_record = 1u << 16};
        char *why = NULL;
        r = cc_csv_open_opts(path, &o, &why);
        if (r) {
            drain(r);
            cc_csv_free(r);
        } else if (!why) {
            abort();
        }
        free(why);
    }
    return 0;
}
