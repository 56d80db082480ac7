#include "findings/suppression.h"

#include <re2/re2.h>

#include "util/glob.h"
#include "util/text.h"

namespace mlaudit {

bool InlineSuppression::covers(std::string_view rule_id) const {
  for (const auto& id : rule_ids)
    if (id == rule_id || glob_match(id, rule_id)) return true;
  return false;
}

std::optional<InlineSuppression> parse_inline_suppression(std::string_view line) {
  if (line.find("mlaudit:") == std::string_view::npos) return std::nullopt;
  static const RE2 pattern(R"((?:#|//)\s*mlaudit:\s*ignore\[([^\]]*)\]\s*(.*?)\s*(?:",?|\\n",?)?\s*$)");
  std::string ids, reason;
  if (!RE2::PartialMatch(line, pattern, &ids, &reason)) return std::nullopt;
  InlineSuppression suppression;
  // Ids are rule ids or globs over them: a longer "id" in a comment is not one (and a
  // glob of thousands of wildcards would only cost time).
  constexpr size_t kMaxIdBytes = 256;
  for (auto id : split(ids, ','))
    if (!trim(id).empty() && trim(id).size() <= kMaxIdBytes && suppression.rule_ids.size() < 64)
      suppression.rule_ids.emplace_back(trim(id));
  // Notebook source lines end in \n", inside the JSON; the reason stops before them.
  if (reason.ends_with("\\n")) reason.resize(reason.size() - 2);
  suppression.reason = std::string(trim(reason));
  if (suppression.reason.starts_with("-") || suppression.reason.starts_with(":"))
    suppression.reason = std::string(trim(suppression.reason.substr(1)));
  return suppression;
}

}  // namespace mlaudit
