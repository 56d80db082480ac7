#pragma once
// `mlaudit advisories import` (OSV records -> the compact embedded form) and
// `mlaudit advisories check` (which advisories affect a package version or range).
#include <iosfwd>
#include <string>
#include <vector>

namespace mlaudit {

struct AdvisoryImportArguments {
  std::string source;                  // folder, zip or file of OSV records
  std::string output;                  // the compact .jsonl to write
  std::vector<std::string> packages;   // names or globs ("langchain*"); empty: all
  std::string packages_file;           // more of them, one a line, # comments
  std::string source_name, commit, date, license, attribution;
};

struct AdvisoryCheckArguments {
  std::string package;
  std::string version;                 // an exact version or a PEP 440 range
  std::string advisories;              // a newer OSV export, optional
  bool json = false;
};

int advisories_import_command(const AdvisoryImportArguments& arguments, std::ostream& out, std::ostream& err);
int advisories_check_command(const AdvisoryCheckArguments& arguments, std::ostream& out, std::ostream& err);

}  // namespace mlaudit
