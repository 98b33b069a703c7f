/* carecard scorecard — placeholder until the command lands. */
#include "cmd.h"

const char cmd_scorecard_help[] =
    "usage: carecard scorecard ...\n";

int cmd_scorecard(int argc, char **argv, cc_ctx *ctx)
{
    (void)argc; (void)argv; (void)ctx;
    cc_error("scorecard: not implemented yet");
    return EXIT_FAIL;
}
