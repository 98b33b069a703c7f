/* lockwatch.so — LD_PRELOAD check for tests/e2e/test_race.py.
 * POSIX record locks belong to the process and the file, not to a descriptor:
 * closing ANY descriptor of a file drops every lock the process holds on it.
 * SQLite keeps its database (and -wal, -shm) open and locked; a second open()
 * and close() of one of them (a sync hint, a stat-then-open, an input that is
 * the database itself) silently drops SQLite's locks and lets another process
 * write at the same time (SQLite's "How To Corrupt", section 2.2).
 * This library wraps close() and fclose(): when the descriptor being closed
 * refers to a file on which this process holds a POSIX lock (/proc/locks)
 * while another descriptor of the same file stays open, it appends one line
 * naming the file to $CC_LOCKWATCH_LOG.  SQLite itself never does that (it
 * defers such a close until the locks are released).  Built by the Makefile
 * as build/tests/lockwatch.so. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int (*real_close)(int);
static int (*real_fclose)(FILE *);

/* Does this process hold a POSIX lock on (dev, ino)?  /proc/locks lines:
 * "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 1073741825 1073741825". */
static int holds_lock(dev_t dev, ino_t ino)
{
    int fd = open("/proc/locks", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    static char buf[1 << 16];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    real_close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    long me = (long)getpid();
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char kind[16], mode[16], rw[16];
        long pid;
        unsigned maj, min;
        unsigned long long ino2;
        /* ("-> " marks a waiting lock: sscanf then fails on kind) */
        const char *p = strchr(line, ':');
        if (p && sscanf(p + 1, "%15s %15s %15s %ld %x:%x:%llu", kind, mode, rw, &pid, &maj, &min, &ino2) == 7 &&
            !strcmp(kind, "POSIX") && pid == me && maj == major(dev) && min == minor(dev) &&
            ino2 == (unsigned long long)ino)
            return 1;
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}

static void check(int fd)
{
    struct stat st, o;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    int other = 0;
    for (int i = 0; i < 1024 && !other; i++)
        other = i != fd && fstat(i, &o) == 0 && o.st_dev == st.st_dev && o.st_ino == st.st_ino;
    if (!other || !holds_lock(st.st_dev, st.st_ino))
        return;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    path[n > 0 ? n : 0] = '\0';
    const char *log = getenv("CC_LOCKWATCH_LOG");
    int lf = log ? open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644) : 2;
    if (lf < 0)
        return;
    char msg[4300];
    int m = snprintf(msg, sizeof msg, "lockwatch: pid %ld closes fd %d of %s while holding its locks\n",
                     (long)getpid(), fd, path);
    if (write(lf, msg, (size_t)m) < 0) {
        /* nothing to do */
    }
    if (lf != 2)
        real_close(lf);
}

int close(int fd)
{
    if (!real_close)
        real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
    check(fd);
    return real_close(fd);
}

int fclose(FILE *f)
{
    if (!real_close)
        real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
    if (!real_fclose)
        real_fclose = (int (*)(FILE *))dlsym(RTLD_NEXT, "fclose");
    if (f)
        check(fileno(f));
    return real_fclose(f);
}
