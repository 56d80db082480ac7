#pragma once
// Validates YAML documents (rule files, .mlaudit.yml) against a schema written in a
// subset of JSON Schema: type, properties, required, additionalProperties, items,
// enum, pattern, minItems/maxItems, minProperties/maxProperties, minimum/maximum,
// anyOf and $ref to #/definitions/NAME. Errors carry line and column.
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace mlaudit {

struct SchemaError {
  int line = 0;          // 1-based; 0 when unknown
  int column = 0;
  std::string path;      // "match.call.callee[2]"
  std::string message;
  std::string to_string(const std::string& file) const;
};

class Schema {
 public:
  explicit Schema(YAML::Node root) : root_(std::move(root)) {}
  static Schema from_embedded(std::string_view path);

  std::vector<SchemaError> validate(const YAML::Node& document) const;

 private:
  void check(const YAML::Node& schema, const YAML::Node& value, const std::string& path,
             std::vector<SchemaError>& errors, int depth) const;
  YAML::Node resolve(const YAML::Node& schema) const;
  YAML::Node root_;
};

}  // namespace mlaudit
