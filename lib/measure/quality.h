/* quality — see the owning layer's header for context. */
#ifndef CC_MEASURE_QUALITY_H
#define CC_MEASURE_QUALITY_H

#endif
