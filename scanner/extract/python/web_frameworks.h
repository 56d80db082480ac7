#pragma once
// Recognising web routes, authentication, rate limiting, request logging and model
// decisions in Flask, FastAPI and Django code, by name patterns that real projects use.
#include <string>
#include <string_view>

namespace mlaudit::python {

// `@app.route`, `@bp.get`, `@router.post`, ...: the decorator's last component.
bool is_route_decorator_method(std::string_view method);
// HTTP methods implied by a FastAPI-style decorator (`get` -> GET); empty for `route`.
std::string http_method_of(std::string_view method);
// The receiver of a route decorator plausibly is an app, blueprint or router.
bool is_app_like_receiver(std::string_view callee);
std::string framework_of_receiver(std::string_view callee);

bool is_auth_decorator(std::string_view decorator_text);
bool is_rate_limit_decorator(std::string_view decorator_text);
bool is_rate_limit_exemption(std::string_view decorator_text);
// FastAPI `Depends(x)` / `Security(x)` text that enforces authentication.
bool is_auth_dependency(std::string_view parameter_text);
bool is_rate_limit_dependency(std::string_view parameter_text);
// A callee that checks credentials inside a handler (verify_token(...), jwt.decode(...)).
bool is_auth_check_callee(std::string_view callee);
// A string that names a credential header (Authorization, X-API-Key, Bearer ...).
bool is_credential_header(std::string_view text);
// `before_request`, `after_request`, FastAPI `middleware`: hooks that apply to every route.
bool is_request_hook(std::string_view method);
// `.predict(...)`, `.predict_proba(...)`, `.generate(...)`: a model making a decision.
bool is_decision_method(std::string_view method);
// Logging sinks: logging.*, logger objects, print. Sets `level` ("info", "print", ...).
bool is_log_call(std::string_view callee, std::string_view method, std::string& level);
// What a route that needs no authentication is for, told by its path or handler name:
// "health" (health, readiness, liveness, ping, metrics, version), "index" (the root, a
// static UI page), "login" (login, logout). Empty for any other route.
std::string public_purpose_of(std::string_view path, std::string_view handler);
// Django: decorators, mixins and DRF permission classes that require a user.
bool is_django_auth_marker(std::string_view text);

}  // namespace mlaudit::python
