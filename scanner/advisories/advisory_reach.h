#pragma once
// Whether the project reaches the part of a package an advisory is about, for the
// advisories threat-models/advisories/advisory-reach.yml describes: FastAPI's multipart
// ReDoS needs python-multipart installed, aiohttp's server flaws need aiohttp.web, the PKCS#7
// crash needs a PKCS#7 load. Packages count where they share an environment with the
// vulnerable one: installed by a manifest in the same folder (a service's requirements.txt and
// its Pipfile.lock, not another service's). Code counts project-wide, outside tests: the
// modules it imports and the functions it calls.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "facts/fact.h"

namespace mlaudit::advisories {

class AdvisoryReach {
 public:
  explicit AdvisoryReach(const std::vector<Fact>& facts);
  // Why the project cannot reach the vulnerable code of the advisory (`ids`: its id and
  // aliases) of `package`, installed by the manifests `manifests`; nullopt when it may (or
  // the catalog does not describe it).
  std::optional<std::string> unreached_because(const std::string& package, const std::vector<std::string>& ids,
                                               const std::vector<std::string>& manifests) const;

 private:
  bool installed(const std::string& entry, const std::vector<std::string>& manifests) const;
  bool imported(const std::string& module) const;
  // folder -> PEP 503 names its manifests install, and name[extra] for each extra asked for
  std::map<std::string, std::set<std::string>> installed_;
  std::set<std::string> imports_;     // dotted module paths, and module.name for from-imports
  std::set<std::string> calls_;       // the last part of each called name
};

}  // namespace mlaudit::advisories
