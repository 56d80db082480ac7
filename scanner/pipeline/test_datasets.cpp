#include "pipeline/test_datasets.h"

#include <algorithm>
#include <set>

#include "util/code_context.h"

namespace mlaudit {

void set_aside_test_datasets(Extraction& extraction) {
  std::set<std::string> set_aside;
  for (Fact& fact : extraction.facts) {
    if (fact.type != FactType::dataset) continue;
    auto& props = fact.props;
    auto categories = props.value("personal_categories", nlohmann::ordered_json::array());
    if (categories.empty() || code_context_of(fact.location.file) != CodeContext::test) continue;
    uint64_t rows = props.value("rows_profiled", uint64_t{0});
    if (!props.value("all_rows_profiled", false) || rows > kTestDatasetMaxRows) continue;
    props["test_data_categories"] = categories;
    props["personal_categories"] = nlohmann::ordered_json::array();
    props["special_categories"] = nlohmann::ordered_json::array();
    props["not_personal_reason"] = std::to_string(rows) + (rows == 1 ? " row" : " rows") +
                                   " in a test folder: test data, not the processing of real people";
    set_aside.insert(fact.location.file);
    extraction.diagnostics.push_back({DiagnosticLevel::note, "test-dataset", fact.location,
                                      "personal-looking columns (" + [&] {
                                        std::string text;
                                        for (const auto& id : categories) text += (text.empty() ? "" : ", ") + id.get<std::string>();
                                        return text;
                                      }() + ") not treated as personal data: " + props["not_personal_reason"].get<std::string>()});
  }
  if (set_aside.empty()) return;
  std::erase_if(extraction.facts, [&](const Fact& fact) {
    return fact.type == FactType::personal_data && set_aside.contains(fact.props.value("dataset", ""));
  });
}

}  // namespace mlaudit
