/* lxw_stderr — the filter on stderr for libxlsxwriter's own messages. */
#include "cmd.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* libxlsxwriter reports some failures only on stderr, in its own format
 * ("[ERROR][./src/packager.c:1541]: Error in closing member in the zipfile",
 * "[ERROR] workbook_close(): ... System error = File too large"), and some of
 * them carry the real cause that its return code does not (ZIP_ERRNO).  So
 * stderr becomes a stream that passes every write through unchanged except
 * those, which become "carecard: libxlsxwriter: <message>".  Unbuffered: one
 * write per fprintf, nothing delayed, nothing dropped.  main() installs it
 * once, before anything is written. */
static ssize_t lxw_route(void *cookie, const char *buf, size_t n)
{
    (void)cookie;
    size_t skip = 0;
    if ((n >= 7 && !memcmp(buf, "[ERROR]", 7)) || (n >= 9 && !memcmp(buf, "[WARNING]", 9))) {
        while (skip < n && buf[skip] == '[') {         /* "[ERROR]", "[./src/x.c:12]" */
            const char *e = memchr(buf + skip, ']', n - skip);
            if (!e)
                break;
            skip = (size_t)(e - buf) + 1;
        }
        while (skip < n && (buf[skip] == ':' || buf[skip] == ' '))
            skip++;
        static const char pfx[] = "carecard: libxlsxwriter: ";
        if (write(STDERR_FILENO, pfx, sizeof pfx - 1) < 0)
            return -1;
    }
    for (size_t off = skip; off < n;) {
        ssize_t w = write(STDERR_FILENO, buf + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        off += (size_t)w;
    }
    return (ssize_t)n;
}

void cmd_stderr_install(void)
{
    cookie_io_functions_t io = {.write = lxw_route};
    FILE *f = fopencookie(NULL, "w", io);
    if (f) {
        setvbuf(f, NULL, _IONBF, 0);
        fflush(stderr);
        stderr = f;
    }
}
