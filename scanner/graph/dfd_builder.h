#pragma once
// Builds the data-flow diagram from facts: scripts become processes, the files, URLs,
// buckets and registries they read and write become data stores and external entities,
// web routes become endpoints reached by internet clients, and reads and writes of the
// same artifact in different scripts connect them (dataset -> train.py -> model.pkl ->
// app.py -> client).
#include <string>
#include <string_view>
#include <vector>

#include "facts/fact.h"
#include "facts/file_index.h"
#include "graph/dfd.h"

namespace mlaudit {

DataFlowDiagram build_data_flow_diagram(const std::vector<Fact>& facts, const FileIndex& files);

// "./a/../b//c.csv" -> "b/c.csv"; absolute paths keep their leading '/'.
std::string normalize_path(std::string_view path);

// Scripts a shell command runs: "python src/train.py --epochs 3" -> src/train.py
std::vector<std::string> scripts_in_command(std::string_view command);

}  // namespace mlaudit
