#pragma once
// Inline suppressions: `# mlaudit: ignore[RULE-ID] reason` (or `// mlaudit: ...`) on the
// finding's line or the line above. Several ids may be listed, comma separated; an id
// may be a glob ("stride.*"). The reason is required.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlaudit {

struct InlineSuppression {
  std::vector<std::string> rule_ids;
  std::string reason;       // empty when the author gave none
  bool covers(std::string_view rule_id) const;
};

std::optional<InlineSuppression> parse_inline_suppression(std::string_view line);

}  // namespace mlaudit
