#include "reports/dot/dot_report.h"

#include <graphviz/gvc.h>

#include <mutex>
#include <set>

#include "findings/redaction.h"
#include "reports/dot/stable_ids.h"
#include "util/text.h"
#include "util/utf8.h"

namespace mlaudit {
namespace {

using Vertex = DataFlowDiagram::Vertex;

std::string dot_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string_view colour_of(Severity severity) {
  switch (severity) {
    case Severity::critical: return "#7f1d1d";
    case Severity::high: return "#dc2626";
    case Severity::medium: return "#d97706";
    case Severity::low: return "#2563eb";
    default: return "#6b7280";
  }
}

std::string node_attributes(const Element& element, const DotOptions& options) {
  std::string shape = element.kind == ElementKind::external_entity ? "box"
                      : element.kind == ElementKind::data_store    ? "cylinder"
                                                                   : "ellipse";
  // Names can be URLs or paths with values in them: they pass the report masker first.
  std::string label = truncate_utf8(Redactor::redact_text(element.name), 48) + "\n(" + element.type + ")";
  std::string attributes = "shape=" + shape + ", label=" + dot_string(label);
  if (auto highlight = options.highlights.find(element.id); highlight != options.highlights.end())
    attributes += ", color=\"" + std::string(colour_of(highlight->second)) + "\", penwidth=2.5";
  return attributes;
}

}  // namespace

DotGraph to_dot(const DataFlowDiagram& diagram, const DotOptions& options) {
  const auto& graph = diagram.graph();
  DotGraph result;
  result.total = boost::num_vertices(graph);
  std::set<Vertex> shown;
  if (result.total <= options.max_elements) {
    for (auto [it, end] = boost::vertices(graph); it != end; ++it) shown.insert(*it);
  } else {
    for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
      if (!options.highlights.contains(graph[*it].id)) continue;
      shown.insert(*it);
      for (auto [out, out_end] = boost::out_edges(*it, graph); out != out_end; ++out) shown.insert(boost::target(*out, graph));
      for (auto [in, in_end] = boost::in_edges(*it, graph); in != in_end; ++in) shown.insert(boost::source(*in, graph));
      if (shown.size() >= options.max_elements) break;
    }
  }
  result.shown = shown.size();

  std::string& dot = result.text;
  dot = "digraph dfd {\n  graph [rankdir=LR, forcelabels=true, fontname=\"Helvetica\", fontsize=11, nodesep=0.3, ranksep=0.6];\n"
        "  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n";
  for (const auto& zone : diagram.zones()) {
    std::string members;
    for (Vertex vertex : shown)
      if (graph[vertex].zone == zone.id)
        members += "    n" + std::to_string(vertex) + " [" + node_attributes(graph[vertex], options) + "];\n";
    if (members.empty()) continue;
    dot += "  subgraph " + dot_string("cluster_" + zone.id) + " {\n    label=" + dot_string(zone.name) +
           "; style=dashed; color=\"#9ca3af\";\n" + members + "  }\n";
  }
  for (auto [it, end] = boost::edges(graph); it != end; ++it) {
    Vertex from = boost::source(*it, graph), to = boost::target(*it, graph);
    if (!shown.contains(from) || !shown.contains(to)) continue;
    const Flow& flow = graph[*it];
    std::string kind = flow.props.value("kind", "");
    if (kind == "response") continue;  // drawn with its request as one two-way arrow
    std::string style;
    if (kind == "request") style = ", dir=both";
    if (kind == "in_process" || kind == "runs") style = ", style=dotted";
    // Personal data's paths (lineage) are drawn thick and purple; other boundary crossings orange.
    if (flow.props.value("personal", false)) style += ", color=\"#7c3aed\", penwidth=2.2";
    else if (flow.props.value("crosses_external_boundary", false)) style += ", color=\"#b45309\"";
    // xlabel, not label: Graphviz 2.42 corrupts memory laying out labels on same-rank edges.
    dot += "  n" + std::to_string(from) + " -> n" + std::to_string(to) + " [xlabel=" +
           dot_string(truncate_utf8(kind == "request" ? std::string("HTTP") : Redactor::redact_text(flow.label), 28)) + style + "];\n";
  }
  dot += "}\n";
  if (!is_valid_utf8(dot)) dot = escape_invalid_utf8(dot);  // Graphviz and viewers want UTF-8
  return result;
}

std::string render_svg(const std::string& dot) {
  static std::mutex graphviz;  // the Graphviz context is not thread-safe
  std::lock_guard lock(graphviz);
  GVC_t* context = gvContext();
  Agraph_t* graph = read_dot_with_stable_ids(dot);
  std::string svg;
  if (graph != nullptr) {
    if (gvLayout(context, graph, "dot") == 0) {
      char* buffer = nullptr;
      unsigned int length = 0;
      if (gvRenderData(context, graph, "svg", &buffer, &length) == 0 && buffer != nullptr) svg.assign(buffer, length);
      gvFreeRenderData(buffer);
      gvFreeLayout(context, graph);
    }
    agclose(graph);
  }
  gvFreeContext(context);
  // Inline SVG needs no XML prolog or DOCTYPE.
  if (auto start = svg.find("<svg"); start != std::string::npos) svg.erase(0, start);
  return svg;
}

}  // namespace mlaudit

#if defined(__has_feature)   // clang's way of saying -fsanitize=address; GCC's is __SANITIZE_ADDRESS__
#if __has_feature(address_sanitizer)
#define MLAUDIT_ADDRESS_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(MLAUDIT_ADDRESS_SANITIZER)
// LeakSanitizer (the sanitizer build) reports what Graphviz 2.42 keeps after gvFreeContext:
// its plugin configuration (gvconfig), dot layout's virtual edges and the pango/fontconfig
// font caches; render_svg frees what the API lets it. Traced with fast_unwind_on_malloc=0:
// no frame of ours between the allocation and the Graphviz call.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libgvc.so\nleak:libgvplugin_dot_layout.so\nleak:libgvplugin_pango.so\nleak:libpangoft2-1.0.so\n"
         "leak:libfontconfig.so\n";
}
#endif
