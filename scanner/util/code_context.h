#pragma once
// Where a finding's file sits in the project: production code, or code a release does not
// ship (tests, examples, documentation, proof-of-concept and exploit folders). Reports tag
// findings with it so a reader can filter them out; it never hides a finding by itself.
#include <string_view>

namespace mlaudit {

enum class CodeContext { production, test, example, docs, proof_of_concept };

// From the project-relative path alone (folder names and test file names).
CodeContext code_context_of(std::string_view relative_path);
std::string_view to_string(CodeContext context);

}  // namespace mlaudit
