#pragma once
// mlaudit's own JSON report: summary, findings, inventory, skipped files, diagnostics
// and the data-flow diagram, for scripts and dashboards. Stable key order.
#include <nlohmann/json.hpp>

#include "pipeline/scan.h"

namespace mlaudit {

nlohmann::ordered_json json_report(const ScanResult& result);
nlohmann::ordered_json finding_json(const Finding& finding);
nlohmann::ordered_json inventory_json(const ScanResult& result);

}  // namespace mlaudit
