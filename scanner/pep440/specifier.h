#pragma once
// PEP 440 version specifiers ("~=1.4.2", "==1.2.*", ">=1.0,!=1.3.4,<2", "===foo") with
// the `packaging` library's semantics, which pip uses: pre-releases are excluded unless
// a clause names one (or the caller allows them), `==` without a local label ignores the
// candidate's local label, `>1.0` excludes 1.0.post1 and `<2.0` excludes 2.0rc1.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pep440/version.h"

namespace mlaudit::pep440 {

enum class Operator { compatible, equal, not_equal, less_equal, greater_equal, less, greater, arbitrary };

std::string_view to_string(Operator op);

class Specifier {
 public:
  // nullopt when `text` is not a valid specifier clause.
  static std::optional<Specifier> parse(std::string_view text);

  Operator op() const { return op_; }
  const std::string& version_text() const { return version_; }   // as written, without the operator
  bool wildcard() const { return wildcard_; }                      // ==1.2.* / !=1.2.*
  // The version the clause names (not for === or a wildcard).
  const std::optional<Version>& version() const { return parsed_; }

  // Whether the clause names a pre-release with an inclusive operator (then pre-releases
  // are allowed by default).
  bool allows_prereleases() const;
  bool contains(const Version& candidate, std::optional<bool> prereleases = std::nullopt) const;
  std::string str() const { return std::string(to_string(op_)) + version_; }

 private:
  Operator op_ = Operator::equal;
  std::string version_;
  bool wildcard_ = false;
  std::optional<Version> parsed_;
};

class SpecifierSet {
 public:
  // Comma-separated clauses; empty text is the set that allows every final release.
  static std::optional<SpecifierSet> parse(std::string_view text);

  const std::vector<Specifier>& specifiers() const { return specifiers_; }
  bool empty() const { return specifiers_.empty(); }
  // nullopt without clauses; else whether any clause allows pre-releases.
  std::optional<bool> prereleases() const;
  bool contains(const Version& candidate, std::optional<bool> prereleases = std::nullopt) const;
  // The one version allowed when the set is a single `==V` (no wildcard) or `===V` clause.
  std::optional<Version> pinned_version() const;
  std::string str() const;

 private:
  std::vector<Specifier> specifiers_;
};

}  // namespace mlaudit::pep440
