/* workbook — see the owning layer's header for context. */
#ifndef CC_REPORT_WORKBOOK_H
#define CC_REPORT_WORKBOOK_H

#endif
