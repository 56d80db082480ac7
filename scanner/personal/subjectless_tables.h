#pragma once
// Well-known public tables whose rows describe no living person (the abalone and penguin
// data, the Titanic passenger list, census-area housing aggregates), recognised by their
// column names: see subjectless_tables.yml. A table that matches is reported as holding no
// data subjects, with the reason, instead of as personal data.
#include <string>
#include <vector>

namespace mlaudit::personal {

struct SubjectlessTable {
  std::string id, label, reason;
  std::vector<std::string> columns, distinctive;  // normalised names
  size_t needs = 0;
};

// The table whose columns `names` (raw column names, any spelling) match; nullptr when none.
const SubjectlessTable* recognize_subjectless_table(const std::vector<std::string>& names);

}  // namespace mlaudit::personal
