#pragma once
// The properties of an iam_statement fact, built the same way from a policy document
// (CloudFormation, SAM, JSON policies) and from code (AWS CDK PolicyStatement), so that
// config.iam-wildcard-policy reads one shape whichever extractor found the statement.
#include <nlohmann/json.hpp>

#include <string>

namespace mlaudit {

struct IamStatement {
  std::string effect;                       // "Allow", "Deny", or "{expression}" when not known
  nlohmann::ordered_json actions;           // the Action (or NotAction) values as written
  bool not_action = false;                  // the statement lists NotAction: everything else is allowed
  nlohmann::ordered_json resources;         // the Resource (or NotResource) values
  bool not_resource = false;
  bool conditioned = false;                 // a Condition narrows when it applies
  std::string condition_name = "Condition";  // how the source calls it, for the message
  std::string source;                       // "CloudFormation", "AWS CDK", ...
};

nlohmann::ordered_json iam_statement_props(const IamStatement& statement);

}  // namespace mlaudit
