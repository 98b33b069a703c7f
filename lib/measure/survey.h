/* survey — see the owning layer's header for context. */
#ifndef CC_MEASURE_SURVEY_H
#define CC_MEASURE_SURVEY_H

#endif
