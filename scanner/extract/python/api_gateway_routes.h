#pragma once
// Amazon API Gateway routes declared with the AWS CDK in Python: `resource.add_method("GET",
// integration)` and a `LambdaRestApi(handler=fn)` that proxies every path. Each is a route
// fact (framework "aws-apigateway") with what protects it: an `authorizer`, an
// `authorization_type` other than NONE, `api_key_required=True`, or the API's
// `default_method_options`.
#include <string>

#include "extract/extractor.h"
#include "extract/python/evaluator.h"

namespace mlaudit::python {

class ApiGatewayRoutes {
 public:
  ApiGatewayRoutes(Evaluator& evaluator, FactSink& sink) : evaluator_(evaluator), sink_(sink) {}
  void on_call(TSNode call, const Callee& callee, const Arguments& arguments);

 private:
  bool imports_api_gateway() const;
  void emit(TSNode call, const std::string& path, const std::string& method, const std::string& handler,
            nlohmann::ordered_json evidence, const std::string& public_purpose = "");

  Evaluator& evaluator_;
  FactSink& sink_;
  std::string default_auth_;         // the API's default_method_options, when it sets one
  std::string default_integration_;  // the API's default_integration, when it sets one
};

}  // namespace mlaudit::python
