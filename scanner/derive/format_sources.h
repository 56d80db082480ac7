#pragma once
// Project-wide evidence for the values formatted into a query (`format_source`, set on call
// facts by the Python extractor): a query built from a method's parameter, in a class that
// the project constructs with a connection string it is handed, runs on a database whose
// credentials come with the call. Whoever supplies the value already holds those
// credentials: kind `caller_credentials`, which the SQL rule grades medium.
#include <vector>

#include "facts/fact.h"

namespace mlaudit {

void annotate_format_sources(std::vector<Fact>& facts);

}  // namespace mlaudit
