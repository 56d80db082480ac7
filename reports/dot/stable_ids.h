#pragma once
// Reading DOT text into Graphviz with object ids that do not change from run to run.
#include <graphviz/cgraph.h>

#include <string>

namespace mlaudit {

// Graphviz's default discipline uses the address of each interned name as the object's id,
// and it emits clusters in id order: the SVG's element order then changes with the heap
// layout. This reads `dot` with ids numbered in order of first use instead, so the same
// DOT text always gives the same SVG. Returns nullptr when the text does not parse; the
// caller closes the graph with agclose.
Agraph_t* read_dot_with_stable_ids(const std::string& dot);

}  // namespace mlaudit
