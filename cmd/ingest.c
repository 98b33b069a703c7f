/* carecard ingest — placeholder until the command lands. */
#include "cmd.h"

const char cmd_ingest_help[] =
    "usage: carecard ingest ...\n";

int cmd_ingest(int argc, char **argv, cc_ctx *ctx)
{
    (void)argc; (void)argv; (void)ctx;
    cc_error("ingest: not implemented yet");
    return EXIT_FAIL;
}
