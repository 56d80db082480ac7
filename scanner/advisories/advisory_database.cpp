#include "advisories/advisory_database.h"

#include <yaml-cpp/yaml.h>
#include <zip.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "util/embedded_files.h"
#include "util/file_io.h"
#include "util/text.h"
#include "util/utf8.h"
#include "util/yaml_reader.h"

namespace mlaudit::advisories {
namespace fs = std::filesystem;
namespace {

constexpr uint64_t kMaxRecordBytes = 16ull << 20;    // one OSV record (or one compact file line set)
constexpr uint64_t kMaxFileBytes = 512ull << 20;     // a whole-ecosystem export file (.jsonl, .zip)

// YAML as OSV writes it, every scalar kept as its text (so "5.10" stays "5.10", not 5.1).
// The node budget stops alias bombs.
nlohmann::json yaml_to_json(const YAML::Node& node, size_t& budget) {
  if (budget == 0) throw std::runtime_error("YAML document too large (alias expansion?)");
  --budget;
  if (node.IsMap()) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& entry : node) object[entry.first.Scalar()] = yaml_to_json(entry.second, budget);
    return object;
  }
  if (node.IsSequence()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& item : node) list.push_back(yaml_to_json(item, budget));
    return list;
  }
  if (node.IsScalar()) return node.Scalar();
  return nullptr;
}

std::string extension_of(const fs::path& path) { return to_lower(path.extension().string()); }

bool is_compact_header(const nlohmann::json& line) { return line.is_object() && line.contains("format"); }
bool is_release_line(const nlohmann::json& line) { return line.is_object() && line.contains("releases"); }

void read_release_line(const nlohmann::json& line, PackageReleases* releases) {
  if (!releases) return;
  auto& list = (*releases)[normalise_package_name(line.value("package", ""))];
  for (const auto& version : line["releases"])
    if (version.is_string()) list.push_back(version.get<std::string>());
}

// One file's text, as records.
void read_text(const std::string& name, const std::string& text, std::vector<Advisory>& out,
               std::vector<LoadProblem>& problems, PackageReleases* releases) {
  std::string extension = extension_of(name);
  auto add_record = [&](const nlohmann::json& record) {
    std::string problem;
    if (auto advisory = from_osv(record, problem)) out.push_back(std::move(*advisory));
    if (!problem.empty()) problems.push_back({name, problem});
  };
  try {
    if (extension == ".yaml" || extension == ".yml") {
      // Through the bounded reader, as every untrusted YAML: yaml-cpp's own parser never
      // returns on three bytes such as `{},`.
      // libyaml refuses bytes that are not UTF-8; they are escaped (\xHH) first, as every
      // advisory text is, so a hand-written export with a Latin-1 byte still loads.
      YamlDocuments parsed = read_yaml(is_valid_utf8(text) ? text : escape_invalid_utf8(text), YamlBudget{});
      size_t budget = 200000;
      for (const auto& document : parsed.documents) add_record(yaml_to_json(document, budget));
      if (parsed.stop)
        problems.push_back({name, "YAML not read past line " + std::to_string(parsed.stop->line) + ": " + parsed.stop->message});
      return;
    }
    if (extension == ".jsonl") {
      uint32_t number = 0;
      for (auto line : split_lines(text)) {
        ++number;
        if (trim(line).empty()) continue;
        auto json = nlohmann::json::parse(line);
        if (is_compact_header(json)) continue;
        if (is_release_line(json)) {
          read_release_line(json, releases);
          continue;
        }
        std::string problem;
        // A line is either the compact form (events as pairs) or a whole OSV record.
        bool compact = json.is_object() && json.contains("affected") && json["affected"].is_array() &&
                       !json["affected"].empty() && json["affected"][0].contains("package") &&
                       json["affected"][0]["package"].is_string();
        auto advisory = compact ? from_compact(json, problem) : from_osv(json, problem);
        if (advisory) out.push_back(std::move(*advisory));
        if (!problem.empty()) problems.push_back({name + ":" + std::to_string(number), problem});
      }
      return;
    }
    auto json = nlohmann::json::parse(text);
    if (json.is_array()) {
      for (const auto& record : json) add_record(record);
    } else if (json.is_object() && json.contains("vulns") && json["vulns"].is_array()) {
      for (const auto& record : json["vulns"]) add_record(record);   // an osv.dev query response
    } else {
      add_record(json);
    }
  } catch (const std::exception& error) {
    problems.push_back({name, std::string("cannot read: ") + error.what()});
  }
}

void read_zip(const fs::path& path, std::vector<Advisory>& out, std::vector<LoadProblem>& problems) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &error);
  if (!archive) {
    problems.push_back({path.string(), "not a readable zip archive"});
    return;
  }
  zip_int64_t entries = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t stat;
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &stat) != 0) continue;
    std::string name = stat.name ? stat.name : "";
    std::string extension = extension_of(name);
    if (extension != ".json" && extension != ".yaml" && extension != ".yml") continue;
    if (!(stat.valid & ZIP_STAT_SIZE) || stat.size > kMaxRecordBytes) {
      problems.push_back({path.string() + "!" + name, "entry too large, skipped"});
      continue;
    }
    zip_file_t* file = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0);
    if (!file) continue;
    std::string text(stat.size, '\0');
    zip_int64_t read = zip_fread(file, text.data(), stat.size);
    zip_fclose(file);
    if (read != static_cast<zip_int64_t>(stat.size)) {
      problems.push_back({path.string() + "!" + name, "truncated entry, skipped"});
      continue;
    }
    read_text(path.string() + "!" + name, text, out, problems, nullptr);
  }
  zip_close(archive);
}

void read_file(const fs::path& path, std::vector<Advisory>& out, std::vector<LoadProblem>& problems,
               PackageReleases* releases) {
  std::string extension = extension_of(path);
  if (extension == ".zip") return read_zip(path, out, problems);
  uint64_t limit = extension == ".jsonl" ? kMaxFileBytes : kMaxRecordBytes;
  auto content = read_whole_file(path, limit);
  if (auto* error = std::get_if<ReadError>(&content)) {
    problems.push_back({path.string(), error->message});
    return;
  }
  read_text(path.string(), std::get<std::string>(content), out, problems, releases);
}

bool is_record_file(const fs::path& path) {
  std::string extension = extension_of(path);
  return extension == ".json" || extension == ".yaml" || extension == ".yml" || extension == ".jsonl" ||
         extension == ".zip";
}

std::string short_date(const std::string& timestamp) { return timestamp.substr(0, 10); }

}  // namespace

std::string Snapshot::describe() const {
  std::string text = name;
  if (!date.empty()) text += " (" + date + ")";
  text += ": " + std::to_string(advisories) + " advisories for " + std::to_string(packages) + " PyPI packages";
  if (embedded) text += ", embedded";
  if (!license.empty()) text += "; " + license;
  return text;
}

std::vector<Advisory> read_osv_records(const fs::path& path, std::vector<LoadProblem>& problems, PackageReleases* releases) {
  std::vector<Advisory> records;
  std::error_code error;
  if (fs::is_directory(path, error)) {
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, error);
         !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      if (it->is_symlink(error)) {
        if (it->is_directory(error)) it.disable_recursion_pending();
        continue;
      }
      if (it->path().filename().string().starts_with(".")) {
        if (it->is_directory(error)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(error) && is_record_file(it->path())) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) read_file(file, records, problems, releases);
  } else if (fs::is_regular_file(path, error)) {
    read_file(path, records, problems, releases);
  } else {
    throw std::runtime_error(path.string() + ": no such file or folder");
  }
  return records;
}

AdvisoryDatabase AdvisoryDatabase::load_embedded() {
  AdvisoryDatabase database;
  for (const EmbeddedFile* file : embedded_files_under("threat-models/advisories/")) {
    if (!file->path.ends_with(".jsonl")) continue;
    Snapshot snapshot;
    snapshot.embedded = true;
    std::vector<Advisory> advisories;
    PackageReleases releases;
    for (auto line : split_lines(file->content)) {
      if (trim(line).empty()) continue;
      auto json = nlohmann::json::parse(line);
      if (is_release_line(json)) {
        read_release_line(json, &releases);
        continue;
      }
      if (is_compact_header(json)) {
        std::string commit = json.value("commit", "");
        snapshot.name = json.value("source", "") + (commit.empty() ? "" : "@" + commit.substr(0, 12));
        snapshot.date = json.value("date", "");
        snapshot.license = json.value("license", "");
        snapshot.attribution = json.value("attribution", "");
        continue;
      }
      std::string problem;
      auto advisory = from_compact(json, problem);
      // Embedded data is ours: a bad line is a build defect, not a user problem.
      if (!advisory) throw std::logic_error(std::string(file->path) + ": " + problem);
      advisories.push_back(std::move(*advisory));
    }
    database.add(std::move(snapshot), std::move(advisories), releases);
  }
  return database;
}

void AdvisoryDatabase::add(Snapshot snapshot, std::vector<Advisory> advisories, const PackageReleases& releases) {
  for (const auto& [package, versions] : releases) {
    auto& list = release_lines_[package];
    list.insert(list.end(), versions.begin(), versions.end());
  }
  std::set<std::string> packages;
  std::string newest;
  for (auto& advisory : advisories) {
    for (const auto& affected : advisory.affected) packages.insert(affected.name);
    newest = std::max(newest, advisory.modified);
    if (auto found = by_id_.find(advisory.id); found != by_id_.end()) {
      advisories_[found->second] = std::move(advisory);
    } else {
      by_id_[advisory.id] = advisories_.size();
      advisories_.push_back(std::move(advisory));
    }
  }
  snapshot.advisories = advisories.size();
  snapshot.packages = packages.size();
  if (snapshot.date.empty() && !newest.empty()) snapshot.date = "newest record modified " + short_date(newest);
  snapshots_.push_back(std::move(snapshot));
  reindex();
}

std::vector<LoadProblem> AdvisoryDatabase::add_export(const fs::path& path) {
  std::vector<LoadProblem> problems;
  PackageReleases releases;
  std::vector<Advisory> records = read_osv_records(path, problems, &releases);
  if (records.empty())
    throw std::runtime_error(path.string() + ": no OSV advisory for a PyPI package found there" +
                             (problems.empty() ? std::string() : " (" + problems.front().file + ": " + problems.front().message + ")"));
  Snapshot snapshot;
  snapshot.name = "OSV export " + path.string();
  add(std::move(snapshot), std::move(records), releases);
  return problems;
}

void AdvisoryDatabase::reindex() {
  by_package_.clear();
  releases_.clear();
  for (size_t i = 0; i < advisories_.size(); ++i)
    for (const auto& affected : advisories_[i].affected) {
      auto& list = by_package_[affected.name];
      if (list.empty() || list.back() != i) list.push_back(i);
      auto& releases = releases_[affected.name];
      releases.insert(releases.end(), affected.parsed_versions.begin(), affected.parsed_versions.end());
    }
  for (const auto& [package, versions] : release_lines_) {
    if (!by_package_.contains(package)) continue;
    auto& releases = releases_[package];
    for (const auto& text : versions)
      if (auto version = pep440::Version::parse(text)) releases.push_back(std::move(*version));
  }
  for (auto& [package, releases] : releases_) {
    std::stable_sort(releases.begin(), releases.end());
    releases.erase(std::unique(releases.begin(), releases.end()), releases.end());
  }
}

const std::vector<pep440::Version>& AdvisoryDatabase::releases_for(const std::string& package) const {
  static const std::vector<pep440::Version> none;
  auto found = releases_.find(package);
  return found == releases_.end() ? none : found->second;
}

std::vector<const Advisory*> AdvisoryDatabase::advisories_for(const std::string& package) const {
  std::vector<const Advisory*> found;
  if (auto entry = by_package_.find(package); entry != by_package_.end())
    for (size_t index : entry->second) found.push_back(&advisories_[index]);
  return found;
}

std::string AdvisoryDatabase::describe() const {
  std::string text;
  for (const auto& snapshot : snapshots_) text += (text.empty() ? "" : "; ") + snapshot.describe();
  return text.empty() ? std::string("no advisory data") : text;
}

std::pair<std::shared_ptr<const AdvisoryDatabase>, std::vector<LoadProblem>> load_advisory_data(
    const std::optional<fs::path>& path) {
  static const auto embedded = std::make_shared<const AdvisoryDatabase>(AdvisoryDatabase::load_embedded());
  if (!path) return {embedded, {}};
  auto database = std::make_shared<AdvisoryDatabase>(*embedded);
  std::vector<LoadProblem> problems = database->add_export(*path);
  return {std::move(database), std::move(problems)};
}

std::string write_compact(const CompactHeader& header, const std::vector<Advisory>& advisories) {
  std::set<std::string> packages;
  // Listed versions once per package; an advisory keeps only those its ranges miss.
  std::map<std::string, std::vector<pep440::Version>> releases;
  std::vector<Advisory> compacted = advisories;
  for (auto& advisory : compacted)
    for (auto& affected : advisory.affected) {
      packages.insert(affected.name);
      auto& list = releases[affected.name];
      list.insert(list.end(), affected.parsed_versions.begin(), affected.parsed_versions.end());
      AffectedPackage ranges_only = affected;
      ranges_only.parsed_versions.clear();
      std::vector<std::string> uncovered;
      for (const auto& text : affected.versions) {
        auto version = pep440::Version::parse(text);
        if (!version || !ranges_only.affects({*version, false})) uncovered.push_back(text);
      }
      affected.versions = std::move(uncovered);
    }
  nlohmann::ordered_json head = {{"format", "mlaudit-advisories/1"},
                                 {"source", header.source},
                                 {"commit", header.commit},
                                 {"date", header.date},
                                 {"license", header.license},
                                 {"attribution", header.attribution},
                                 {"selection", header.packages},
                                 {"advisories", advisories.size()},
                                 {"packages", packages.size()}};
  std::string text = head.dump() + "\n";
  for (auto& [package, versions] : releases) {
    std::stable_sort(versions.begin(), versions.end());
    versions.erase(std::unique(versions.begin(), versions.end()), versions.end());
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& version : versions) list.push_back(version.str());
    text += nlohmann::ordered_json{{"package", package}, {"releases", list}}.dump() + "\n";
  }
  for (const auto& advisory : compacted) text += to_compact(advisory).dump() + "\n";
  return text;
}

}  // namespace mlaudit::advisories
