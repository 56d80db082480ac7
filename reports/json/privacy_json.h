#pragma once
// The privacy record (personal data, lineage, transfers, Art. 30 record, DPIA screening)
// as JSON, the "privacy" section of the JSON report.
#include <nlohmann/json.hpp>

#include "pipeline/privacy_record.h"

namespace mlaudit {

nlohmann::ordered_json privacy_json(const PrivacyRecord& record);

}  // namespace mlaudit
