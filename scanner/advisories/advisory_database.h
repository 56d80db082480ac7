#pragma once
// The advisories a scan checks dependencies against: the snapshot embedded in the binary
// (threat-models/advisories/*.jsonl, converted from the PyPA advisory database) and,
// when the user gives one (--advisories, `advisories:` in .mlaudit.yml), a newer OSV
// export read at scan time. A record of the export replaces the embedded record with the
// same id; the report names every snapshot used.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "advisories/advisory.h"

namespace mlaudit::advisories {

struct Snapshot {
  std::string name;          // "pypa/advisory-database@3ccb6125" or the export's path
  std::string date;          // the commit date, or the newest `modified` of the export's records
  std::string license;       // of the data, when known
  std::string attribution;
  size_t advisories = 0;     // records kept (PyPI, not withdrawn)
  size_t packages = 0;
  bool embedded = false;

  std::string describe() const;   // one line for reports
};

// Package name -> release versions as written.
using PackageReleases = std::map<std::string, std::vector<std::string>>;

// What reading an export found wrong; the rest of the export is used.
struct LoadProblem {
  std::string file;
  std::string message;
};

class AdvisoryDatabase {
 public:
  // The snapshot compiled into the binary.
  static AdvisoryDatabase load_embedded();

  // Reads OSV records from `path`: a folder (searched recursively for .json, .yaml, .yml,
  // .jsonl and .zip), a zip of JSON records (osv.dev's PyPI/all.zip) or one file.
  // Throws std::runtime_error when nothing there is readable.
  std::vector<LoadProblem> add_export(const std::filesystem::path& path);
  // `releases`: versions of packages known to exist (the compact form lists them once per
  // package instead of in every advisory).
  void add(Snapshot snapshot, std::vector<Advisory> advisories, const PackageReleases& releases = {});

  std::vector<const Advisory*> advisories_for(const std::string& package) const;
  // Every release the data names for the package (listed affected versions and the
  // per-package lists of the compact form), sorted.
  const std::vector<pep440::Version>& releases_for(const std::string& package) const;
  bool has_data_for(const std::string& package) const { return by_package_.contains(package); }
  const std::vector<Snapshot>& snapshots() const { return snapshots_; }
  std::string describe() const;   // every snapshot, "; "-separated
  size_t size() const { return advisories_.size(); }
  size_t package_count() const { return by_package_.size(); }
  const std::vector<Advisory>& advisories() const { return advisories_; }

 private:
  void reindex();

  std::vector<Advisory> advisories_;
  std::vector<Snapshot> snapshots_;
  std::unordered_map<std::string, size_t> by_id_;
  std::map<std::string, std::vector<size_t>> by_package_;
  std::map<std::string, std::vector<pep440::Version>> releases_;
  PackageReleases release_lines_;
};

// What a scan checks against: the embedded snapshot (parsed once per process and shared)
// plus the export at `path` when one is given. Throws std::runtime_error when the export
// is unusable.
std::pair<std::shared_ptr<const AdvisoryDatabase>, std::vector<LoadProblem>> load_advisory_data(
    const std::optional<std::filesystem::path>& path);

// Every OSV record at `path` (see add_export), PyPI entries only, withdrawn ones left out.
std::vector<Advisory> read_osv_records(const std::filesystem::path& path, std::vector<LoadProblem>& problems,
                                       PackageReleases* releases = nullptr);

// The compact file: a header line (format, source, commit, date, license, selection), one
// line a package with the releases its advisories list ({"package", "releases"}), then one
// advisory a line whose listed versions are only those its ranges do not already cover.
struct CompactHeader {
  std::string source, commit, date, license, attribution;
  std::vector<std::string> packages;   // the package names or patterns the file was cut to
};
std::string write_compact(const CompactHeader& header, const std::vector<Advisory>& advisories);

}  // namespace mlaudit::advisories
