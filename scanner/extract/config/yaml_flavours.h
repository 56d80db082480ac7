#pragma once
// Readers for the YAML dialects that matter in an ML project. Each takes one parsed
// document and emits facts; yaml_config_extractor.cpp decides which applies.
#include <yaml-cpp/yaml.h>

#include <string>

#include "extract/extractor.h"

namespace mlaudit {

bool is_kubernetes_document(const YAML::Node& document);
// `templated`: a Helm template read for its literal parts, where a securityContext left
// empty or filled by an action comes from the chart's values: unknown, not absent.
void extract_kubernetes(const YAML::Node& document, const std::string& file, FactSink& sink, bool templated = false);

bool is_compose_document(const YAML::Node& document, std::string_view file);
void extract_compose(const YAML::Node& document, const std::string& file, FactSink& sink);

bool is_github_workflow(const YAML::Node& document, std::string_view file);
// `text`: the file's bytes, to place an expression found inside a multi-line script on its own line.
void extract_github_workflow(const YAML::Node& document, const std::string& file, std::string_view text, FactSink& sink);

// dvc.yaml (stages), dvc.lock (hashes) and *.dvc pointer files.
bool is_dvc_document(std::string_view file);
void extract_dvc(const YAML::Node& document, const std::string& file, FactSink& sink);

bool is_mlflow_model(std::string_view file);
void extract_mlflow_model(const YAML::Node& document, const std::string& file, FactSink& sink);

// Pipfile.lock (JSON, read through yaml-cpp for its line numbers): "default" and "develop"
// map names to {"version": "==1.2.3"}.
bool is_pipfile_lock(std::string_view file);
void extract_pipfile_lock(const YAML::Node& document, const std::string& file, FactSink& sink);

bool is_conda_environment(const YAML::Node& document);
void extract_conda_environment(const YAML::Node& document, const std::string& file, FactSink& sink);

// Any document: URLs in values (config_url) and tracking-server settings.
void extract_config_urls(const YAML::Node& document, const std::string& file, FactSink& sink);

}  // namespace mlaudit
