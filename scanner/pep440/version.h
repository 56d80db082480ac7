#pragma once
// PEP 440 versions as pip and the `packaging` library read them: epochs, release
// segments, pre / post / dev releases, local labels, normalisation ("1.0" == "1.0.0",
// "1.0-1" == "1.0.post1", "1.0ALPHA" == "1.0a0") and the PEP's total order.
// Numbers have no size limit (they are kept as digit strings), as in Python.
#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mlaudit::pep440 {

// A non-negative integer of any length, without leading zeros ("0" for zero).
class Number {
 public:
  Number() : digits_("0") {}
  explicit Number(std::string_view digits);   // ASCII digits only; leading zeros dropped
  const std::string& digits() const { return digits_; }
  bool is_zero() const { return digits_ == "0"; }
  std::strong_ordering operator<=>(const Number& other) const;
  bool operator==(const Number& other) const { return digits_ == other.digits_; }

 private:
  std::string digits_;
};

enum class PreKind { alpha, beta, rc };   // a < b < rc

struct PreRelease {
  PreKind kind = PreKind::alpha;
  Number number;
  bool operator==(const PreRelease&) const = default;
};

// One dot-separated part of a local label: numbers sort after words, numbers by value.
using LocalPart = std::variant<Number, std::string>;

class Version {
 public:
  // nullopt when `text` is not a valid PEP 440 version (a "legacy" version).
  static std::optional<Version> parse(std::string_view text);

  const Number& epoch() const { return epoch_; }
  const std::vector<Number>& release() const { return release_; }
  const std::optional<PreRelease>& pre() const { return pre_; }
  const std::optional<Number>& post() const { return post_; }
  const std::optional<Number>& dev() const { return dev_; }
  const std::vector<LocalPart>& local() const { return local_; }
  bool has_local() const { return !local_.empty(); }

  bool is_prerelease() const { return pre_.has_value() || dev_.has_value(); }
  bool is_postrelease() const { return post_.has_value(); }
  bool is_devrelease() const { return dev_.has_value(); }

  Version public_version() const;   // without the local label
  Version base_version() const;     // epoch and release only
  std::string str() const;          // the normalised form, e.g. "1!2.0rc1.post3.dev4+ubuntu.1"

  std::strong_ordering operator<=>(const Version& other) const;
  bool operator==(const Version& other) const { return (*this <=> other) == 0; }

 private:
  Number epoch_;
  std::vector<Number> release_;
  std::optional<PreRelease> pre_;
  std::optional<Number> post_, dev_;
  std::vector<LocalPart> local_;
};

// The normalised text of `text` when it is a valid version (trailing ".0"s of the release
// kept, as `str(Version(...))` does), else `text` unchanged.
std::string normalise(std::string_view text);

// packaging.utils.canonicalize_version: the normalised form with trailing ".0"s of the
// release removed ("1.0.0" -> "1"); `text` unchanged when it is not a valid version.
std::string canonicalize_version(std::string_view text);

}  // namespace mlaudit::pep440
