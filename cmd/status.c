/* carecard status — placeholder until the command lands. */
#include "cmd.h"

const char cmd_status_help[] =
    "usage: carecard status ...\n";

int cmd_status(int argc, char **argv, cc_ctx *ctx)
{
    (void)argc; (void)argv; (void)ctx;
    cc_error("status: not implemented yet");
    return EXIT_FAIL;
}
