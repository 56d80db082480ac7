#pragma once
// Fingerprints that keep a finding's identity across runs.
#include <string>
#include <string_view>
#include <vector>

namespace mlaudit {

// GitHub code scanning's primaryLocationLineHash for every line of `content`
// (codeql-action src/fingerprints.ts: a rolling hash over the next 100 non-blank
// characters from each line start, with a per-value occurrence counter). Index 0 is line 1.
// With `last_line`, hashing stops once lines 1..last_line are known (same values: a
// line's hash depends only on what precedes it and the 100 characters after its start).
std::vector<std::string> github_line_hashes(std::string_view content, size_t last_line = 0);

// mlaudit's own fingerprint: rule, file, the primary line's text with whitespace removed,
// what matched (element or path ids) and the occurrence number among identical keys.
// It survives edits that only move the finding to another line.
std::string finding_fingerprint(std::string_view rule_id, std::string_view file, std::string_view line_text,
                                std::string_view subject, int occurrence);

}  // namespace mlaudit
