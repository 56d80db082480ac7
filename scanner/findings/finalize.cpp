#include "findings/finalize.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "crypto/sha256.h"
#include "util/code_context.h"
#include "findings/fingerprint.h"
#include "findings/merge.h"
#include "findings/redaction.h"
#include "findings/suppression.h"
#include "util/file_io.h"
#include "util/text.h"

namespace mlaudit {
namespace {

constexpr uint64_t kSourceLimit = 32ull << 20;

// File contents split into lines, read once per file that has findings.
class SourceCache {
 public:
  SourceCache(std::filesystem::path root, const FileIndex& files, const std::vector<Finding>& findings)
      : root_(std::move(root)) {
    for (const auto& file : files) text_files_[file.path] = file.text;
    for (const auto& finding : findings) {  // line hashes are needed up to the last finding of a file
      size_t& last = last_lines_[finding.location.file];
      last = std::max<size_t>(last, finding.location.line);
    }
  }

  struct Source {
    std::string content;
    std::vector<std::string_view> lines;
    std::vector<std::string> line_hashes;
    std::string content_hash;  // SHA-256 of the content: identical copies share it
  };

  const Source* get(const std::string& file) {
    auto cached = sources_.find(file);
    if (cached != sources_.end()) return cached->second ? &*cached->second : nullptr;
    auto& slot = sources_[file];
    auto known = text_files_.find(file);
    if (known == text_files_.end() || !known->second) return nullptr;
    auto content = read_whole_file(root_ / file, kSourceLimit);
    if (!std::holds_alternative<std::string>(content)) return nullptr;
    slot.emplace();
    slot->content = std::move(std::get<std::string>(content));
    slot->lines = split_lines(slot->content);
    if (size_t last = last_lines_[file]) slot->line_hashes = github_line_hashes(slot->content, last);
    slot->content_hash = sha256_hex(slot->content);
    return &*slot;
  }

 private:
  std::filesystem::path root_;
  std::unordered_map<std::string, bool> text_files_;
  std::unordered_map<std::string, size_t> last_lines_;
  std::unordered_map<std::string, std::optional<Source>> sources_;
};

// Tests, examples, docs and proof-of-concept code do not ship: a hygiene or flow finding
// there is one level less urgent. The finding says so (message and evidence), so a reader
// can tell the level was lowered and why.
void lower_outside_production(Finding& finding) {
  if (!finding.rule->lower_outside_production || finding.severity == Severity::info) return;
  CodeContext context = code_context_of(finding.location.file);
  if (context == CodeContext::production) return;
  Severity original = finding.severity;
  finding.severity = static_cast<Severity>(static_cast<int>(original) - 1);
  std::string because = std::string(to_string(context)) + " code";
  finding.evidence["severity_lowered"] = {{"from", std::string(to_string(original))}, {"because", because}};
  finding.message += " Lowered from " + std::string(to_string(original)) + " to " +
                     std::string(to_string(finding.severity)) + ": " + because + ", not shipped.";
}

auto sort_key(const Finding& finding) {
  return std::tie(finding.location.file, finding.location.line, finding.location.column, finding.rule->id,
                  finding.subject);
}

}  // namespace

FinalizeReport finalize_findings(std::vector<Finding>& findings, const std::filesystem::path& root,
                                 const std::vector<Fact>& facts, const FileIndex& files, const FinalizeOptions& options) {
  FinalizeReport report;
  for (auto& finding : findings) lower_outside_production(finding);
  for (auto& finding : findings)
    if (auto override = options.severity_overrides.find(finding.rule->id); override != options.severity_overrides.end())
      finding.severity = override->second;

  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) { return sort_key(a) < sort_key(b); });
  findings.erase(std::unique(findings.begin(), findings.end(),
                             [](const Finding& a, const Finding& b) { return sort_key(a) == sort_key(b); }),
                 findings.end());

  // A rule that supersedes another replaces its findings on the same line.
  std::set<std::tuple<std::string, std::string, uint32_t>> superseding;  // (superseded id, file, line)
  for (const auto& finding : findings)
    for (const auto& id : finding.rule->supersedes)
      superseding.emplace(id, finding.location.file, finding.location.line);
  size_t before = findings.size();
  std::erase_if(findings, [&](const Finding& finding) {
    return superseding.contains({finding.rule->id, finding.location.file, finding.location.line});
  });
  report.superseded = before - findings.size();

  SourceCache sources(root, files, findings);
  Redactor redactor(facts);
  std::map<std::tuple<std::string, std::string, std::string, std::string>, int> occurrences;
  std::set<std::pair<std::string, uint32_t>> reported_bad_suppressions;
  std::vector<std::string> first_lines;  // each finding's first source line, for its fingerprint
  first_lines.reserve(findings.size());
  for (auto& finding : findings) {
    const Location& at = finding.location;
    const SourceCache::Source* source = at.has_region() ? sources.get(at.file) : nullptr;
    std::string first_line;
    if (source && at.line <= source->lines.size()) {
      uint32_t last = std::min<uint32_t>(std::max(at.end_line, at.line), at.line + 2);
      last = std::min<uint32_t>(last, static_cast<uint32_t>(source->lines.size()));
      for (uint32_t line = at.line; line <= last; ++line) {
        if (line > at.line) finding.snippet += "\n";
        finding.snippet += redactor.redact_line(at.file, line, truncate_utf8(source->lines[line - 1], 400));
      }
      first_line = std::string(source->lines[at.line - 1]);
      if (at.line <= source->line_hashes.size()) finding.line_hash = source->line_hashes[at.line - 1];
      // An ignore comment on the line itself or on the line above.
      for (uint32_t line : {at.line, at.line - 1}) {
        if (line == 0 || line > source->lines.size()) continue;
        auto suppression = parse_inline_suppression(source->lines[line - 1]);
        if (!suppression || !suppression->covers(finding.rule->id)) continue;
        if (suppression->reason.empty()) {
          if (reported_bad_suppressions.emplace(at.file, line).second)
            report.diagnostics.push_back({DiagnosticLevel::warning, "suppression-without-reason", Location{at.file, line, 1},
                                          "`mlaudit: ignore[...]` needs a reason after the bracket; this suppression "
                                          "was not applied"});
          continue;
        }
        finding.suppression = Suppression{"inSource", suppression->reason, Location{at.file, line, 1}};
        break;
      }
    }
    first_lines.push_back(std::move(first_line));
  }

  report.merged = merge_identical_copies(findings, first_lines, [&](const std::string& file) {
    const SourceCache::Source* source = sources.get(file);
    return source ? source->content_hash : std::string();
  });
  report.merged += merge_root_causes(findings, first_lines);
  report.merged += merge_into_other_rules(findings, first_lines);
  for (size_t i = 0; i < findings.size(); ++i) {
    Finding& finding = findings[i];
    finding.message = Redactor::redact_text(finding.message);
    Redactor::redact_json(finding.evidence);
    for (auto& related : finding.related) related.message = Redactor::redact_text(related.message);
    // A finding that stands for a root cause is named by it, not by its first line: the
    // merged finding keeps its fingerprint when the packages or stages it lists change. A
    // suppressed one stands for its own line only.
    std::string line_text = first_lines[i], subject = finding.subject;
    if (auto cause = root_cause_key(finding); cause && !finding.suppression)
      line_text.clear(), subject = "root-cause:" + *cause;
    int& occurrence = occurrences[{finding.rule->id, finding.location.file, line_text, subject}];
    finding.fingerprint = finding_fingerprint(finding.rule->id, finding.location.file, line_text, subject, occurrence++);
  }

  if (options.baseline) {
    size_t count = findings.size();
    std::erase_if(findings, [&](const Finding& finding) {
      return options.baseline->contains(finding.fingerprint, finding.rule->id, finding.location.file, finding.line_hash);
    });
    report.in_baseline = count - findings.size();
  }
  return report;
}

}  // namespace mlaudit
