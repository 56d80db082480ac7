#include "extract/python/web_frameworks.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>

#include "util/text.h"

namespace mlaudit::python {
namespace {

bool matches(const RE2& pattern, std::string_view text) { return RE2::PartialMatch(text, pattern); }

template <size_t N>
bool one_of(std::string_view value, const std::array<const char*, N>& options) {
  return std::any_of(options.begin(), options.end(), [&](std::string_view option) { return option == value; });
}

}  // namespace

bool is_route_decorator_method(std::string_view method) {
  static constexpr std::array methods = {"route", "get", "post", "put", "delete", "patch", "api_route", "websocket",
                                         "options", "head"};
  return one_of(method, methods);
}

std::string http_method_of(std::string_view method) {
  if (method == "route" || method == "api_route") return {};
  if (method == "websocket") return "WEBSOCKET";
  std::string upper(method);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

bool is_app_like_receiver(std::string_view callee) {
  static const RE2 known(R"(^(flask\.(Flask|Blueprint)|fastapi\.(FastAPI|APIRouter)|quart\.Quart|sanic\.Sanic)\(\)\.)");
  static const RE2 named(R"((^|\.)(app|application|api|bp|blueprint|router|server|[a-z_]*_(bp|blueprint|router|app|api))\.[a-z_]+$)");
  return matches(known, callee) || matches(named, callee);
}

std::string framework_of_receiver(std::string_view callee) {
  if (callee.starts_with("flask.") || callee.starts_with("quart.")) return "flask";
  if (callee.starts_with("fastapi.")) return "fastapi";
  return {};
}

bool is_auth_decorator(std::string_view text) {
  static const RE2 pattern(
      R"((?i)(login_required|jwt_required|token_required|auth_required|requires?_(auth|login|token|role|roles|permission|scope|api_?key|user)|roles?_(required|accepted)|permission_required|api_?key_required|authenticated|protected|verify_(token|key|api_?key|jwt|signature)|\bauth\.|basic_auth|oauth|check_auth))");
  return matches(pattern, text);
}

bool is_rate_limit_decorator(std::string_view text) {
  static const RE2 pattern(R"((?i)(limiter\.limit|rate_?limit|throttl|ratelimit|limits?\())");
  return matches(pattern, text) && !is_rate_limit_exemption(text);
}

bool is_rate_limit_exemption(std::string_view text) {
  static const RE2 pattern(R"((?i)limiter\.exempt)");
  return matches(pattern, text);
}

bool is_auth_dependency(std::string_view text) {
  static const RE2 security(R"(\bSecurity\s*\()");
  static const RE2 dependency(
      R"((?i)Depends\s*\(\s*[\w.]*(auth|login|token|jwt|oauth|api_?key|credential|current_user|current_active_user|verify|permission|require|bearer|security|principal|session_user|get_user))");
  static const RE2 credential_type(R"((HTTPBasicCredentials|HTTPAuthorizationCredentials|OAuth2PasswordBearer|APIKeyHeader))");
  return matches(security, text) || matches(dependency, text) || matches(credential_type, text);
}

bool is_rate_limit_dependency(std::string_view text) {
  static const RE2 pattern(R"((?i)Depends\s*\(\s*[\w.]*(RateLimiter|rate_?limit|throttl))");
  return matches(pattern, text);
}

bool is_auth_check_callee(std::string_view callee) {
  static const RE2 pattern(
      R"((?i)(^|\.)(verify_(token|jwt|api_?key|key|signature|password|credentials|user)|check_(auth|token|api_?key|credentials|permission)|authenticate|validate_(token|api_?key|jwt)|decode_token|is_authenticated|require_(auth|api_?key|token))$|^jwt\.decode$|^hmac\.compare_digest$|^secrets\.compare_digest$)");
  return matches(pattern, callee);
}

bool is_credential_header(std::string_view text) {
  static const RE2 pattern(R"((?i)^(authorization|x-api-key|x-auth-token|api[-_]key|bearer\s?)$)");
  return matches(pattern, trim(text));
}

bool is_request_hook(std::string_view method) {
  return method == "before_request" || method == "before_app_request" || method == "after_request" ||
         method == "middleware" || method == "before_serving";
}

bool is_decision_method(std::string_view method) {
  static constexpr std::array methods = {"predict", "predict_proba", "predict_log_proba", "decision_function",
                                         "classify", "generate", "score_samples", "infer", "inference",
                                         "forward", "recommend", "rank"};
  return one_of(method, methods);
}

bool is_log_call(std::string_view callee, std::string_view method, std::string& level) {
  static constexpr std::array levels = {"debug", "info", "warning", "warn", "error", "exception", "critical",
                                        "log", "fatal", "success", "trace"};
  if (callee == "builtins.print") {
    level = "print";
    return true;
  }
  if (!one_of(method, levels)) return false;
  static const RE2 logger(
      R"(^(logging|absl\.logging|loguru\.logger|structlog\.get_logger\(\)|logging\.getLogger\(\)|logging\.Logger\(\))\.[a-z]+$|(^|\.)(log|logger|_logger|LOGGER|LOG|_log|audit_log|app_logger)\.[a-z]+$|\.logger\.[a-z]+$)");
  if (!matches(logger, callee)) return false;
  level = std::string(method);
  return true;
}

std::string public_purpose_of(std::string_view path, std::string_view handler) {
  static const RE2 health_word(
      R"((?i)^(health|healthz|healthcheck|health_check|heartbeat|ready|readyz|readiness|live|livez|liveness|ping|metrics|version)$)");
  static const RE2 health_handler(
      R"((?i)(^|_)(health|healthz|healthcheck|heartbeat|hearbeat|ready|readiness|liveness|ping|metrics|version)($|_))");
  static const RE2 index_handler(R"((?i)(^|_)(index|favicon)($|_))");
  static const RE2 login_word(
      R"((?i)^(login|logout|signin|signout|sign_in|sign_out|log_in|log_out|signup|sign_up|register|registration)$)");
  // Sign-up is public by design: `create_user_with_pass` behind the registration page.
  static const RE2 signup_handler(R"((?i)^(create_user|register_user|signup|sign_up|register)(_|$))");
  // A catalogue of the models a service offers: `list_of_all_models`, GET /models.
  static const RE2 model_list_handler(R"((?i)^(list|get|show)(_of)?(_all|_available|_installed)?_models$)");
  std::string_view last = path;
  while (last.ends_with('/')) last.remove_suffix(1);
  if (auto slash = last.rfind('/'); slash != std::string_view::npos) last.remove_prefix(slash + 1);
  if (matches(health_word, last) || matches(health_handler, handler)) return "health";
  if (path == "/" || last == "index.html" || last == "favicon.ico" || matches(index_handler, handler)) return "index";
  if (matches(login_word, last) || matches(login_word, handler) || matches(signup_handler, handler)) return "login";
  if (last == "models" || matches(model_list_handler, handler)) return "model list";
  return {};
}

bool is_django_auth_marker(std::string_view text) {
  static const RE2 pattern(
      R"((login_required|permission_required|user_passes_test|staff_member_required|LoginRequiredMixin|PermissionRequiredMixin|UserPassesTestMixin|IsAuthenticated|IsAdminUser|DjangoModelPermissions))");
  static const RE2 anonymous(R"(\bAllowAny\b)");
  return matches(pattern, text) && !matches(anonymous, text);
}

}  // namespace mlaudit::python
