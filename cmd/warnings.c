/* carecard warnings — placeholder until the command lands. */
#include "cmd.h"

const char cmd_warnings_help[] =
    "usage: carecard warnings ...\n";

int cmd_warnings(int argc, char **argv, cc_ctx *ctx)
{
    (void)argc; (void)argv; (void)ctx;
    cc_error("warnings: not implemented yet");
    return EXIT_FAIL;
}
