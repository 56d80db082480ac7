#include "ruleset/advisories.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include "facts/package_name.h"
#include "util/embedded_files.h"
#include "util/text.h"

namespace mlaudit {
namespace {

struct ParsedVersion {
  std::vector<long> release;
  int phase = 0;   // -2 dev, -1 pre-release, 0 final, 1 post
  long phase_number = 0;
};

ParsedVersion parse_version(std::string_view text) {
  ParsedVersion parsed;
  std::string lowered = to_lower(trim(text));
  if (lowered.starts_with("v")) lowered.erase(0, 1);
  if (auto plus = lowered.find('+'); plus != std::string::npos) lowered.resize(plus);  // local version
  size_t i = 0;
  while (i < lowered.size()) {
    if (std::isdigit(static_cast<unsigned char>(lowered[i]))) {
      size_t start = i;
      while (i < lowered.size() && std::isdigit(static_cast<unsigned char>(lowered[i]))) ++i;
      parsed.release.push_back(std::stol(lowered.substr(start, std::min<size_t>(i - start, 15))));
      if (i < lowered.size() && lowered[i] == '.') {
        ++i;
        continue;
      }
    }
    break;
  }
  std::string rest = lowered.substr(i);
  static const RE2 suffix(R"(^[-_.]?(a|alpha|b|beta|c|rc|pre|preview|post|rev|r|dev)[-_.]?(\d*))");
  std::string label, number;
  if (RE2::PartialMatch(rest, suffix, &label, &number)) {
    parsed.phase = label == "dev" ? -2 : (label == "post" || label == "rev" || label == "r") ? 1 : -1;
    parsed.phase_number = number.empty() ? 0 : std::stol(number.substr(0, 15));
  }
  while (!parsed.release.empty() && parsed.release.back() == 0) parsed.release.pop_back();
  return parsed;
}

}  // namespace

int compare_versions(std::string_view a, std::string_view b) {
  ParsedVersion left = parse_version(a), right = parse_version(b);
  size_t length = std::max(left.release.size(), right.release.size());
  for (size_t i = 0; i < length; ++i) {
    long l = i < left.release.size() ? left.release[i] : 0;
    long r = i < right.release.size() ? right.release[i] : 0;
    if (l != r) return l < r ? -1 : 1;
  }
  if (left.phase != right.phase) return left.phase < right.phase ? -1 : 1;
  if (left.phase_number != right.phase_number) return left.phase_number < right.phase_number ? -1 : 1;
  return 0;
}

bool version_satisfies(std::string_view version, std::string_view clause) {
  clause = trim(clause);
  for (std::string_view op : {"<=", ">=", "==", "!=", "<", ">"}) {
    if (!clause.starts_with(op)) continue;
    int order = compare_versions(version, trim(clause.substr(op.size())));
    if (op == "<=") return order <= 0;
    if (op == ">=") return order >= 0;
    if (op == "==") return order == 0;
    if (op == "!=") return order != 0;
    if (op == "<") return order < 0;
    return order > 0;
  }
  return compare_versions(version, clause) == 0;
}

AdvisoryCatalogs AdvisoryCatalogs::load_embedded() {
  AdvisoryCatalogs catalogs;
  for (const EmbeddedFile* file : embedded_files_under("threat-models/advisories/")) {
    if (!file->path.ends_with(".yml")) continue;   // the OSV snapshot (.jsonl) is read by advisories/
    YAML::Node root = YAML::Load(std::string(file->content));
    std::string name = root["catalog"].as<std::string>();
    std::vector<PackageAdvisory> advisories;
    for (const auto& entry : root["advisories"]) {
      PackageAdvisory advisory;
      advisory.package = normalise_package_name(entry["package"].as<std::string>());
      advisory.id = entry["id"].as<std::string>();
      for (auto clause : split(entry["affected"].as<std::string>(), ','))
        if (!trim(clause).empty()) advisory.affected.emplace_back(trim(clause));
      advisory.fixed = entry["fixed"] ? entry["fixed"].as<std::string>() : "";
      advisory.summary = entry["summary"].as<std::string>();
      advisories.push_back(std::move(advisory));
    }
    catalogs.add(name, root["reviewed"].as<std::string>(), std::move(advisories));
  }
  return catalogs;
}

void AdvisoryCatalogs::add(std::string name, std::string reviewed, std::vector<PackageAdvisory> advisories) {
  reviewed_[name] = std::move(reviewed);
  catalogs_[std::move(name)] = std::move(advisories);
}

std::vector<const PackageAdvisory*> AdvisoryCatalogs::affecting(const std::string& catalog, const std::string& package,
                                                                const std::string& version) const {
  std::vector<const PackageAdvisory*> matched;
  auto found = catalogs_.find(catalog);
  if (found == catalogs_.end()) return matched;
  std::string name = normalise_package_name(package);
  for (const auto& advisory : found->second) {
    if (advisory.package != name) continue;
    bool affected = std::all_of(advisory.affected.begin(), advisory.affected.end(),
                                [&](const std::string& clause) { return version_satisfies(version, clause); });
    if (affected) matched.push_back(&advisory);
  }
  return matched;
}

std::string AdvisoryCatalogs::reviewed(const std::string& catalog) const {
  auto found = reviewed_.find(catalog);
  return found == reviewed_.end() ? std::string() : found->second;
}

}  // namespace mlaudit
