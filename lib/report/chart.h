/* chart — see the owning layer's header for context. */
#ifndef CC_REPORT_CHART_H
#define CC_REPORT_CHART_H

#endif
