#include "extract/xml/xml_extractor.h"

#include <re2/re2.h>

#include <algorithm>
#include <pugixml.hpp>

#include "crypto/sha256.h"

namespace mlaudit {
namespace {

// 1-based line of a byte offset.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    for (size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') newlines_.push_back(i);
  }
  uint32_t line_of(ptrdiff_t offset) const {
    if (offset < 0) return 1;
    auto before = std::lower_bound(newlines_.begin(), newlines_.end(), static_cast<size_t>(offset));
    return static_cast<uint32_t>(before - newlines_.begin()) + 1;
  }

 private:
  std::vector<size_t> newlines_;
};

void report_doctype(const pugi::xml_node& doctype, const LineIndex& lines, const std::string& path, FactSink& sink) {
  // pugixml keeps the DOCTYPE's text without interpreting it; the declarations are read here.
  static const RE2 entity(R"(<!ENTITY\s+(%\s+)?([^\s>]+)\s+(SYSTEM|PUBLIC)?\s*("[^"]*"|'[^']*'))");
  static const RE2 external_dtd(R"(^\s*[^\s\[]+\s+(SYSTEM|PUBLIC)\s)");
  std::string text = doctype.value();
  re2::StringPiece input(text);
  std::string percent, name, keyword, value;
  size_t entities = 0, external = 0, nested = 0;
  nlohmann::ordered_json names = nlohmann::ordered_json::array();
  while (RE2::FindAndConsume(&input, entity, &percent, &name, &keyword, &value)) {
    ++entities;
    if (!keyword.empty()) ++external;
    if (value.find('&') != std::string::npos || !percent.empty()) ++nested;
    if (names.size() < 10) names.push_back(name);
  }
  bool external_subset = RE2::PartialMatch(text, external_dtd);
  if (entities == 0 && !external_subset) return;
  std::string risk = external || external_subset ? "external" : nested ? "expansion" : "internal";
  sink.add(FactType::xml_doctype, Location{path, lines.line_of(doctype.offset_debug()), 1},
           {{"entities", entities},
            {"external_entities", external},
            {"nested_entities", nested},
            {"external_dtd", external_subset},
            {"names", names},
            {"risk", risk},
            {"summary", std::to_string(entities) + " entity declaration(s)" +
                            (external ? ", " + std::to_string(external) + " external (SYSTEM/PUBLIC)" : std::string()) +
                            (nested ? ", " + std::to_string(nested) + " referring to other entities" : std::string()) +
                            (external_subset ? ", an external DTD" : std::string())}});
}

void report_pmml(const pugi::xml_node& root, const LineIndex& lines, const FileContext& file, FactSink& sink) {
  const std::string& path = file.file.relative;
  nlohmann::ordered_json fields = nlohmann::ordered_json::array();
  for (const auto& field : root.child("DataDictionary").children("DataField")) {
    std::string name = field.attribute("name").value();
    fields.push_back(name);
    sink.add(FactType::pmml_field, Location{path, lines.line_of(field.offset_debug()), 1},
             {{"name", name},
              {"optype", field.attribute("optype").value()},
              {"data_type", field.attribute("dataType").value()},
              {"values", static_cast<int>(std::distance(field.children("Value").begin(), field.children("Value").end()))}});
  }
  nlohmann::ordered_json models = nlohmann::ordered_json::array();
  for (const auto& child : root.children()) {
    std::string_view element = child.name();
    if (element.ends_with("Model") || element == "MiningModel" || element == "Scorecard") models.push_back(element);
  }
  std::string version = root.attribute("version").value();
  std::string detail = "PMML " + version;
  for (const auto& model : models) detail += ", " + model.get<std::string>();
  detail += ", " + std::to_string(fields.size()) + " data fields";
  sink.add(FactType::model_artifact, Location{path},
           {{"format", "pmml"},
            {"detail", detail},
            {"pickle_based", false},
            {"size", file.file.size},
            {"sha256", sha256_hex(file.content)},
            {"pickles", 0},
            {"pickle_opcodes", 0},
            {"globals", nlohmann::ordered_json::array()},
            {"members", nlohmann::ordered_json::array()},
            {"fields", fields},
            {"model_types", models}});
}

}  // namespace

void XmlExtractor::extract(const FileContext& file, FactSink& sink) const {
  const std::string& path = file.file.relative;
  pugi::xml_document document;
  // parse_doctype keeps the DOCTYPE as a node; pugixml expands only the five predefined entities.
  pugi::xml_parse_result parsed =
      document.load_buffer(file.content.data(), file.content.size(), pugi::parse_default | pugi::parse_doctype);
  LineIndex lines(file.content);
  if (!parsed) {
    sink.diagnose(DiagnosticLevel::warning, "malformed-xml", Location{path, lines.line_of(parsed.offset), 1},
                  std::string("not well-formed XML: ") + parsed.description());
    // An entity declaration is still worth reporting when the rest does not parse.
    if (file.content.find("<!ENTITY") == std::string_view::npos) return;
  }
  for (const auto& node : document.children())
    if (node.type() == pugi::node_doctype) report_doctype(node, lines, path, sink);
  pugi::xml_node root = document.document_element();
  if (std::string_view(root.name()) == "PMML") report_pmml(root, lines, file, sink);
}

}  // namespace mlaudit
