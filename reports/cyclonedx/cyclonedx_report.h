#pragma once
// A CycloneDX 1.6 ML-BOM of the project: every model file as a machine-learning-model
// component and every dataset as a data component, with SHA-256 hashes, formats, the
// audit's verdict, who loads each model and which datasets train it (dependencies and
// modelCard.modelParameters.datasets).
#include <nlohmann/json.hpp>

#include "pipeline/scan.h"

namespace mlaudit {

nlohmann::ordered_json cyclonedx_report(const ScanResult& result);

}  // namespace mlaudit
