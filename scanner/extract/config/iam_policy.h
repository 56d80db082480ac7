#pragma once
// IAM policy statements (Effect / Action / Resource) in any YAML or JSON document:
// CloudFormation and SAM templates, policy documents. Emits iam_statement facts.
#include <yaml-cpp/yaml.h>

#include <string>

#include "extract/extractor.h"

namespace mlaudit {

void extract_iam_statements(const YAML::Node& document, const std::string& file, FactSink& sink);

}  // namespace mlaudit
