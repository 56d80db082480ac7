#include "personal/category_catalog.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <stdexcept>

#include "util/embedded_files.h"

namespace mlaudit::personal {
namespace {

Recognizer recognizer_named(const std::string& name) {
  static const std::pair<const char*, Recognizer> names[] = {
      {"person-name", Recognizer::person_name}, {"email", Recognizer::email},
      {"phone", Recognizer::phone},             {"street-address", Recognizer::street_address},
      {"national-id", Recognizer::national_id}, {"iban", Recognizer::iban},
      {"payment-card", Recognizer::payment_card}, {"ip-address", Recognizer::ip_address},
      {"mac-address", Recognizer::mac_address}, {"device-id", Recognizer::device_id},
      {"date-of-birth", Recognizer::date_of_birth}, {"age", Recognizer::age},
      {"coordinate", Recognizer::coordinate}};
  for (const auto& [text, recognizer] : names)
    if (name == text) return recognizer;
  throw std::logic_error("personal_categories.yml: unknown recognizer '" + name + "'");
}

// Two-byte UTF-8 Latin letters folded to ASCII.
std::string_view fold(unsigned char lead, unsigned char next) {
  uint32_t code = ((lead & 0x1F) << 6) | (next & 0x3F);
  if (code == 0xDF) return "ss";
  if (code >= 0xC0 && code <= 0xC5) return "a";
  if (code >= 0xE0 && code <= 0xE5) return "a";
  if (code == 0xC4 || code == 0xE4) return "ae";
  if (code == 0xD6 || code == 0xF6) return "oe";
  if (code == 0xDC || code == 0xFC) return "ue";
  if (code == 0xC7 || code == 0xE7) return "c";
  if ((code >= 0xC8 && code <= 0xCB) || (code >= 0xE8 && code <= 0xEB)) return "e";
  if ((code >= 0xCC && code <= 0xCF) || (code >= 0xEC && code <= 0xEF)) return "i";
  if (code == 0xD1 || code == 0xF1) return "n";
  if ((code >= 0xD2 && code <= 0xD8) || (code >= 0xF2 && code <= 0xF8)) return "o";
  if ((code >= 0xD9 && code <= 0xDB) || (code >= 0xF9 && code <= 0xFB)) return "u";
  if (code == 0xDD || code == 0xFD || code == 0xFF) return "y";
  if (code == 0x141 || code == 0x142) return "l";
  if (code == 0x104 || code == 0x105) return "a";
  if (code == 0x118 || code == 0x119) return "e";
  if (code == 0x106 || code == 0x107) return "c";
  if (code == 0x143 || code == 0x144) return "n";
  if (code == 0x15A || code == 0x15B) return "s";
  if (code >= 0x179 && code <= 0x17E) return "z";
  return "";
}

}  // namespace

std::string normalize_name(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 4);
  auto separator = [&] {
    if (!out.empty() && out.back() != '_') out += '_';
  };
  for (size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (c >= 'A' && c <= 'Z') {
      // camelCase: a capital after a lower-case letter or digit starts a word
      if (i > 0 && ((name[i - 1] >= 'a' && name[i - 1] <= 'z') || (name[i - 1] >= '0' && name[i - 1] <= '9'))) separator();
      out += static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out += static_cast<char>(c);
    } else if (c >= 0xC0 && c < 0xE0 && i + 1 < name.size()) {
      std::string_view folded = fold(c, static_cast<unsigned char>(name[i + 1]));
      if (folded.empty()) separator();
      else out += folded;
      ++i;
    } else {
      separator();
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

CategoryCatalog::CategoryCatalog() {
  auto text = embedded_file("scanner/personal/personal_categories.yml");
  if (!text) throw std::logic_error("personal_categories.yml is not embedded");
  YAML::Node document = YAML::Load(std::string(*text));
  for (const auto& node : document["categories"]) {
    Category category;
    category.id = node["id"].as<std::string>();
    category.label = node["label"].as<std::string>();
    category.identifier = node["identifier"].as<std::string>("none");
    category.article = node["article"].as<std::string>("");
    if (node["recognizer"]) category.recognizer = recognizer_named(node["recognizer"].as<std::string>());
    for (const auto& pattern : node["headers"]) {
      auto regex = std::make_unique<re2::RE2>(pattern.as<std::string>());
      if (!regex->ok()) throw std::logic_error("personal_categories.yml: " + category.id + ": " + regex->error());
      category.headers.push_back(std::move(regex));
    }
    for (const auto& pattern : node["exclude"]) {
      auto regex = std::make_unique<re2::RE2>(pattern.as<std::string>());
      if (!regex->ok()) throw std::logic_error("personal_categories.yml: " + category.id + ": " + regex->error());
      category.excludes.push_back(std::move(regex));
    }
    for (const auto& value : node["values"]) category.values.insert(normalize_name(value.as<std::string>()));
    category.index = categories_.size();
    categories_.push_back(std::move(category));
  }
  if (categories_.size() > 64) throw std::logic_error("personal_categories.yml: more than 64 categories");
  for (const auto& category : categories_)
    for (const auto& value : category.values) vocabulary_[value] |= uint64_t{1} << category.index;
}

const CategoryCatalog& CategoryCatalog::get() {
  static const CategoryCatalog catalog;
  return catalog;
}

uint64_t CategoryCatalog::vocabulary_mask(const std::string& normalized_value) const {
  auto found = vocabulary_.find(normalized_value);
  return found == vocabulary_.end() ? 0 : found->second;
}

const Category* CategoryCatalog::find(std::string_view id) const {
  for (const auto& category : categories_)
    if (category.id == id) return &category;
  return nullptr;
}

std::string CategoryCatalog::label_of(std::string_view id) const {
  const Category* category = find(id);
  return category ? category->label : std::string(id);
}

std::vector<const Category*> CategoryCatalog::match_name(std::string_view name) const {
  std::vector<const Category*> matched;
  std::string normalized = normalize_name(name);
  if (normalized.empty()) return matched;
  for (const auto& category : categories_) {
    bool excluded = std::any_of(category.excludes.begin(), category.excludes.end(),
                                [&](const auto& exclude) { return RE2::PartialMatch(normalized, *exclude); });
    if (excluded) continue;
    for (const auto& header : category.headers)
      if (RE2::PartialMatch(normalized, *header)) {
        matched.push_back(&category);
        break;
      }
  }
  return matched;
}

}  // namespace mlaudit::personal
