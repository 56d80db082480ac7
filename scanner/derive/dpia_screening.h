#pragma once
// GDPR Art. 35 screening: the nine criteria of the EDPB's WP248 guidelines, evaluated on the
// data-flow diagram (what personal data there is, where it goes, what decides about whom).
// Two or more criteria met means a DPIA is likely required. The result is a dpia_screening
// fact, so rules and reports read it like any other.
#include <vector>

#include "facts/fact.h"
#include "graph/dfd.h"

namespace mlaudit {

// Empty when the project holds no personal data at all.
std::vector<Fact> screen_for_dpia(const DataFlowDiagram& diagram, const std::vector<Fact>& facts);

}  // namespace mlaudit
