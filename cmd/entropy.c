/* carecard entropy — placeholder until the command lands. */
#include "cmd.h"

const char cmd_entropy_help[] =
    "usage: carecard entropy ...\n";

int cmd_entropy(int argc, char **argv, cc_ctx *ctx)
{
    (void)argc; (void)argv; (void)ctx;
    cc_error("entropy: not implemented yet");
    return EXIT_FAIL;
}
