/* carecard topsis — placeholder until the command lands. */
#include "cmd.h"

const char cmd_topsis_help[] =
    "usage: carecard topsis ...\n";

int cmd_topsis(int argc, char **argv, cc_ctx *ctx)
{
    (void)argc; (void)argv; (void)ctx;
    cc_error("topsis: not implemented yet");
    return EXIT_FAIL;
}
