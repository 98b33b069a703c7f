/* carecard — the library behind the CLI.  Data flows one way:
 *   text → ingest → store → measure → score → report
 * and a module only calls those to its left.  cmd/ includes this header only.
 */
#ifndef CARECARD_H
#define CARECARD_H

#include "base/base.h"
#include "text/text.h"
#include "store/store.h"
#include "ingest/ingest.h"
#include "model/model.h"
#include "measure/measure.h"
#include "score/score.h"
#include "score/files.h"
#include "report/report.h"

#endif
