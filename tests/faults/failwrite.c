/* failwrite.so — LD_PRELOAD fault injection for the reliability tests.
 * CC_FAIL_WRITE_AFTER=N: every write()/pwrite() after N bytes in total have been
 * written to regular files fails with ENOSPC ("No space left on device").
 * CC_FAIL_WRITE_MATCH=substr: only files whose path contains substr count
 * (resolved through /proc/self/fd).  Built by the Makefile as
 * build/tests/failwrite.so. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static long long budget = -1;
static const char *match;
static int inited;

static void init(void)
{
    if (inited)
        return;
    inited = 1;
    const char *s = getenv("CC_FAIL_WRITE_AFTER");
    if (s)
        budget = atoll(s);
    match = getenv("CC_FAIL_WRITE_MATCH");
}

static int counts(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    if (!match)
        return 1;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 0)
        return 0;
    path[n] = '\0';
    return strstr(path, match) != NULL;
}

static int over(int fd, size_t n)
{
    init();
    if (budget < 0 || !counts(fd))
        return 0;
    if ((long long)n > budget) {
        budget = 0;
        errno = ENOSPC;
        return 1;
    }
    budget -= (long long)n;
    return 0;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real)
        real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    if (over(fd, n))
        return -1;
    return real(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real)
        real = (ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
    if (over(fd, n))
        return -1;
    return real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real)
        real = (ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite64");
    if (over(fd, n))
        return -1;
    return real(fd, buf, n, off);
}
