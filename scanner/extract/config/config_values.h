#pragma once
// Helpers shared by the configuration extractors: classifying literal values, masking
// them, and recognising URLs and tracking-server settings.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mlaudit {

// A value taken from the environment or a secret store rather than written out:
// ${VAR}, $VAR, $(cmd), ${{ secrets.X }}, {{ .Values.x }}, %(name)s.
bool is_reference_value(std::string_view value);
// changeme, <your-key>, xxx, example, dummy, ... and empty values.
bool is_placeholder_value(std::string_view value);
// The product whose documented default credential the value is ("minioadmin": MinIO,
// "guest": RabbitMQ); empty for any other value. Public knowledge, so not a leaked secret,
// but whoever reaches the service logs in with it.
std::string default_credential_of(std::string_view value);
// First two characters, then asterisks: enough to recognise, never enough to use.
std::string mask_value(std::string_view value);
std::string url_scheme(std::string_view value);   // "" when not a URL
// The URL without user:password@, so credentials never reach a fact.
std::string strip_userinfo(std::string_view url);

// Props of an env_assignment fact (key, literal, placeholder, reference, masked value).
nlohmann::ordered_json env_assignment_props(std::string_view context, std::string_view key, std::string_view value,
                                    std::string_view owner);

}  // namespace mlaudit
