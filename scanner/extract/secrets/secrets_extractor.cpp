#include "extract/secrets/secrets_extractor.h"

#include <re2/re2.h>
#include <re2/set.h>
#include <yaml-cpp/yaml.h>

#include <memory>
#include <stdexcept>

#include "crypto/sha256.h"
#include "extract/config/config_values.h"
#include "util/embedded_files.h"
#include "util/text.h"

namespace mlaudit {
namespace {

struct SecretPattern {
  std::string id, name;
  std::unique_ptr<RE2> regex;
  int group = 0;
  double min_entropy = 0;
  bool generic = false;
  bool skip_code = false;
};

class PatternCatalog {
 public:
  static const PatternCatalog& get() {
    static const PatternCatalog catalog;
    return catalog;
  }
  const std::vector<SecretPattern>& patterns() const { return patterns_; }
  // Indices of the patterns that match somewhere in `text`, in catalog order.
  std::vector<int> candidates(std::string_view text) const {
    std::vector<int> matched;
    set_->Match(text, &matched);
    std::sort(matched.begin(), matched.end());
    return matched;
  }

 private:
  PatternCatalog() {
    auto text = embedded_file("scanner/extract/secrets/secret_patterns.yml");
    if (!text) throw std::logic_error("secret pattern catalog is not embedded");
    RE2::Options options;
    options.set_max_mem(64 << 20);
    set_ = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
    for (const auto& entry : YAML::Load(std::string(*text))["patterns"]) {
      SecretPattern pattern;
      pattern.id = entry["id"].as<std::string>();
      pattern.name = entry["name"].as<std::string>();
      std::string regex = entry["regex"].as<std::string>();
      pattern.regex = std::make_unique<RE2>(regex, options);
      if (!pattern.regex->ok()) throw std::logic_error("secret pattern " + pattern.id + ": " + pattern.regex->error());
      pattern.group = entry["group"] ? entry["group"].as<int>() : 0;
      pattern.min_entropy = entry["min_entropy"] ? entry["min_entropy"].as<double>() : 0.0;
      pattern.generic = entry["generic"] && entry["generic"].as<bool>();
      pattern.skip_code = entry["skip_code"] && entry["skip_code"].as<bool>();
      if (set_->Add(regex, nullptr) < 0) throw std::logic_error("secret pattern " + pattern.id + " rejected by RE2::Set");
      patterns_.push_back(std::move(pattern));
    }
    if (!set_->Compile()) throw std::logic_error("secret pattern set failed to compile");
  }

  std::vector<SecretPattern> patterns_;
  std::unique_ptr<RE2::Set> set_;
};

// Values that generic patterns match but that are not credentials.
bool looks_like_non_secret(std::string_view value) {
  static const RE2 variable_name(R"(^[A-Z][A-Z0-9_]+$)");        // SECRET_KEY = "DJANGO_SECRET_KEY"
  static const RE2 template_or_path(R"([{}$<>%]|^/|^\./|^~|\.(pem|key|json|txt|yaml|yml|crt|p12)$)");
  static const RE2 code_expression(R"(^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$|[(\[])");
  if (RE2::PartialMatch(value, code_expression)) return true;
  static const RE2 example(R"((?i)(example|sample|dummy|placeholder|changeme|change_me|your[_-]|xxxx|redacted|\*\*\*))");
  // A sentence asking to be replaced: 'this-really-needs-to-be-changed', 'please change me'.
  static const RE2 asks_to_be_replaced(R"((?i)(^|[-_ ])(change|changed|replace|replaced)([-_ ]+(me|this|it|later|before|in))?([-_ ]|$))");
  if (RE2::PartialMatch(value, asks_to_be_replaced) && !RE2::PartialMatch(value, R"([0-9].*[0-9].*[0-9])")) return true;
  // Test tokens and sentinels: a few short lowercase words, perhaps a small number
  // ("access-before-sentinel", "bearer_token_123", "postgres"). Generated credentials mix case
  // or digits throughout; a passphrase of words is rare in code and these are the common fakes.
  static const RE2 readable_words(R"(^[a-z]{2,12}([-_][a-z]{2,12}){0,3}([-_]?[0-9]{1,4})?$)");
  return RE2::FullMatch(value, readable_words) || RE2::FullMatch(value, variable_name) || RE2::PartialMatch(value, template_or_path) ||
         RE2::PartialMatch(value, example) || is_placeholder_value(value) || is_reference_value(value);
}

struct LinePosition {
  uint32_t line, column;
};

class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') starts_.push_back(i + 1);
  }
  LinePosition at(size_t offset) const {
    auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
    size_t line = static_cast<size_t>(it - starts_.begin());
    return {static_cast<uint32_t>(line), static_cast<uint32_t>(offset - starts_[line - 1] + 1)};
  }

 private:
  std::vector<size_t> starts_;
};

}  // namespace

void prepare_secret_patterns() { PatternCatalog::get(); }

void SecretsExtractor::extract(const FileContext& file, FactSink& sink) const {
  const auto& catalog = PatternCatalog::get();
  std::string_view text = file.content;
  auto candidates = catalog.candidates(text);
  if (candidates.empty()) return;
  LineIndex lines(text);
  // Where an unquoted `apiKey: LANGSMITH_API_KEY,` is an identifier, not a value: source code
  // (Python, notebooks, and other languages' files); a long prose document (an RFC kept as an
  // evaluation corpus, whose `secret = 9ac3...` lines are published test vectors) is no
  // configuration file either.
  static const RE2 other_source(R"((?i)\.(js|jsx|mjs|cjs|ts|tsx|go|java|kt|rb|rs|cs|php|scala|swift|c|cc|cpp|h|hpp)$)");
  bool document = (file.sniffed.kind == FileKind::text || file.sniffed.kind == FileKind::markdown) && text.size() > (64u << 10);
  bool code = file.sniffed.kind == FileKind::python || file.sniffed.kind == FileKind::notebook || document ||
              RE2::PartialMatch(file.file.relative, other_source);
  std::vector<std::pair<size_t, size_t>> taken;  // spans already reported
  for (int index : candidates) {
    const SecretPattern& pattern = catalog.patterns()[static_cast<size_t>(index)];
    if (code && pattern.skip_code) continue;
    int groups = pattern.group + 1;
    std::vector<re2::StringPiece> match(static_cast<size_t>(groups));
    size_t position = 0;
    while (position < text.size() &&
           pattern.regex->Match(text, position, text.size(), RE2::UNANCHORED, match.data(), groups)) {
      re2::StringPiece whole = match[0], secret = match[static_cast<size_t>(pattern.group)];
      position = static_cast<size_t>(whole.data() - text.data()) + std::max<size_t>(whole.size(), 1);
      if (secret.empty()) continue;
      std::string_view value(secret.data(), secret.size());
      size_t begin = static_cast<size_t>(secret.data() - text.data()), end = begin + secret.size();
      bool overlaps = std::any_of(taken.begin(), taken.end(),
                                  [&](const auto& span) { return begin < span.second && span.first < end; });
      if (overlaps) continue;
      if (shannon_entropy(value) < pattern.min_entropy) continue;
      if (pattern.generic && looks_like_non_secret(value)) continue;
      if (!pattern.generic && contains_ignore_case(value, "example")) continue;  // AKIAIOSFODNN7EXAMPLE
      if (pattern.id == "private-key") {  // the secret is the whole block up to its END line
        auto end_marker = text.find("-----END", end);
        end = end_marker == std::string_view::npos ? end : text.find('\n', end_marker);
        if (end == std::string_view::npos) end = text.size();
      }
      taken.emplace_back(begin, end);
      LinePosition start = lines.at(begin), finish = lines.at(end > begin ? end - 1 : end);
      Location location{file.file.relative, start.line, start.column, finish.line, finish.column + 1};
      sink.add(FactType::secret, location,
               {{"kind", pattern.id},
                {"name", pattern.name},
                {"masked", pattern.id == "private-key" ? "-----BEGIN … PRIVATE KEY-----" : mask_value(value)},
                {"length", value.size()},
                {"fingerprint", sha256_hex(value).substr(0, 16)},
                {"generic", pattern.generic}});
    }
  }
}

}  // namespace mlaudit
