#include "pep440/specifier.h"

#include <algorithm>

#include "util/text.h"

namespace mlaudit::pep440 {
namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// packaging's _version_split: dot-separated parts, with "1rc2" split into "1", "rc2".
std::vector<std::string> version_split(std::string_view version) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = version.find('.', start);
    std::string_view item = version.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    // ^([0-9]+)((?:a|b|c|rc)[0-9]+)$
    size_t digits = 0;
    while (digits < item.size() && item[digits] >= '0' && item[digits] <= '9') ++digits;
    std::string_view rest = item.substr(digits);
    size_t letters = rest.starts_with("rc") ? 2 : (!rest.empty() && (rest[0] == 'a' || rest[0] == 'b' || rest[0] == 'c')) ? 1 : 0;
    if (digits > 0 && letters > 0 && all_digits(rest.substr(letters))) {
      parts.emplace_back(item.substr(0, digits));
      parts.emplace_back(rest);
    } else {
      parts.emplace_back(item);
    }
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

bool is_not_suffix(const std::string& segment) {
  for (std::string_view prefix : {"dev", "a", "b", "rc", "post"})
    if (segment.starts_with(prefix)) return false;
  return true;
}

bool is_decimal(const std::string& text) { return all_digits(text); }

// packaging's _pad_version, left side only: the release part of `left` padded with "0"s
// to the length of `right`'s release part.
std::vector<std::string> pad_left(const std::vector<std::string>& left, const std::vector<std::string>& right) {
  size_t left_release = 0, right_release = 0;
  while (left_release < left.size() && is_decimal(left[left_release])) ++left_release;
  while (right_release < right.size() && is_decimal(right[right_release])) ++right_release;
  std::vector<std::string> padded(left.begin(), left.begin() + static_cast<long>(left_release));
  for (size_t i = left_release; i < right_release; ++i) padded.emplace_back("0");
  padded.insert(padded.end(), left.begin() + static_cast<long>(left_release), left.end());
  return padded;
}

// canonicalize_version(..., strip_trailing_zero=False): the normalised form.
std::string canonical_keep_zeros(std::string_view text) { return normalise(text); }

bool prefix_match(const Version& candidate, std::string_view prefix_spec) {
  std::vector<std::string> spec_parts = version_split(canonical_keep_zeros(prefix_spec));
  std::vector<std::string> candidate_parts = version_split(canonicalize_version(candidate.public_version().str()));
  std::vector<std::string> padded = pad_left(candidate_parts, spec_parts);
  if (padded.size() > spec_parts.size()) padded.resize(spec_parts.size());
  return padded == spec_parts;
}

bool equal(const Version& candidate, const std::string& spec) {
  if (spec.ends_with(".*")) return prefix_match(candidate, std::string_view(spec).substr(0, spec.size() - 2));
  auto spec_version = Version::parse(spec);
  if (!spec_version) return false;
  if (!spec_version->has_local()) return candidate.public_version() == *spec_version;
  return candidate == *spec_version;
}

bool compatible(const Version& candidate, const std::string& spec) {
  std::vector<std::string> parts = version_split(spec);
  std::vector<std::string> kept;
  for (const auto& part : parts) {
    if (!is_not_suffix(part)) break;
    kept.push_back(part);
  }
  if (!kept.empty()) kept.pop_back();
  std::string prefix;
  for (size_t i = 0; i < kept.size(); ++i) prefix += (i ? "." : "") + kept[i];
  prefix += ".*";
  auto spec_version = Version::parse(spec);
  return spec_version && candidate.public_version() >= *spec_version && equal(candidate, prefix);
}

// The operator at the start of `text` (longest first, as the regular expression's
// backtracking ends up choosing when "===" is followed by a version).
std::optional<std::pair<Operator, size_t>> read_operator(std::string_view text) {
  static const std::pair<std::string_view, Operator> table[] = {
      {"===", Operator::arbitrary}, {"~=", Operator::compatible}, {"==", Operator::equal},
      {"!=", Operator::not_equal},  {"<=", Operator::less_equal}, {">=", Operator::greater_equal},
      {"<", Operator::less},        {">", Operator::greater}};
  for (const auto& [token, op] : table)
    if (text.starts_with(token)) return std::make_pair(op, token.size());
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Operator op) {
  switch (op) {
    case Operator::compatible: return "~=";
    case Operator::equal: return "==";
    case Operator::not_equal: return "!=";
    case Operator::less_equal: return "<=";
    case Operator::greater_equal: return ">=";
    case Operator::less: return "<";
    case Operator::greater: return ">";
    case Operator::arbitrary: return "===";
  }
  return "==";
}

std::optional<Specifier> Specifier::parse(std::string_view text) {
  text = trim(text);
  auto op = read_operator(text);
  if (!op) return std::nullopt;
  Specifier specifier;
  specifier.op_ = op->first;
  std::string_view version = trim(text.substr(op->second));
  if (specifier.op_ == Operator::arbitrary) {
    // "===" takes anything up to whitespace, ';' or ')'.
    if (version.find_first_of(" \t\n\r\f\v;)") != std::string_view::npos) return std::nullopt;
    specifier.version_ = std::string(version);
    return specifier;
  }
  // A "==3" written "== 3" is fine; "==3 .0" is not a version.
  if (version.empty()) return std::nullopt;
  bool equality = specifier.op_ == Operator::equal || specifier.op_ == Operator::not_equal;
  if (equality && version.ends_with(".*")) {
    // Only a release (with optional v and epoch) may carry a wildcard.
    std::string_view release = version.substr(0, version.size() - 2);
    auto parsed = Version::parse(release);
    if (!parsed || parsed->pre() || parsed->post() || parsed->dev() || parsed->has_local() ||
        trim(release).size() != release.size())
      return std::nullopt;
    specifier.version_ = std::string(version);
    specifier.wildcard_ = true;
    return specifier;
  }
  auto parsed = Version::parse(version);
  if (!parsed) return std::nullopt;
  if (parsed->has_local() && !equality) return std::nullopt;
  if (specifier.op_ == Operator::compatible && parsed->release().size() < 2) return std::nullopt;
  specifier.version_ = std::string(version);
  specifier.parsed_ = std::move(parsed);
  return specifier;
}

bool Specifier::allows_prereleases() const {
  switch (op_) {
    case Operator::equal:
    case Operator::greater_equal:
    case Operator::less_equal:
    case Operator::compatible:
    case Operator::arbitrary: {
      std::string_view text = version_;
      if (op_ == Operator::equal && text.ends_with(".*")) text.remove_suffix(2);
      auto version = Version::parse(text);
      return version && version->is_prerelease();
    }
    default: return false;
  }
}

bool Specifier::contains(const Version& candidate, std::optional<bool> prereleases) const {
  bool allow = prereleases.value_or(allows_prereleases());
  if (candidate.is_prerelease() && !allow) return false;
  switch (op_) {
    case Operator::compatible: return compatible(candidate, version_);
    case Operator::equal: return equal(candidate, version_);
    case Operator::not_equal: return !equal(candidate, version_);
    case Operator::less_equal: return candidate.public_version() <= *parsed_;
    case Operator::greater_equal: return candidate.public_version() >= *parsed_;
    case Operator::less: {
      const Version& spec = *parsed_;
      if (!(candidate < spec)) return false;
      // <3.1 does not match 3.1.dev0 (but matches 3.0.dev0).
      if (!spec.is_prerelease() && candidate.is_prerelease() && candidate.base_version() == spec.base_version())
        return false;
      return true;
    }
    case Operator::greater: {
      const Version& spec = *parsed_;
      if (!(candidate > spec)) return false;
      // >3.1 does not match 3.1.post0, nor 3.1+local.
      if (!spec.is_postrelease() && candidate.is_postrelease() && candidate.base_version() == spec.base_version())
        return false;
      if (candidate.has_local() && candidate.base_version() == spec.base_version()) return false;
      return true;
    }
    case Operator::arbitrary: {
      std::string left = candidate.str(), right = version_;
      std::transform(left.begin(), left.end(), left.begin(), [](unsigned char c) { return std::tolower(c); });
      std::transform(right.begin(), right.end(), right.begin(), [](unsigned char c) { return std::tolower(c); });
      return left == right;
    }
  }
  return false;
}

std::optional<SpecifierSet> SpecifierSet::parse(std::string_view text) {
  SpecifierSet set;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view part = trim(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (!part.empty()) {
      auto specifier = Specifier::parse(part);
      if (!specifier) return std::nullopt;
      set.specifiers_.push_back(std::move(*specifier));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return set;
}

std::optional<bool> SpecifierSet::prereleases() const {
  if (specifiers_.empty()) return std::nullopt;
  return std::any_of(specifiers_.begin(), specifiers_.end(), [](const Specifier& s) { return s.allows_prereleases(); });
}

bool SpecifierSet::contains(const Version& candidate, std::optional<bool> prereleases) const {
  if (!prereleases) prereleases = this->prereleases();
  if (!prereleases.value_or(false) && candidate.is_prerelease()) return false;
  return std::all_of(specifiers_.begin(), specifiers_.end(),
                     [&](const Specifier& s) { return s.contains(candidate, prereleases); });
}

std::optional<Version> SpecifierSet::pinned_version() const {
  if (specifiers_.size() != 1) return std::nullopt;
  const Specifier& only = specifiers_.front();
  if (only.op() == Operator::equal && !only.wildcard()) return only.version();
  if (only.op() == Operator::arbitrary) return Version::parse(only.version_text());
  return std::nullopt;
}

std::string SpecifierSet::str() const {
  std::string text;
  for (const auto& specifier : specifiers_) text += (text.empty() ? "" : ",") + specifier.str();
  return text;
}

}  // namespace mlaudit::pep440
