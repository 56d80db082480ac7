#pragma once
// Whether a host a project talks to is a third party: loopback, private and unique-local
// ranges, link-local and cloud metadata addresses, single-label names (compose and
// Kubernetes services, `localhost`), cluster DNS and unresolved templates (`{base_url}`,
// `${VAR}`) are the project's own network or unknown, never a third party.
#include <string>
#include <string_view>

namespace mlaudit {

// `host` as host_of() gives it: may carry a port, brackets around IPv6, or template text.
bool is_internal_or_unknown_host(std::string_view host);

// The name or address without port and IPv6 brackets, lower case.
std::string bare_host(std::string_view host);

}  // namespace mlaudit
