#pragma once
// One finding per root cause: findings of a rule with a `merge:` key that share the values
// of its `by` keys (every unpinned package of one manifest, every dvc.lock stage recording
// one mismatching file) become one finding. The first place, in file and line order, is its
// location; the others are its related locations; its severity is the highest of them.
// Suppressed findings are not merged: a suppression covers the place it was written for.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ruleset/finding.h"

namespace mlaudit {

// The values of the rule's `by` keys for this finding, joined; nullopt when the rule has no
// `merge:` or the finding lacks one of the keys (it then stands alone).
std::optional<std::string> root_cause_key(const Finding& finding);

// The same finding in identical copies of one file (a notebook copied into three folders) is
// reported once, at the first copy; the others are its related locations. `content_hash`
// gives a file's content hash, empty when unknown (never merged). `line_texts` as below.
size_t merge_identical_copies(std::vector<Finding>& findings, std::vector<std::string>& line_texts,
                              const std::function<std::string(const std::string& file)>& content_hash);

// Merges in place; `findings` must be sorted by file and line. `line_texts` holds one entry
// per finding (its first source line) and is kept in step. Returns how many findings were
// folded into another.
size_t merge_root_causes(std::vector<Finding>& findings, std::vector<std::string>& line_texts);

// A finding of a rule with `merge: into: [...]` at the same file and line as a finding of one
// of those rules (an integrity-record finding on the load a deserialization finding reports)
// becomes a related location of it, which keeps its own level (it grades the load by where the
// bytes come from). Returns how many were folded.
size_t merge_into_other_rules(std::vector<Finding>& findings, std::vector<std::string>& line_texts);

}  // namespace mlaudit
