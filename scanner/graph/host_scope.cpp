#include "graph/host_scope.h"

#include <re2/re2.h>

#include <algorithm>
#include <string>

#include "util/text.h"

namespace mlaudit {
std::string bare_host(std::string_view host) {
  std::string text = to_lower(trim(host));
  if (text.starts_with('[')) {
    auto close = text.find(']');
    return text.substr(1, close == std::string::npos ? std::string::npos : close - 1);
  }
  if (std::count(text.begin(), text.end(), ':') == 1) text = text.substr(0, text.find(':'));
  while (text.ends_with('.')) text.pop_back();
  return text;
}

bool is_internal_or_unknown_host(std::string_view host) {
  std::string name = bare_host(host);
  if (name.empty()) return true;
  static const RE2 template_text(R"([{}$<>%]|\.\.\.)");
  if (RE2::PartialMatch(name, template_text)) return true;
  static const RE2 ipv4(R"(^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$)");
  int a = 0, b = 0, c = 0, d = 0;
  if (RE2::FullMatch(name, ipv4, &a, &b, &c, &d)) {
    return a == 127 || a == 10 || a == 0 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168) ||
           (a == 169 && b == 254) || (a == 100 && b >= 64 && b <= 127);  // loopback, RFC 1918, link-local, CGNAT
  }
  if (name.find(':') != std::string::npos) {  // IPv6: loopback, unique-local fc00::/7, link-local fe80::/10
    return name == "::1" || name == "::" || name.starts_with("fc") || name.starts_with("fd") || name.starts_with("fe8") ||
           name.starts_with("fe9") || name.starts_with("fea") || name.starts_with("feb");
  }
  if (name.find('.') == std::string::npos) return true;  // localhost, compose and Kubernetes service names
  static const RE2 internal_suffix(
      R"((^|\.)(localhost|local|internal|localdomain|svc|cluster\.local|home\.arpa|lan)$|^metadata\.google\.internal$)");
  return RE2::PartialMatch(name, internal_suffix);
}

}  // namespace mlaudit
