#pragma once
// Named lists that rules refer to ({key: global, in_list: pickle-allowed}): policy kept as
// data in rules/<pack>/lists/<name>.yml. Entries are exact names, globs ("torch.nn.*",
// '*' spanning dots) or {regex: '...'}.
#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "util/glob.h"

namespace re2 {
class RE2;
}

namespace mlaudit {

class NamedList {
 public:
  NamedList(std::string name, std::string source);
  ~NamedList();
  NamedList(NamedList&&) noexcept;
  NamedList& operator=(NamedList&&) noexcept;

  // Adds the entries of a list document; throws RuleError with the entry's position.
  void add_entries(const YAML::Node& entries);
  bool contains(std::string_view value) const;
  const std::string& name() const { return name_; }
  const std::string& source() const { return source_; }
  size_t size() const { return exact_.size() + globs_.size() + regexes_.size(); }

 private:
  std::string name_, source_;
  std::unordered_set<std::string> exact_;
  std::vector<Glob> globs_;
  std::vector<std::unique_ptr<re2::RE2>> regexes_;
};

using ListCatalog = std::map<std::string, NamedList, std::less<>>;

}  // namespace mlaudit
