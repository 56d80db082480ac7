#include "pep440/version.h"

#include <algorithm>
#include <cctype>

#include "util/text.h"

namespace mlaudit::pep440 {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_separator(char c) { return c == '-' || c == '_' || c == '.'; }

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// A cursor over the version text that follows packaging's VERSION_PATTERN, a regular
// expression whose optional separators are taken greedily ("1.0a." is valid).
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}
  bool done() const { return at_ >= text_.size(); }
  char peek(size_t ahead = 0) const { return at_ + ahead < text_.size() ? text_[at_ + ahead] : '\0'; }
  size_t position() const { return at_; }
  void rewind(size_t position) { at_ = position; }
  void skip(size_t count = 1) { at_ += count; }

  bool take(char c) {
    if (peek() != c) return false;
    ++at_;
    return true;
  }
  bool take_separator() {
    if (!is_separator(peek())) return false;
    ++at_;
    return true;
  }
  std::optional<std::string_view> take_digits() {
    size_t start = at_;
    while (is_digit(peek())) ++at_;
    if (at_ == start) return std::nullopt;
    return text_.substr(start, at_ - start);
  }
  // The first of `words` (case-insensitive) that the text continues with, in the order
  // given, as a regular expression alternation tries them.
  std::optional<std::string_view> take_word(std::initializer_list<std::string_view> words) {
    for (std::string_view word : words) {
      if (at_ + word.size() > text_.size()) continue;
      bool same = true;
      for (size_t i = 0; i < word.size() && same; ++i) same = lower(text_[at_ + i]) == word[i];
      if (same) {
        at_ += word.size();
        return word;
      }
    }
    return std::nullopt;
  }

 private:
  std::string_view text_;
  size_t at_ = 0;
};

// [-_.]?(word)[-_.]?(digits)?  — one of the optional pre / post / dev groups.
struct Labelled {
  std::string_view word;
  std::optional<Number> number;
};

std::optional<Labelled> take_labelled(Scanner& scanner, std::initializer_list<std::string_view> words) {
  size_t start = scanner.position();
  scanner.take_separator();
  auto word = scanner.take_word(words);
  if (!word) {
    scanner.rewind(start);
    return std::nullopt;
  }
  Labelled labelled{*word, std::nullopt};
  scanner.take_separator();
  if (auto digits = scanner.take_digits()) labelled.number = Number(*digits);
  return labelled;
}

std::strong_ordering compare_numbers(const std::vector<Number>& a, const std::vector<Number>& b) {
  // Trailing zeros do not count: 1.0 == 1.0.0.
  size_t length_a = a.size(), length_b = b.size();
  while (length_a > 0 && a[length_a - 1].is_zero()) --length_a;
  while (length_b > 0 && b[length_b - 1].is_zero()) --length_b;
  for (size_t i = 0; i < length_a && i < length_b; ++i)
    if (auto order = a[i] <=> b[i]; order != 0) return order;
  return length_a <=> length_b;
}

// packaging's _cmpkey, segment by segment: a dev release without pre or post sorts before
// every pre-release of the same release; a final release after all of them.
int pre_rank(const Version& version) {
  if (!version.pre() && !version.post() && version.dev()) return -1;
  if (!version.pre()) return 1;
  return 0;
}

std::strong_ordering compare_local(const std::vector<LocalPart>& a, const std::vector<LocalPart>& b) {
  if (a.empty() || b.empty()) return !a.empty() <=> !b.empty();
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    bool a_number = std::holds_alternative<Number>(a[i]), b_number = std::holds_alternative<Number>(b[i]);
    if (a_number != b_number) return a_number <=> b_number;
    auto order = a_number ? std::get<Number>(a[i]) <=> std::get<Number>(b[i])
                          : std::get<std::string>(a[i]).compare(std::get<std::string>(b[i])) <=> 0;
    if (order != 0) return order;
  }
  return a.size() <=> b.size();
}

}  // namespace

Number::Number(std::string_view digits) {
  size_t first = digits.find_first_not_of('0');
  digits_ = first == std::string_view::npos ? std::string("0") : std::string(digits.substr(first));
}

std::strong_ordering Number::operator<=>(const Number& other) const {
  if (digits_.size() != other.digits_.size()) return digits_.size() <=> other.digits_.size();
  return digits_.compare(other.digits_) <=> 0;
}

std::optional<Version> Version::parse(std::string_view text) {
  Scanner scanner(trim(text));
  Version version;
  if (lower(scanner.peek()) == 'v') scanner.skip();

  auto first = scanner.take_digits();
  if (!first) return std::nullopt;
  if (scanner.take('!')) {
    version.epoch_ = Number(*first);
    first = scanner.take_digits();
    if (!first) return std::nullopt;
  }
  version.release_.emplace_back(*first);
  while (scanner.peek() == '.' && is_digit(scanner.peek(1))) {
    scanner.skip();
    version.release_.emplace_back(*scanner.take_digits());
  }

  if (auto pre = take_labelled(scanner, {"alpha", "a", "beta", "b", "preview", "pre", "c", "rc"})) {
    PreKind kind = pre->word == "alpha" || pre->word == "a"  ? PreKind::alpha
                   : pre->word == "beta" || pre->word == "b" ? PreKind::beta
                                                             : PreKind::rc;
    version.pre_ = PreRelease{kind, pre->number.value_or(Number())};
  }
  // Post release: "-N" (implicit), or [-_.]?(post|rev|r)[-_.]?N?
  if (size_t start = scanner.position(); scanner.take('-')) {
    if (auto digits = scanner.take_digits()) version.post_ = Number(*digits);
    else scanner.rewind(start);
  }
  if (!version.post_)
    if (auto post = take_labelled(scanner, {"post", "rev", "r"})) version.post_ = post->number.value_or(Number());
  if (auto dev = take_labelled(scanner, {"dev"})) version.dev_ = dev->number.value_or(Number());

  if (scanner.take('+')) {
    // [a-z0-9]+([-_.][a-z0-9]+)*
    std::string part;
    auto flush = [&]() {
      bool numeric = std::all_of(part.begin(), part.end(), is_digit);
      if (numeric) version.local_.emplace_back(Number(part));
      else version.local_.emplace_back(part);
      part.clear();
    };
    while (true) {
      while (is_alnum(scanner.peek())) part += lower(scanner.peek()), scanner.skip();
      if (part.empty()) return std::nullopt;
      flush();
      if (is_separator(scanner.peek()) && is_alnum(scanner.peek(1))) {
        scanner.skip();
        continue;
      }
      break;
    }
  }
  if (!scanner.done()) return std::nullopt;
  return version;
}

Version Version::public_version() const {
  Version copy = *this;
  copy.local_.clear();
  return copy;
}

Version Version::base_version() const {
  Version copy;
  copy.epoch_ = epoch_;
  copy.release_ = release_;
  return copy;
}

std::string Version::str() const {
  std::string text;
  if (!epoch_.is_zero()) text += epoch_.digits() + "!";
  for (size_t i = 0; i < release_.size(); ++i) text += (i ? "." : "") + release_[i].digits();
  if (pre_) text += std::string(pre_->kind == PreKind::alpha ? "a" : pre_->kind == PreKind::beta ? "b" : "rc") + pre_->number.digits();
  if (post_) text += ".post" + post_->digits();
  if (dev_) text += ".dev" + dev_->digits();
  for (size_t i = 0; i < local_.size(); ++i) {
    text += i ? "." : "+";
    text += std::holds_alternative<Number>(local_[i]) ? std::get<Number>(local_[i]).digits() : std::get<std::string>(local_[i]);
  }
  return text;
}

std::strong_ordering Version::operator<=>(const Version& other) const {
  if (auto order = epoch_ <=> other.epoch_; order != 0) return order;
  if (auto order = compare_numbers(release_, other.release_); order != 0) return order;
  int rank = pre_rank(*this), other_rank = pre_rank(other);
  if (rank != other_rank) return rank <=> other_rank;
  if (rank == 0) {
    if (auto order = pre_->kind <=> other.pre_->kind; order != 0) return order;
    if (auto order = pre_->number <=> other.pre_->number; order != 0) return order;
  }
  // No post release sorts before any post release.
  if (post_.has_value() != other.post_.has_value()) return post_.has_value() <=> other.post_.has_value();
  if (post_)
    if (auto order = *post_ <=> *other.post_; order != 0) return order;
  // No dev release sorts after any dev release.
  if (dev_.has_value() != other.dev_.has_value()) return other.dev_.has_value() <=> dev_.has_value();
  if (dev_)
    if (auto order = *dev_ <=> *other.dev_; order != 0) return order;
  return compare_local(local_, other.local_);
}

std::string normalise(std::string_view text) {
  auto version = Version::parse(text);
  return version ? version->str() : std::string(text);
}

std::string canonicalize_version(std::string_view text) {
  auto version = Version::parse(text);
  if (!version) return std::string(text);
  std::string prefix = version->epoch().is_zero() ? std::string() : version->epoch().digits() + "!";
  std::string release;
  for (size_t i = 0; i < version->release().size(); ++i) release += (i ? "." : "") + version->release()[i].digits();
  std::string suffix = version->str().substr(prefix.size() + release.size());
  while (release.size() >= 2 && release.ends_with(".0")) release.resize(release.size() - 2);
  return prefix + release + suffix;
}

}  // namespace mlaudit::pep440
