#pragma once
// Helm chart templates (templates/*.yaml): YAML with Go-template actions in it. mlaudit does
// not run Helm; it reads the template's literal parts. An action inside a line becomes the
// placeholder `$(helm)`, an unknown value like any other reference (no braces: they would end
// a flow mapping); a line holding only actions (`{{- if ... }}`, `{{- toYaml . | nindent 8 }}`)
// becomes empty, so the lines keep their numbers and both branches of an `if` are read.
#include <string>
#include <string_view>

namespace mlaudit {

inline constexpr std::string_view kHelmPlaceholder = "$(helm)";

// A file under a `templates/` folder that contains `{{`.
bool is_helm_template(std::string_view path, std::string_view content);

std::string render_literal_parts(std::string_view content);

}  // namespace mlaudit
