#include "cli/advisories_command.h"

#include <algorithm>
#include <fstream>
#include <ostream>

#include "advisories/advisory_database.h"
#include "advisories/advisory_match.h"
#include "cli/cli.h"
#include "util/glob.h"
#include "util/text.h"

namespace mlaudit {
namespace {

using namespace advisories;

std::vector<std::string> read_patterns(const AdvisoryImportArguments& arguments) {
  std::vector<std::string> patterns;
  for (const auto& name : arguments.packages) patterns.push_back(to_lower(name));
  if (!arguments.packages_file.empty()) {
    std::ifstream stream(arguments.packages_file);
    if (!stream) throw std::runtime_error(arguments.packages_file + ": cannot read");
    std::string line;
    while (std::getline(stream, line)) {
      if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
      if (!trim(line).empty()) patterns.push_back(to_lower(trim(line)));
    }
  }
  return patterns;
}

bool selected(const std::string& name, const std::vector<std::string>& patterns) {
  if (patterns.empty()) return true;
  for (const auto& pattern : patterns)
    if (glob_match(normalise_package_name(pattern), name)) return true;
  return false;
}

nlohmann::ordered_json group_json(const AdvisoryGroup& group) {
  return {{"id", group.id()}, {"aliases", group.aliases()}, {"summary", group.summary()},
          {"severity", group.severity().label()}};
}

}  // namespace

int advisories_import_command(const AdvisoryImportArguments& arguments, std::ostream& out, std::ostream& err) {
  std::vector<std::string> patterns;
  try {
    patterns = read_patterns(arguments);
  } catch (const std::exception& error) {
    err << "mlaudit: " << error.what() << "\n";
    return kExitUsage;
  }
  std::vector<LoadProblem> problems;
  std::vector<Advisory> records;
  try {
    records = read_osv_records(arguments.source, problems);
  } catch (const std::exception& error) {
    err << "mlaudit: " << error.what() << "\n";
    return kExitUsage;
  }
  size_t read = records.size();
  std::vector<Advisory> kept;
  for (auto& record : records) {
    std::erase_if(record.affected, [&](const AffectedPackage& affected) { return !selected(affected.name, patterns); });
    if (!record.affected.empty()) kept.push_back(std::move(record));
  }
  std::sort(kept.begin(), kept.end(), [](const Advisory& a, const Advisory& b) {
    return std::tie(a.affected.front().name, a.id) < std::tie(b.affected.front().name, b.id);
  });
  CompactHeader header{arguments.source_name, arguments.commit, arguments.date, arguments.license, arguments.attribution, patterns};
  std::ofstream stream(arguments.output, std::ios::binary);
  if (!stream || !(stream << write_compact(header, kept))) {
    err << "mlaudit: " << arguments.output << ": cannot write\n";
    return kExitUsage;
  }
  for (const auto& problem : problems) err << "mlaudit: note: " << problem.file << ": " << problem.message << "\n";
  out << "read " << read << " PyPI advisories from " << arguments.source << "; wrote " << kept.size() << " to "
      << arguments.output << " (" << problems.size() << " problems noted)\n";
  return kExitClean;
}

int advisories_check_command(const AdvisoryCheckArguments& arguments, std::ostream& out, std::ostream& err) {
  std::optional<std::filesystem::path> export_path;
  if (!arguments.advisories.empty()) export_path = arguments.advisories;
  auto [data, problems] = load_advisory_data(export_path);
  const AdvisoryDatabase& database = *data;
  for (const auto& problem : problems) err << "mlaudit: note: " << problem.file << ": " << problem.message << "\n";
  std::string name = normalise_package_name(arguments.package);
  auto advisories = database.advisories_for(name);
  nlohmann::ordered_json report = {{"package", name}, {"data", database.describe()}, {"known", !advisories.empty()}};
  if (auto version = pep440::Version::parse(arguments.version)) {
    VersionMatch match = match_version(advisories, name, *version);
    nlohmann::ordered_json groups = nlohmann::ordered_json::array();
    for (const auto& group : match.groups) groups.push_back(group_json(group));
    report["version"] = version->str();
    report["advisories"] = groups;
    report["fix"] = match.fix ? match.fix->text() : "";
  } else if (auto range = pep440::SpecifierSet::parse(arguments.version)) {
    RangeMatch match = match_range(advisories, name, *range, database.releases_for(name));
    nlohmann::ordered_json groups = nlohmann::ordered_json::array(), vulnerable = nlohmann::ordered_json::array();
    for (const auto& group : match.groups) groups.push_back(group_json(group));
    for (const auto& version : match.vulnerable) vulnerable.push_back(version.str());
    report["range"] = range->str();
    report["advisories"] = groups;
    report["admits"] = vulnerable;
    report["safe_bound"] = match.safe_bound ? match.safe_bound->bound() : "";
  } else {
    err << "mlaudit: '" << arguments.version << "' is neither a PEP 440 version nor a specifier\n";
    return kExitUsage;
  }
  if (arguments.json) {
    out << report.dump(2) << "\n";
  } else {
    out << name << " " << arguments.version << " (" << report["data"].get<std::string>() << ")\n";
    if (!report["known"].get<bool>()) out << "  no advisory data for this package: not checked\n";
    for (const auto& group : report["advisories"])
      out << "  " << group["id"].get<std::string>() << " [" << group["severity"].get<std::string>() << "] "
          << join(group["aliases"].get<std::vector<std::string>>(), ", ") << ": " << group["summary"].get<std::string>() << "\n";
    if (report.contains("fix") && !report["advisories"].empty())
      out << "  lowest version fixing all: " << (report["fix"].get<std::string>().empty() ? "none" : report["fix"].get<std::string>()) << "\n";
    if (report.contains("safe_bound") && !report["advisories"].empty())
      out << "  safe bound: " << (report["safe_bound"].get<std::string>().empty() ? "none" : report["safe_bound"].get<std::string>()) << "\n";
  }
  return report["advisories"].empty() ? kExitClean : kExitFindings;
}

}  // namespace mlaudit
