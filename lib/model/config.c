/* config — placeholder until indicators.ini loading lands. */
#include "model/model.h"
#include <string.h>

cc_err cc_config_load(const char *path, cc_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cc_error("%s: configuration loading not implemented yet", path);
    return CC_ERR_CONFIG;
}

void cc_config_release(cc_config *cfg) { memset(cfg, 0, sizeof *cfg); }
