#pragma once
// Follows personal data through the data-flow diagram. Datasets start with the categories
// their columns hold, endpoints with those their requests carry, scripts with those they
// name; categories then travel along reads, writes, in-process calls and requests until
// nothing changes: a model trained on customers.csv holds what customers.csv holds, and so
// does the endpoint that serves it and every recipient it sends data to. The privacy
// declarations of .mlaudit.yml (lawful basis, retention, recipients' regions, human review)
// are attached to the elements they name.
#include <vector>

#include "facts/fact.h"
#include "graph/dfd.h"

namespace mlaudit {

void propagate_personal_data(DataFlowDiagram& diagram, const std::vector<Fact>& facts);

// EU and EEA country codes and region names, for transfers (GDPR Art. 44).
bool in_eea(std::string_view region);

}  // namespace mlaudit
