#include "extract/python/config_files.h"

#include <algorithm>
#include <array>

#include <re2/re2.h>
#include <toml++/toml.h>

#include "extract/python/project_path.h"
#include "util/file_io.h"
#include "util/text.h"
#include "util/toml_nesting.h"
#include "util/yaml_reader.h"

namespace mlaudit::python {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMaxSettingsBytes = 256 * 1024;
constexpr int kMaxDepth = 12;            // nesting of the dict built from the file
constexpr size_t kMaxEntries = 4000;     // keys kept from one file
constexpr size_t kMaxFilesPerModule = 16;

bool is_number(std::string_view text) {
  if (text.empty()) return false;
  size_t i = text[0] == '-' || text[0] == '+' ? 1 : 0;
  bool digits = false, dot = false;
  for (; i < text.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(text[i]))) digits = true;
    else if (text[i] == '.' && !dot) dot = true;
    else return false;
  }
  return digits;
}

struct Builder {
  std::string file;
  size_t entries = 0;

  Value scalar(const YAML::Node& node, const std::string& key) {
    std::string where = "key `" + truncate_utf8(key, 80) + "` of " + file + " (line " +
                        std::to_string(node.Mark().line + 1) + ")";
    Value value;
    if (node.IsNull()) {
      value = {Value::Kind::none, "None"};
    } else {
      std::string text = node.Scalar();
      bool plain = node.Tag() == "?";
      std::string lowered = to_lower(text);
      if (plain && (lowered == "true" || lowered == "false")) value = {Value::Kind::boolean, lowered};
      else if (plain && is_number(text)) value = {Value::Kind::number, text};
      else value = Value::string(text);
    }
    value.origin = std::move(where);
    return value;
  }

  Value build(const YAML::Node& node, const std::string& key, int depth) {
    if (depth > kMaxDepth || entries > kMaxEntries) return Value::unknown();
    if (node.IsScalar() || node.IsNull()) return scalar(node, key);
    if (node.IsSequence()) {
      Value list{Value::Kind::string_list};
      for (const auto& item : node) {
        if (!item.IsScalar() || ++entries > kMaxEntries) return Value::unknown("list");
        list.items.push_back(item.Scalar());
      }
      list.origin = "key `" + truncate_utf8(key, 80) + "` of " + file;
      return list;
    }
    if (!node.IsMap()) return Value::unknown();
    Value dict{Value::Kind::dict};
    for (const auto& pair : node) {
      if (!pair.first.IsScalar() || ++entries > kMaxEntries) continue;
      std::string name = pair.first.Scalar();
      dict.items.push_back(name);
      dict.entries.push_back(build(pair.second, key.empty() ? name : key + "." + name, depth + 1));
    }
    dict.origin = key.empty() ? file : "key `" + truncate_utf8(key, 80) + "` of " + file;
    return dict;
  }

  // TOML: tables are dicts, arrays of plain values lists, the rest scalars; each keeps its line.
  Value build(const toml::node& node, const std::string& key, int depth) {
    if (depth > kMaxDepth || entries > kMaxEntries) return Value::unknown();
    std::string where = "key `" + truncate_utf8(key, 80) + "` of " + file;
    if (const auto* table = node.as_table()) {
      Value dict{Value::Kind::dict};
      for (const auto& [name, child] : *table) {
        if (++entries > kMaxEntries) break;
        std::string text(name.str());
        dict.items.push_back(text);
        dict.entries.push_back(build(child, key.empty() ? text : key + "." + text, depth + 1));
      }
      dict.origin = key.empty() ? file : where;
      return dict;
    }
    if (const auto* array = node.as_array()) {
      Value list{Value::Kind::string_list};
      for (const auto& item : *array) {
        if (++entries > kMaxEntries || !item.is_value() || item.is_date_time() || item.is_date() || item.is_time())
          return Value::unknown("list");
        list.items.push_back(scalar_text(item));
      }
      list.origin = where;
      return list;
    }
    Value value;
    if (const auto* flag = node.as_boolean()) value = {Value::Kind::boolean, flag->get() ? "true" : "false"};
    else if (node.is_integer() || node.is_floating_point()) value = {Value::Kind::number, scalar_text(node)};
    else if (const auto* text = node.as_string()) value = Value::string(text->get());
    else return Value::unknown();
    value.origin = where + " (line " + std::to_string(node.source().begin.line) + ")";
    return value;
  }

  static std::string scalar_text(const toml::node& node) {
    if (const auto* text = node.as_string()) return text->get();
    if (const auto* integer = node.as_integer()) return std::to_string(integer->get());
    if (const auto* floating = node.as_floating_point()) return std::to_string(floating->get());
    if (const auto* flag = node.as_boolean()) return flag->get() ? "true" : "false";
    return {};
  }
};

}  // namespace

bool loads_settings_file(const std::string& callee) {
  static constexpr std::array names = {"yaml.safe_load", "yaml.load", "yaml.full_load", "yaml.unsafe_load",
                                       "json.load", "omegaconf.OmegaConf.load", "tomllib.load", "tomli.load", "toml.load"};
  return std::find(names.begin(), names.end(), callee) != names.end();
}

ConfigFiles::ConfigFiles(fs::path root, std::string importer, Deadline deadline)
    : root_(std::move(root)), importer_folder_(fs::path(importer).parent_path()), deadline_(deadline) {}

Value ConfigFiles::load(const std::string& path) {
  if (root_.empty() || path.empty()) return Value::unknown();
  if (auto known = loaded_.find(path); known != loaded_.end()) return known->second;
  if (loaded_.size() >= kMaxFilesPerModule || deadline_.passed()) return Value::unknown();
  Value& value = loaded_[path] = Value::unknown();
  fs::path written = fs::path(path).lexically_normal();
  fs::path relative;
  for (const auto& candidate : {(importer_folder_ / written).lexically_normal(), written})
    if (inside_without_links(root_, candidate)) {
      relative = candidate;
      break;
    }
  if (relative.empty()) return value;
  auto content = read_file_prefix(root_ / relative, kMaxSettingsBytes + 1);
  if (!std::holds_alternative<std::string>(content) || std::get<std::string>(content).size() > kMaxSettingsBytes)
    return value;
  Builder builder{relative.generic_string()};
  if (written.extension() == ".toml") {
    const std::string& text = std::get<std::string>(content);
    if (deepest_dotted_key(text) > kMaxDepth + 4) return value;  // toml++ recurses per nested table
    try {
      toml::table table = toml::parse(text, relative.generic_string());
      value = builder.build(static_cast<const toml::node&>(table), "", 0);
    } catch (const toml::parse_error&) {
      // Not valid TOML: its keys stay unknown here; the TOML extractor reports the error.
    }
    return value;
  }
  YamlBudget budget;
  budget.max_depth = kMaxDepth + 4;
  budget.max_nodes = kMaxEntries * 4;
  budget.deadline = deadline_;
  auto documents = read_yaml(std::get<std::string>(content), budget);
  if (documents.stop || documents.documents.empty() || !documents.documents.front().IsMap()) return value;
  value = builder.build(documents.documents.front(), "", 0);
  return value;
}

Value ConfigFiles::environment(const std::string& key) {
  if (!dotenv_) read_dotenv();
  auto found = dotenv_->find(key);
  return found == dotenv_->end() ? Value::unknown("env") : found->second;
}

void ConfigFiles::read_dotenv() {
  dotenv_.emplace();
  if (root_.empty()) return;
  static const RE2 line_pattern(R"(^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$)");
  static const RE2 credential(R"((?i)(key|token|secret|passw|pwd|credential|auth|cookie|session|private|cert|dsn))");
  for (const auto& candidate : {(importer_folder_ / ".env").lexically_normal(), fs::path(".env")}) {
    if (!inside_without_links(root_, candidate)) continue;
    auto content = read_file_prefix(root_ / candidate, kMaxSettingsBytes + 1);
    if (!std::holds_alternative<std::string>(content) || std::get<std::string>(content).size() > kMaxSettingsBytes) continue;
    const std::string& text = std::get<std::string>(content);
    size_t start = 0, number = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string_view line(text.data() + start, end - start);
      start = end + 1;
      ++number;
      std::string name, raw;
      if (line.starts_with("#") || !RE2::FullMatch(line, line_pattern, &name, &raw)) continue;
      if (RE2::PartialMatch(name, credential) || dotenv_->contains(name)) continue;
      if (raw.size() >= 2 && (raw.front() == '"' || raw.front() == '\'') && raw.back() == raw.front())
        raw = raw.substr(1, raw.size() - 2);
      else if (auto comment = raw.find(" #"); comment != std::string::npos)
        raw = std::string(trim(raw.substr(0, comment)));
      if (raw.empty()) continue;
      Value value = Value::string(truncate_utf8(raw, 300));
      value.origin = "`" + name + "` in " + candidate.generic_string() + " (line " + std::to_string(number) + ")";
      value.overridable = true;
      dotenv_->emplace(name, std::move(value));
    }
  }
}

}  // namespace mlaudit::python
