#pragma once
// Extractors for configuration and build files.
#include "extract/extractor.h"

namespace mlaudit {

// YAML documents and JSON configuration: Kubernetes, docker-compose, GitHub workflows,
// DVC, MLflow MLmodel, conda environments, and URLs in any of them.
class YamlConfigExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "yaml-config"; }
  bool handles(const SniffResult& sniffed, std::string_view) const override {
    return sniffed.kind == FileKind::yaml || sniffed.kind == FileKind::json;
  }
  void extract(const FileContext& file, FactSink& sink) const override;
};

// pyproject.toml dependencies (PEP 621 and Poetry) and URLs in any TOML file.
class TomlConfigExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "toml-config"; }
  bool handles(const SniffResult& sniffed, std::string_view) const override { return sniffed.kind == FileKind::toml; }
  void extract(const FileContext& file, FactSink& sink) const override;
};

// INI files: DVC remotes (.dvc/config), setup.cfg install_requires, URLs.
class IniConfigExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "ini-config"; }
  bool handles(const SniffResult& sniffed, std::string_view) const override { return sniffed.kind == FileKind::ini; }
  void extract(const FileContext& file, FactSink& sink) const override;
};

class DockerfileExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "dockerfile"; }
  bool handles(const SniffResult& sniffed, std::string_view) const override {
    return sniffed.kind == FileKind::dockerfile;
  }
  void extract(const FileContext& file, FactSink& sink) const override;
};

// setup.py: the literal install_requires list (written in the call, or in a module-level
// variable the call names). Nothing is executed.
class SetupPyExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "setup-py"; }
  bool handles(const SniffResult& sniffed, std::string_view relative_path) const override {
    return sniffed.kind == FileKind::python && (relative_path == "setup.py" || relative_path.ends_with("/setup.py"));
  }
  void extract(const FileContext& file, FactSink& sink) const override;
};

class RequirementsExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "requirements"; }
  bool handles(const SniffResult& sniffed, std::string_view) const override {
    return sniffed.kind == FileKind::requirements;
  }
  void extract(const FileContext& file, FactSink& sink) const override;
};

// .env files: variables as env_assignment facts, tracking URIs.
class EnvFileExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "env-file"; }
  bool handles(const SniffResult& sniffed, std::string_view) const override {
    return sniffed.kind == FileKind::env_file;
  }
  void extract(const FileContext& file, FactSink& sink) const override;
};

// Shell scripts (*.sh, *.bash): each command line (continuations joined) as a shell_command
// fact, for the rules on what deployment scripts do (world-writable files, public buckets,
// registry admin users).
class ShellScriptExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "shell-script"; }
  bool handles(const SniffResult& sniffed, std::string_view) const override { return sniffed.kind == FileKind::shell; }
  void extract(const FileContext& file, FactSink& sink) const override;
};

}  // namespace mlaudit
