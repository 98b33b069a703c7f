/* exit — carecard's exit codes (docs/cli.md), in one place.  Every usage
 * error goes through cmd_usage_error() (opt.c) and ends in EXIT_USAGE. */
#ifndef CC_CMD_EXIT_H
#define CC_CMD_EXIT_H

enum {
    EXIT_OK         = 0,    /* success */
    EXIT_FAIL       = 1,    /* bad configuration, unreadable input, I/O error ... */
    EXIT_USAGE      = 2,    /* usage error (cmd_usage_error) */
    EXIT_REJECTED   = 3,    /* ingest: every file stored, some rows rejected */
    EXIT_INCOMPLETE = 4     /* written, but some communities did not report */
};

#endif
