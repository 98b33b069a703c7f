/* carecard report — placeholder until the command lands. */
#include "cmd.h"

const char cmd_report_help[] =
    "usage: carecard report ...\n";

int cmd_report(int argc, char **argv, cc_ctx *ctx)
{
    (void)argc; (void)argv; (void)ctx;
    cc_error("report: not implemented yet");
    return EXIT_FAIL;
}
