#pragma once
// AWS CDK policy statements written in Python (`iam.PolicyStatement(actions=["*"],
// resources=["*"])`) as the iam_statement facts a CloudFormation template gives.
#include "extract/extractor.h"
#include "extract/python/evaluator.h"

namespace mlaudit::python {

void emit_cdk_policy_statement(Evaluator& evaluator, FactSink& sink, TSNode call, const Callee& callee,
                               const Arguments& arguments);

}  // namespace mlaudit::python
