#pragma once
// Classifies one column of a dataset (or one field) by its name and by the values it
// holds. Memory is bounded: counters per candidate category and one masked example each,
// whatever the number of rows.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "personal/category_catalog.h"

namespace mlaudit::personal {

struct ColumnVerdict {
  const Category* category = nullptr;
  std::string confidence;          // high, medium, low
  std::string source;              // name, values, name+values
  uint64_t checked = 0;            // non-empty values examined
  uint64_t matched = 0;            // values that passed the category's check
  std::string example;             // masked
  std::string detail;              // e.g. the national-id scheme, "ages under 16"
};

class ColumnProfiler {
 public:
  explicit ColumnProfiler(std::string name);
  void add(std::string_view value);
  // The categories this column holds, best first (empty when none).
  std::vector<ColumnVerdict> verdicts() const;
  // Categories the name suggests but the values refute (a `telephone` of yes/no): the column
  // is a look-alike of these, and so is the same name where code uses it.
  std::vector<const Category*> look_alikes() const;
  const std::string& name() const { return name_; }
  uint64_t values() const { return non_empty_; }

 private:
  struct Candidate {
    const Category* category;
    bool named;                   // the column's name suggests it
    bool settled = false;         // after the settling window: matched by shape alone
    bool dropped = false;         // after the settling window: hopeless, no longer checked
    uint64_t matched = 0;
    uint64_t children = 0;        // ages or birth dates under 16
    std::string example, detail;
  };
  void settle();
  // A named candidate's values: confirm the name, refute it (a look-alike), or neither.
  enum class NameCheck { confirmed, refuted, unchecked };
  NameCheck check_name(const Candidate& candidate) const;

  std::string name_;
  std::vector<Candidate> candidates_;
  uint64_t non_empty_ = 0;
  uint64_t letter_codes_ = 0;     // values of at most four letters and nothing else (Grvl, Pave)
  uint64_t small_numbers_ = 0;    // plain numbers of at most four digits (0, 1961, 80.0)
  bool has_vocabulary_ = false;   // a vocabulary candidate is still being checked
  bool active_ = true;            // some candidate is still being checked
  std::string key_;               // reused buffer for the normalised value
};

}  // namespace mlaudit::personal
