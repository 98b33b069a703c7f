/* report_stage — the staging directory of a report run and the publishing
 * of its files. */
#include "report/report_run_int.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- files and directories ------------------------------------------------- */

/* A run writes every file into a staging directory beside the period's
 * directory (<out>/.<period>.tmp.<pid>/) and only when all of them are
 * written moves them into place, one rename each: a failed or interrupted
 * run leaves the previous report exactly as it was, and a reader never sees
 * half a file under its final name. */

/* Create `path` (one level); its parent must exist. */
cc_err cc_rr_mkdir_one(const char *path, int must_be_new)
{
    struct stat st;
    if (mkdir(path, 0755) == 0)
        return CC_OK;
    if (errno == EEXIST && !must_be_new && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return CC_OK;
    cc_error("%s: cannot create directory: %s", path,
             errno == EEXIST ? "a file of that name is in the way" : strerror(errno));
    return CC_ERR_IO;
}

/* The subdirectories of a period's directory: charts, the street ledgers. */
static const char *const subdirs[] = {"charts", "整改台账"};
#define NSUB (sizeof subdirs / sizeof subdirs[0])

/* Remove the files of dir and its subdirectories (a staging directory), then the directories. */
void cc_rr_remove_staging(const char *dir)
{
    char *sub[NSUB + 1];
    for (size_t k = 0; k < NSUB; k++)
        sub[k] = cc_xasprintf("%s/%s", dir, subdirs[k]);
    sub[NSUB] = cc_xstrdup(dir);
    for (size_t k = 0; k <= NSUB; k++) {
        DIR *d = opendir(sub[k]);
        struct dirent *de;
        while (d && (de = readdir(d))) {
            if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
                continue;
            char *f = cc_xasprintf("%s/%s", sub[k], de->d_name);
            unlink(f);
            free(f);
        }
        if (d)
            closedir(d);
        rmdir(sub[k]);
        free(sub[k]);
    }
}

/* Remove the staging directories (.<period>.tmp.<pid>) of runs killed before
 * they could (kill -9, a crash, power loss): those whose process is gone.  A
 * live process's staging directory is left alone, whoever runs it. */
void cc_rr_remove_stale_staging(const char *outd)
{
    DIR *d = opendir(outd);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        const char *t = de->d_name[0] == '.' ? strstr(de->d_name, ".tmp.") : NULL;
        if (!t || t == de->d_name)
            continue;
        char *end;
        errno = 0;
        long pid = strtol(t + 5, &end, 10);
        if (errno || *end || end == t + 5 || pid <= 0 || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;                   /* alive (or not ours to ask) */
        char *p = cc_xasprintf("%s/%s", outd, de->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            cc_verbose("%s: removing the staging directory of a run that was killed", p);
            cc_rr_remove_staging(p);
        }
        free(p);
    }
    if (d)
        closedir(d);
}

/* Move every file of staging (and its subdirectories that exist) into final. */
cc_err cc_rr_publish(const char *staging, const char *final)
{
    cc_err e = CC_OK;
    if ((e = cc_rr_mkdir_one(final, 0)))
        return e;
    for (size_t k = 0; k <= NSUB && !e; k++) {
        char *from = k ? cc_xasprintf("%s/%s", staging, subdirs[k - 1]) : cc_xstrdup(staging);
        char *to = k ? cc_xasprintf("%s/%s", final, subdirs[k - 1]) : cc_xstrdup(final);
        struct stat fs;
        if (k && (stat(from, &fs) != 0 || !S_ISDIR(fs.st_mode) || (e = cc_rr_mkdir_one(to, 0)))) {
            free(from);
            free(to);
            continue;
        }
        DIR *d = opendir(from);
        struct dirent *de;
        while (d && !e && (de = readdir(d))) {
            char *a = cc_xasprintf("%s/%s", from, de->d_name);
            struct stat st;
            if (stat(a, &st) == 0 && S_ISREG(st.st_mode)) {
                char *b = cc_xasprintf("%s/%s", to, de->d_name);
                if (rename(a, b) != 0) {
                    cc_error("%s: cannot move into place: %s", b, strerror(errno));
                    e = CC_ERR_IO;
                }
                free(b);
            }
            free(a);
        }
        if (d)
            closedir(d);
        free(from);
        free(to);
    }
    return e;
}

cc_err cc_rr_stage_dirs(const char *outd, const char *period, int full, char **dir,
                        char **final_dir, char **ledger_dir, int *staged)
{
    cc_err e;
    if ((e = cc_rr_mkdir_one(outd, 0)))
        return e;
    cc_rr_remove_stale_staging(outd);
    *final_dir = cc_xasprintf("%s/%s", outd, period);
    *dir = cc_xasprintf("%s/.%s.tmp.%ld", outd, period, (long)getpid());
    char *charts = cc_xasprintf("%s/charts", *dir);
    cc_rr_remove_staging(*dir);                 /* left over by a killed run with our pid */
    if (!(e = cc_rr_mkdir_one(*dir, 1))) {
        *staged = 1;
        e = cc_rr_mkdir_one(charts, 1);
    }
    free(charts);
    if (!e && full) {
        *ledger_dir = cc_xasprintf("%s/整改台账", *dir);
        e = cc_rr_mkdir_one(*ledger_dir, 1);
    }
    return e;
}
