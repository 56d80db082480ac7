#pragma once
// Which installed distributions the project's own code imports, outside its tests: the
// evidence that a development group (Poetry's dev-dependencies, Pipfile dev-packages) is
// the environment the project's scripts and notebooks run in, not only its tooling.
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "facts/fact.h"

namespace mlaudit {

class ImportedPackages {
 public:
  explicit ImportedPackages(const std::vector<Fact>& facts);
  // Whether code outside tests imports the distribution (PEP 503 name): `sklearn` for
  // scikit-learn, `yaml` for pyyaml, otherwise the module of the same name.
  bool imports(std::string_view distribution) const;

 private:
  std::set<std::string, std::less<>> modules_;   // top-level module names, lower case
};

}  // namespace mlaudit
