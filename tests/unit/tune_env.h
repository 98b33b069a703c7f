/* tune_env — the tests' CARECARD_* switches: lib/ reads cc_tuning_get(),
 * never the environment (cmd/ fills it once at start), so a test that sets a
 * variable installs the environment's tuning again, as cmd/ would. */
#ifndef TUNE_ENV_H
#define TUNE_ENV_H

#include <stdlib.h>

#include "base/base.h"

static inline void tune_setenv(const char *name, const char *value)
{
    cc_tuning t;
    setenv(name, value, 1);
    cc_tuning_from_env(&t);
    cc_tuning_set(&t);
}

static inline void tune_unsetenv(const char *name)
{
    cc_tuning t;
    unsetenv(name);
    cc_tuning_from_env(&t);
    cc_tuning_set(&t);
}

#endif
