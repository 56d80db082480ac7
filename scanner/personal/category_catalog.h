#pragma once
// The personal-data categories of personal_categories.yml: how a column or field name is
// recognised (header patterns in several languages), which value check applies, and what
// the category means in law (direct identifier, special category under GDPR Art. 9,
// criminal data under Art. 10, children under Art. 8).
#include <memory>
#include <string>
#include <string_view>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace re2 {
class RE2;
}

namespace mlaudit::personal {

enum class Recognizer {
  none, person_name, email, phone, street_address, national_id, iban, payment_card, ip_address, mac_address,
  device_id, date_of_birth, age, coordinate
};

struct Category {
  std::string id, label;
  std::string identifier;   // direct, indirect, none
  std::string article;      // art-9, art-10, art-8 or empty
  Recognizer recognizer = Recognizer::none;
  std::vector<std::unique_ptr<re2::RE2>> headers;
  std::vector<std::unique_ptr<re2::RE2>> excludes;  // names that match `headers` but mean something else
  std::unordered_set<std::string> values;  // normalised vocabulary
  size_t index = 0;                         // position in the catalog
  bool special() const { return article == "art-9"; }
};

class CategoryCatalog {
 public:
  static const CategoryCatalog& get();  // the embedded catalog, loaded once
  const std::vector<Category>& categories() const { return categories_; }
  const Category* find(std::string_view id) const;
  // The label a reader knows ("Email address" for "email"); the id itself when unknown.
  std::string label_of(std::string_view id) const;
  // Categories whose header patterns match `name` (in catalog order: the first is the best).
  std::vector<const Category*> match_name(std::string_view name) const;
  // Bit i set: the normalised value is in the vocabulary of category i (one lookup per value).
  uint64_t vocabulary_mask(const std::string& normalized_value) const;

 private:
  CategoryCatalog();
  std::vector<Category> categories_;
  std::unordered_map<std::string, uint64_t> vocabulary_;
};

// "dateOfBirth", "Date of Birth", "date-of-birth", "Geburtsdatum " -> "date_of_birth" / "geburtsdatum";
// accents folded (é -> e, ß -> ss, ł -> l).
std::string normalize_name(std::string_view name);

}  // namespace mlaudit::personal
