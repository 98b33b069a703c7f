/* carecard kano — placeholder until the command lands. */
#include "cmd.h"

const char cmd_kano_help[] =
    "usage: carecard kano ...\n";

int cmd_kano(int argc, char **argv, cc_ctx *ctx)
{
    (void)argc; (void)argv; (void)ctx;
    cc_error("kano: not implemented yet");
    return EXIT_FAIL;
}
