/* tests/unit/tmpdir.h — a temporary directory for a test program: tmpdir is
 * created by the group setup and removed, with what the tests left in it, by
 * the group teardown (cmocka_run_group_tests(tests, setup, teardown)).
 * TMPDIR_TEMPLATE names it, e.g. "/tmp/ccingestXXXXXX". */
#ifndef CC_TEST_TMPDIR_H
#define CC_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

static char tmpdir[] = TMPDIR_TEMPLATE;

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[sizeof tmpdir + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

#endif
