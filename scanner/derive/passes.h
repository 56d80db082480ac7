#pragma once
// Facts that need more than one file: DVC records checked against the files they record,
// personal data named in code and schemas, and the privacy declarations of .mlaudit.yml.
// Added after extraction, before the data-flow diagram is built, by every command that
// looks at facts (scan, facts, graph).
#include <filesystem>

#include "engine/project_config.h"
#include "extract/extract_files.h"

namespace mlaudit {

void add_derived_facts(const std::filesystem::path& root, const ProjectConfig& config, Extraction& extraction);

}  // namespace mlaudit
