#include "extract/python/api_gateway_routes.h"

#include <algorithm>
#include <cctype>

#include "util/text.h"

namespace mlaudit::python {
namespace {

std::string upper_case(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

bool is_api_constructor(const std::string& name) {
  return name == "aws_cdk.aws_apigateway.RestApi" || name == "aws_cdk.aws_apigateway.LambdaRestApi" ||
         name == "aws_cdk.aws_apigateway.SpecRestApi";
}

}  // namespace

bool ApiGatewayRoutes::imports_api_gateway() const {
  for (const auto& [local, qualified] : evaluator_.imports())
    if (qualified.starts_with("aws_cdk.aws_apigateway")) return true;
  return false;
}

void ApiGatewayRoutes::on_call(TSNode call, const Callee& callee, const Arguments& arguments) {
  if (is_api_constructor(callee.name)) {
    if (TSNode options = argument(arguments, -1, {"default_method_options"}); !ts_node_is_null(options)) {
      std::string text(evaluator_.text(options));
      if (text.find("authorizer") != std::string::npos ||
          (text.find("authorization_type") != std::string::npos && text.find("NONE") == std::string::npos) ||
          text.find("api_key_required=True") != std::string::npos)
        default_auth_ = "default_method_options=" + compact(text, 80);
    }
    if (TSNode integration = argument(arguments, -1, {"default_integration"}); !ts_node_is_null(integration))
      default_integration_ = compact(evaluator_.text(integration), 60);
    // LambdaRestApi proxies every path and method to its handler unless proxy=False.
    if (callee.name == "aws_cdk.aws_apigateway.LambdaRestApi") {
      Value proxy = evaluator_.eval(argument(arguments, -1, {"proxy"}));
      TSNode handler = argument(arguments, -1, {"handler"});
      if (!(proxy.kind == Value::Kind::boolean && proxy.text == "false") && !ts_node_is_null(handler)) {
        nlohmann::ordered_json evidence = nlohmann::ordered_json::array();
        if (!default_auth_.empty()) evidence.push_back(default_auth_);
        emit(call, "/{proxy+}", "ANY", compact(evaluator_.text(handler), 60), std::move(evidence));
      }
    }
    return;
  }
  if (callee.method != "add_method") return;
  if (!callee.name.starts_with("aws_cdk.aws_apigateway.") && !imports_api_gateway()) return;
  Value method = evaluator_.eval(argument(arguments, 0, {"http_method"}));
  TSNode integration = argument(arguments, 1, {"integration"});
  nlohmann::ordered_json evidence = nlohmann::ordered_json::array();
  if (TSNode authorizer = argument(arguments, -1, {"authorizer"}); !ts_node_is_null(authorizer) &&
                                                                    evaluator_.text(authorizer) != "None")
    evidence.push_back("authorizer=" + compact(evaluator_.text(authorizer), 60));
  if (TSNode type = argument(arguments, -1, {"authorization_type"}); !ts_node_is_null(type)) {
    std::string text(evaluator_.text(type));
    if (!text.ends_with("NONE")) evidence.push_back("authorization_type=" + compact(text, 60));
  }
  if (Value key = evaluator_.eval(argument(arguments, -1, {"api_key_required"}));
      key.kind == Value::Kind::boolean && key.text == "true")
    evidence.push_back("api_key_required=True");
  if (evidence.empty() && !default_auth_.empty()) evidence.push_back(default_auth_);
  // The resource as written (`get_endpoint`, `api.root`): its path is often built at run time.
  TSNode function = field(call, evaluator_.grammar().f_function);
  TSNode receiver = ts_node_is_null(function) ? function : field(function, evaluator_.grammar().f_object);
  std::string path = ts_node_is_null(receiver) ? "?" : "{" + compact(evaluator_.text(receiver), 60) + "}";
  // Without an integration (here or the API's default) the method is a mock: it answers a
  // fixed response and reaches no backend, like a static index page.
  bool mock = ts_node_is_null(integration) && default_integration_.empty();
  std::string handler = !ts_node_is_null(integration) ? compact(evaluator_.text(integration), 60)
                        : mock                        ? std::string("mock integration")
                                                      : default_integration_;
  emit(call, path, method.is_string() && !method.partial ? upper_case(method.text) : "ANY", handler, std::move(evidence),
       mock ? "static" : "");
}

void ApiGatewayRoutes::emit(TSNode call, const std::string& path, const std::string& method, const std::string& handler,
                            nlohmann::ordered_json evidence, const std::string& public_purpose) {
  bool auth = !evidence.empty();
  sink_.add(FactType::route, evaluator_.location_of(call),
            {{"framework", "aws-apigateway"},
             {"path", path},
             {"methods", nlohmann::ordered_json::array({method})},
             {"handler", handler},
             {"public_purpose", public_purpose},
             {"app", "API Gateway"},
             {"auth", auth},
             {"auth_evidence", std::move(evidence)},
             {"rate_limited", false},
             {"logs_requests", false},
             {"decision", false},
             {"decision_calls", nlohmann::ordered_json::array()},
             {"request_fields", nlohmann::ordered_json::array()},
             {"body_types", nlohmann::ordered_json::array()},
             {"handler_line", evaluator_.location_of(call).line}});
}

}  // namespace mlaudit::python
