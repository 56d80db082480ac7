#pragma once
// The data-flow diagram in Graphviz DOT: trust zones as clusters, external entities as
// boxes, processes as ellipses, data stores as cylinders. Elements named in findings
// are coloured by their worst severity; flows carrying personal data are purple.
#include <map>
#include <string>

#include "ruleset/severity.h"
#include "graph/dfd.h"

namespace mlaudit {

struct DotOptions {
  std::map<std::string, Severity> highlights;   // element id -> worst severity
  size_t max_elements = 160;                    // larger diagrams keep highlighted elements and their neighbours
};

struct DotGraph {
  std::string text;
  size_t shown = 0, total = 0;                  // elements drawn / in the diagram
};

DotGraph to_dot(const DataFlowDiagram& diagram, const DotOptions& options = {});

// Lays out DOT text with Graphviz (in-process) and returns SVG markup, or an empty
// string when layout fails.
std::string render_svg(const std::string& dot);

}  // namespace mlaudit
