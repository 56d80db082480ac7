#include "facts/iam_statement.h"

namespace mlaudit {

nlohmann::ordered_json iam_statement_props(const IamStatement& statement) {
  return {{"effect", statement.effect},
          {"actions", statement.actions},
          {"not_action", statement.not_action},
          {"resources", statement.resources},
          {"not_resource", statement.not_resource},
          {"conditioned", statement.conditioned},
          {"scope", statement.conditioned ? "only under its " + statement.condition_name : std::string("unconditionally")},
          {"source", statement.source}};
}

}  // namespace mlaudit
