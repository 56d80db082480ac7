#include "ruleset/named_list.h"

#include <re2/re2.h>

#include "ruleset/predicate.h"
#include "util/glob.h"

namespace mlaudit {

NamedList::NamedList(std::string name, std::string source) : name_(std::move(name)), source_(std::move(source)) {}
NamedList::~NamedList() = default;
NamedList::NamedList(NamedList&&) noexcept = default;
NamedList& NamedList::operator=(NamedList&&) noexcept = default;

void NamedList::add_entries(const YAML::Node& entries) {
  for (const auto& entry : entries) {
    if (entry.IsScalar()) {
      const std::string& text = entry.Scalar();
      if (text.find_first_of("*?[") == std::string::npos) exact_.insert(text);
      else globs_.emplace_back(text);
    } else if (entry.IsMap() && entry["regex"]) {
      auto regex = std::make_unique<re2::RE2>(entry["regex"].as<std::string>());
      if (!regex->ok()) throw RuleError(entry["regex"], "invalid regular expression: " + regex->error());
      regexes_.push_back(std::move(regex));
    } else {
      throw RuleError(entry, "a list entry is a name, a glob, or {regex: ...}");
    }
  }
}

bool NamedList::contains(std::string_view value) const {
  if (exact_.contains(std::string(value))) return true;
  for (const auto& glob : globs_)
    if (glob.matches(value)) return true;
  for (const auto& regex : regexes_)
    if (re2::RE2::FullMatch(value, *regex)) return true;
  return false;
}

}  // namespace mlaudit
