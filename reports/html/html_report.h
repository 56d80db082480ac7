#pragma once
// One self-contained HTML file for compliance officers: plain-language summary, the
// data-flow diagram (inline SVG), every finding with why it matters and what to do,
// the model and dataset inventory, and everything not analysed. No external fetches.
#include <string>

#include "pipeline/scan.h"

namespace mlaudit {

std::string html_report(const ScanResult& result);

}  // namespace mlaudit
