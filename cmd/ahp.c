/* carecard ahp — placeholder until the command lands. */
#include "cmd.h"

const char cmd_ahp_help[] =
    "usage: carecard ahp ...\n";

int cmd_ahp(int argc, char **argv, cc_ctx *ctx)
{
    (void)argc; (void)argv; (void)ctx;
    cc_error("ahp: not implemented yet");
    return EXIT_FAIL;
}
