#include "ruleset/schema.h"

#include <re2/re2.h>

#include <stdexcept>

#include "util/embedded_files.h"

namespace mlaudit {
namespace {

bool is_integer(const std::string& text) {
  static const RE2 pattern(R"(^[-+]?[0-9]+$)");
  return RE2::FullMatch(text, pattern);
}

bool is_number(const std::string& text) {
  static const RE2 pattern(R"(^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$)");
  return RE2::FullMatch(text, pattern);
}

bool is_boolean(const YAML::Node& node) {
  if (!node.IsScalar() || node.Tag() == "!") return false;  // quoted scalars are strings
  const auto& text = node.Scalar();
  return text == "true" || text == "false" || text == "True" || text == "False";
}

bool has_type(const YAML::Node& value, const std::string& type) {
  if (type == "object") return value.IsMap();
  if (type == "array") return value.IsSequence();
  if (type == "null") return value.IsNull();
  if (!value.IsScalar()) return false;
  if (type == "string") return true;
  if (type == "boolean") return is_boolean(value);
  if (type == "integer") return value.Tag() != "!" && is_integer(value.Scalar());
  if (type == "number") return value.Tag() != "!" && is_number(value.Scalar());
  return false;
}

std::string describe(const YAML::Node& value) {
  if (value.IsMap()) return "a mapping";
  if (value.IsSequence()) return "a list";
  if (value.IsNull()) return "nothing";
  return "'" + value.Scalar() + "'";
}

SchemaError error_at(const YAML::Node& node, const std::string& path, std::string message) {
  SchemaError error;
  if (node && node.Mark().line >= 0) {
    error.line = node.Mark().line + 1;
    error.column = node.Mark().column + 1;
  }
  error.path = path.empty() ? "(document)" : path;
  error.message = std::move(message);
  return error;
}

}  // namespace

std::string SchemaError::to_string(const std::string& file) const {
  std::string where = file;
  if (line > 0) where += ":" + std::to_string(line) + ":" + std::to_string(column);
  return where + ": " + path + ": " + message;
}

Schema Schema::from_embedded(std::string_view path) {
  auto text = embedded_file(path);
  if (!text) throw std::logic_error("schema not embedded: " + std::string(path));
  return Schema(YAML::Load(std::string(*text)));
}

std::vector<SchemaError> Schema::validate(const YAML::Node& document) const {
  std::vector<SchemaError> errors;
  check(root_, document, "", errors, 0);
  return errors;
}

YAML::Node Schema::resolve(const YAML::Node& schema) const {
  if (!schema["$ref"]) return schema;
  std::string reference = schema["$ref"].as<std::string>();
  const std::string prefix = "#/definitions/";
  if (!reference.starts_with(prefix)) throw std::logic_error("unsupported $ref " + reference);
  YAML::Node target = root_["definitions"][reference.substr(prefix.size())];
  if (!target) throw std::logic_error("unknown $ref " + reference);
  return target;
}

void Schema::check(const YAML::Node& schema_node, const YAML::Node& value, const std::string& path,
                   std::vector<SchemaError>& errors, int depth) const {
  if (depth > 64) return;
  YAML::Node schema = resolve(schema_node);

  if (auto any_of = schema["anyOf"]) {
    std::vector<SchemaError> best;
    bool first = true;
    for (const auto& option : any_of) {
      std::vector<SchemaError> attempt;
      check(option, value, path, attempt, depth + 1);
      if (attempt.empty()) return;
      if (first || attempt.size() < best.size()) best = std::move(attempt);
      first = false;
    }
    errors.insert(errors.end(), best.begin(), best.end());
    return;
  }

  if (auto type = schema["type"]) {
    bool matched = false;
    std::string expected;
    if (type.IsSequence()) {
      for (const auto& option : type) {
        matched = matched || has_type(value, option.as<std::string>());
        expected += (expected.empty() ? "" : " or ") + option.as<std::string>();
      }
    } else {
      expected = type.as<std::string>();
      matched = has_type(value, expected);
    }
    if (!matched) {
      errors.push_back(error_at(value, path, "expected " + expected + ", found " + describe(value)));
      return;
    }
  }

  if (auto allowed = schema["enum"]; allowed && value.IsScalar()) {
    bool found = false;
    std::string listing;
    for (const auto& option : allowed) {
      found = found || option.as<std::string>() == value.Scalar();
      listing += (listing.empty() ? "" : ", ") + option.as<std::string>();
    }
    if (!found) errors.push_back(error_at(value, path, "'" + value.Scalar() + "' is not one of: " + listing));
  }
  if (auto pattern = schema["pattern"]; pattern && value.IsScalar()) {
    RE2 regex(pattern.as<std::string>());
    if (!RE2::PartialMatch(value.Scalar(), regex))
      errors.push_back(error_at(value, path, "'" + value.Scalar() + "' does not match " + pattern.as<std::string>()));
  }
  if (value.IsScalar() && (schema["minimum"] || schema["maximum"]) && is_number(value.Scalar())) {
    double number = std::stod(value.Scalar());
    if (schema["minimum"] && number < schema["minimum"].as<double>())
      errors.push_back(error_at(value, path, "must be at least " + schema["minimum"].as<std::string>()));
    if (schema["maximum"] && number > schema["maximum"].as<double>())
      errors.push_back(error_at(value, path, "must be at most " + schema["maximum"].as<std::string>()));
  }

  if (value.IsSequence()) {
    if (schema["minItems"] && value.size() < schema["minItems"].as<size_t>())
      errors.push_back(error_at(value, path, "needs at least " + schema["minItems"].as<std::string>() + " item(s)"));
    if (schema["maxItems"] && value.size() > schema["maxItems"].as<size_t>())
      errors.push_back(error_at(value, path, "allows at most " + schema["maxItems"].as<std::string>() + " item(s)"));
    if (auto items = schema["items"]) {
      size_t index = 0;
      for (const auto& item : value) check(items, item, path + "[" + std::to_string(index++) + "]", errors, depth + 1);
    }
  }

  if (value.IsMap()) {
    if (schema["minProperties"] && value.size() < schema["minProperties"].as<size_t>())
      errors.push_back(error_at(value, path, "needs at least " + schema["minProperties"].as<std::string>() + " key(s)"));
    if (schema["maxProperties"] && value.size() > schema["maxProperties"].as<size_t>())
      errors.push_back(error_at(value, path, "allows only " + schema["maxProperties"].as<std::string>() +
                                                 " of its keys at a time"));
    if (auto required = schema["required"]) {
      for (const auto& key : required)
        if (!value[key.as<std::string>()])
          errors.push_back(error_at(value, path, "missing required key '" + key.as<std::string>() + "'"));
    }
    YAML::Node properties = schema["properties"];
    YAML::Node additional = schema["additionalProperties"];
    for (const auto& entry : value) {
      std::string key = entry.first.Scalar();
      std::string child_path = path.empty() ? key : path + "." + key;
      if (properties && properties[key]) {
        check(properties[key], entry.second, child_path, errors, depth + 1);
      } else if (additional && additional.IsScalar() && additional.as<std::string>() == "false") {
        std::string known;
        if (properties)
          for (const auto& property : properties) known += (known.empty() ? "" : ", ") + property.first.Scalar();
        errors.push_back(error_at(entry.first, child_path, "unknown key '" + key + "'" +
                                                               (known.empty() ? "" : " (expected one of: " + known + ")")));
      } else if (additional && additional.IsMap()) {
        check(additional, entry.second, child_path, errors, depth + 1);
      }
    }
  }
}

}  // namespace mlaudit
