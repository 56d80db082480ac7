#include "advisories/cvss.h"

#include <cmath>
#include <map>
#include <vector>

namespace mlaudit::cvss {
namespace {

// "AV:N/AC:L/..." -> {AV: N, AC: L, ...}; nullopt on a repeated or empty metric.
std::optional<std::map<std::string, std::string>> metrics(std::string_view text) {
  std::map<std::string, std::string> values;
  size_t start = 0;
  while (start <= text.size()) {
    size_t slash = text.find('/', start);
    std::string_view part = text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    size_t colon = part.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == part.size()) return std::nullopt;
    if (!values.emplace(std::string(part.substr(0, colon)), std::string(part.substr(colon + 1))).second) return std::nullopt;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return values;
}

std::optional<double> weight(const std::map<std::string, std::string>& values, const std::string& metric,
                             const std::map<std::string, double>& table) {
  auto found = values.find(metric);
  if (found == values.end()) return std::nullopt;
  auto entry = table.find(found->second);
  if (entry == table.end()) return std::nullopt;
  return entry->second;
}

// CVSS v3.1 Roundup: the smallest number with one decimal that is >= the input, computed
// on integers so that 4.000000001 does not become 4.1.
double roundup_v31(double value) {
  auto scaled = static_cast<long long>(std::llround(value * 100000));
  if (scaled % 10000 == 0) return static_cast<double>(scaled) / 100000.0;
  return (std::floor(static_cast<double>(scaled) / 10000.0) + 1) / 10.0;
}

double roundup_v30(double value) { return std::ceil(value * 10) / 10; }

std::optional<Score> score_v3(std::string_view body, const std::string& version) {
  auto values = metrics(body);
  if (!values) return std::nullopt;
  auto scope = values->find("S");
  if (scope == values->end() || (scope->second != "U" && scope->second != "C")) return std::nullopt;
  bool changed = scope->second == "C";
  auto av = weight(*values, "AV", {{"N", 0.85}, {"A", 0.62}, {"L", 0.55}, {"P", 0.2}});
  auto ac = weight(*values, "AC", {{"L", 0.77}, {"H", 0.44}});
  auto pr = weight(*values, "PR", {{"N", 0.85}, {"L", changed ? 0.68 : 0.62}, {"H", changed ? 0.5 : 0.27}});
  auto ui = weight(*values, "UI", {{"N", 0.85}, {"R", 0.62}});
  const std::map<std::string, double> cia = {{"H", 0.56}, {"L", 0.22}, {"N", 0}};
  auto c = weight(*values, "C", cia), i = weight(*values, "I", cia), a = weight(*values, "A", cia);
  if (!av || !ac || !pr || !ui || !c || !i || !a) return std::nullopt;
  double iss = 1 - (1 - *c) * (1 - *i) * (1 - *a);
  double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  double exploitability = 8.22 * *av * *ac * *pr * *ui;
  auto roundup = version == "3.1" ? roundup_v31 : roundup_v30;
  double base = 0;
  if (impact > 0) base = changed ? roundup(std::min(1.08 * (impact + exploitability), 10.0))
                                 : roundup(std::min(impact + exploitability, 10.0));
  return Score{base, rating_v3(base), version};
}

std::optional<Score> score_v2(std::string_view body) {
  auto values = metrics(body);
  if (!values) return std::nullopt;
  auto av = weight(*values, "AV", {{"L", 0.395}, {"A", 0.646}, {"N", 1.0}});
  auto ac = weight(*values, "AC", {{"H", 0.35}, {"M", 0.61}, {"L", 0.71}});
  auto au = weight(*values, "Au", {{"M", 0.45}, {"S", 0.56}, {"N", 0.704}});
  const std::map<std::string, double> cia = {{"N", 0}, {"P", 0.275}, {"C", 0.660}};
  auto c = weight(*values, "C", cia), i = weight(*values, "I", cia), a = weight(*values, "A", cia);
  if (!av || !ac || !au || !c || !i || !a) return std::nullopt;
  double impact = 10.41 * (1 - (1 - *c) * (1 - *i) * (1 - *a));
  double exploitability = 20 * *av * *ac * *au;
  double f = impact == 0 ? 0 : 1.176;
  double base = std::round(((0.6 * impact) + (0.4 * exploitability) - 1.5) * f * 10) / 10;
  if (base < 0) base = 0;
  // CVSS v2 ratings (NVD): low 0.0-3.9, medium 4.0-6.9, high 7.0-10.0.
  std::string rating = base >= 7 ? "high" : base >= 4 ? "medium" : "low";
  return Score{base, rating, "2.0"};
}

}  // namespace

std::string rating_v3(double base) {
  if (base >= 9.0) return "critical";
  if (base >= 7.0) return "high";
  if (base >= 4.0) return "medium";
  if (base > 0) return "low";
  return "none";
}

std::optional<Score> score(std::string_view vector) {
  while (!vector.empty() && vector.back() == '/') vector.remove_suffix(1);
  if (vector.starts_with("CVSS:3.1/")) return score_v3(vector.substr(9), "3.1");
  if (vector.starts_with("CVSS:3.0/")) return score_v3(vector.substr(9), "3.0");
  if (vector.starts_with("CVSS:")) return std::nullopt;   // 4.0 and anything newer
  if (vector.starts_with("(") && vector.ends_with(")")) vector = vector.substr(1, vector.size() - 2);
  if (vector.starts_with("AV:")) return score_v2(vector);
  return std::nullopt;
}

}  // namespace mlaudit::cvss
