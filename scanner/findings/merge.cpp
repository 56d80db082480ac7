#include "findings/merge.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "ruleset/predicate.h"

namespace mlaudit {
namespace {

constexpr size_t kListedValues = 5;

std::string value_text(const nlohmann::ordered_json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

const nlohmann::ordered_json* evidence_value(const Finding& finding, const std::string& key,
                                             nlohmann::ordered_json& scratch) {
  if (key == "$file") return &(scratch = finding.location.file);
  return find_path(finding.evidence, parse_key_path(key));
}

std::string formatted(const std::string& text, const nlohmann::ordered_json& values) {
  return format_message(text, [&](const KeyPath& path) { return find_path(values, path); },
                        nlohmann::ordered_json::object());
}

// "a, b, c, d, e and 3 more": the distinct values of `key` in the group, first few.
std::string listing(const std::vector<const Finding*>& group, const std::string& key) {
  std::vector<std::string> values;
  for (const Finding* finding : group) {
    nlohmann::ordered_json scratch;
    const auto* value = evidence_value(*finding, key, scratch);
    if (!value || value->is_null()) continue;
    std::string text = value_text(*value);
    if (std::find(values.begin(), values.end(), text) == values.end()) values.push_back(std::move(text));
  }
  std::string out;
  for (size_t i = 0; i < values.size() && i < kListedValues; ++i) out += (i ? ", " : "") + values[i];
  if (values.size() > kListedValues) out += " and " + std::to_string(values.size() - kListedValues) + " more";
  return out;
}

// The finding that stands for the group: the one the root cause names (`lead`), else the first.
size_t lead_of(const std::vector<const Finding*>& group) {
  const MergeSpec& spec = *group.front()->rule->merge;
  if (spec.lead.empty() || spec.by.size() != 1) return 0;
  auto is_lead = [&](const Finding* finding) {
    nlohmann::ordered_json lead_scratch, cause_scratch;
    const auto* lead = evidence_value(*finding, spec.lead, lead_scratch);
    const auto* cause = evidence_value(*finding, spec.by.front(), cause_scratch);
    return lead && cause && *lead == *cause;
  };
  auto found = std::find_if(group.begin(), group.end(), is_lead);
  return found == group.end() ? 0 : static_cast<size_t>(found - group.begin());
}

// `group` starts with its lead; the others follow in file and line order.
Finding merged(const std::vector<const Finding*>& group) {
  const Finding& first = *group.front();
  const MergeSpec& spec = *first.rule->merge;
  Finding result = first;
  result.related.clear();
  for (const Finding* member : group) result.severity = std::max(result.severity, member->severity);
  nlohmann::ordered_json values = first.evidence.is_object() ? first.evidence : nlohmann::ordered_json::object();
  values["count"] = group.size();
  if (!spec.list.empty()) values["list"] = listing(group, spec.list);
  result.message = formatted(spec.message, values);
  for (const Finding* member : group) {
    if (member != group.front())
      result.related.push_back({member->location,
                                spec.related.empty() ? member->message : formatted(spec.related, member->evidence), true});
    result.related.insert(result.related.end(), member->related.begin(), member->related.end());
  }
  if (result.evidence.is_object()) result.evidence["merged_findings"] = group.size();
  return result;
}

// Drops the findings marked `folded`, keeping `line_texts` in step.
void remove_folded(std::vector<Finding>& findings, std::vector<std::string>& line_texts, const std::vector<bool>& folded) {
  size_t kept = 0;
  for (size_t i = 0; i < findings.size(); ++i)
    if (!folded[i]) {
      if (kept != i) findings[kept] = std::move(findings[i]), line_texts[kept] = std::move(line_texts[i]);
      ++kept;
    }
  findings.resize(kept, Finding{});
  line_texts.resize(kept);
}

}  // namespace

size_t merge_identical_copies(std::vector<Finding>& findings, std::vector<std::string>& line_texts,
                              const std::function<std::string(const std::string& file)>& content_hash) {
  std::map<std::string, std::string> hashes;  // file -> content hash
  std::map<std::tuple<std::string, std::string, uint32_t, uint32_t, uint32_t, uint32_t>, size_t> first;
  std::vector<bool> folded(findings.size(), false);
  size_t count = 0;
  for (size_t i = 0; i < findings.size(); ++i) {
    Finding& finding = findings[i];
    if (finding.suppression) continue;
    const Location& at = finding.location;
    auto known = hashes.find(at.file);
    if (known == hashes.end()) known = hashes.emplace(at.file, content_hash(at.file)).first;
    if (known->second.empty()) continue;
    auto [lead, added] =
        first.try_emplace({finding.rule->id, known->second, at.line, at.column, at.end_line, at.end_column}, i);
    if (added) continue;
    Finding& kept = findings[lead->second];
    if (kept.location.file == at.file) continue;  // two findings in one file are two findings
    kept.related.push_back({at, "the same finding in an identical copy of " + kept.location.file, true});
    kept.severity = std::max(kept.severity, finding.severity);
    folded[i] = true;
    ++count;
  }
  remove_folded(findings, line_texts, folded);
  return count;
}

std::optional<std::string> root_cause_key(const Finding& finding) {
  if (!finding.rule || !finding.rule->merge || finding.rule->merge->by.empty()) return std::nullopt;
  std::string key;
  for (const auto& name : finding.rule->merge->by) {
    nlohmann::ordered_json scratch;
    const auto* value = evidence_value(finding, name, scratch);
    if (!value || value->is_null() || (value->is_string() && value->get<std::string>().empty())) return std::nullopt;
    key += name + "=" + value_text(*value) + ";";
  }
  return key;
}

size_t merge_root_causes(std::vector<Finding>& findings, std::vector<std::string>& line_texts) {
  std::map<std::pair<std::string, std::string>, std::vector<size_t>> groups;  // (rule, key) -> indices in order
  for (size_t i = 0; i < findings.size(); ++i) {
    if (findings[i].suppression) continue;
    if (auto key = root_cause_key(findings[i])) groups[{findings[i].rule->id, *key}].push_back(i);
  }
  std::vector<bool> folded(findings.size(), false);
  size_t count = 0;
  for (const auto& [cause, indices] : groups) {
    if (indices.size() < 2) continue;
    std::vector<const Finding*> group;
    for (size_t index : indices) group.push_back(&findings[index]);
    size_t lead = lead_of(group);
    std::rotate(group.begin(), group.begin() + static_cast<long>(lead), group.begin() + static_cast<long>(lead) + 1);
    Finding result = merged(group);
    findings[indices[lead]] = std::move(result);  // at the lead's place: the order stays sorted
    for (size_t k = 0; k < indices.size(); ++k) folded[indices[k]] = k != lead;
    count += indices.size() - 1;
  }
  remove_folded(findings, line_texts, folded);
  return count;
}

size_t merge_into_other_rules(std::vector<Finding>& findings, std::vector<std::string>& line_texts) {
  std::map<std::tuple<std::string, std::string, uint32_t>, size_t> by_place;  // (rule, file, line) -> first finding
  for (size_t i = 0; i < findings.size(); ++i)
    if (!findings[i].suppression)
      by_place.try_emplace({findings[i].rule->id, findings[i].location.file, findings[i].location.line}, i);
  std::vector<bool> folded(findings.size(), false);
  size_t count = 0;
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& finding = findings[i];
    if (finding.suppression || !finding.rule->merge || finding.rule->merge->into.empty()) continue;
    for (const auto& id : finding.rule->merge->into) {
      auto host = by_place.find({id, finding.location.file, finding.location.line});
      if (host == by_place.end() || folded[host->second]) continue;
      Finding& kept = findings[host->second];
      kept.related.push_back({finding.location, "also (" + finding.rule->id + "): " + finding.message, true});
      kept.related.insert(kept.related.end(), finding.related.begin(), finding.related.end());
      folded[i] = true;  // the host keeps its level: it grades the load by where the bytes come from
      ++count;
      break;
    }
  }
  remove_folded(findings, line_texts, folded);
  return count;
}

}  // namespace mlaudit
