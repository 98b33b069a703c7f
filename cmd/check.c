/* carecard check — placeholder until the command lands. */
#include "cmd.h"

const char cmd_check_help[] =
    "usage: carecard check ...\n";

int cmd_check(int argc, char **argv, cc_ctx *ctx)
{
    (void)argc; (void)argv; (void)ctx;
    cc_error("check: not implemented yet");
    return EXIT_FAIL;
}
