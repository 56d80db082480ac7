#include "reports/html/html_report.h"

#include <kainjow/mustache.hpp>

#include <cstdlib>
#include <map>
#include <tuple>
#include <stdexcept>

#include "pipeline/scan_summary.h"
#include "ruleset/taxonomy_catalog.h"
#include "personal/category_catalog.h"
#include "reports/dot/dot_report.h"
#include "util/code_context.h"
#include "findings/redaction.h"
#include "reports/html/probe_figures.h"
#include "reports/html/release_summary.h"
#include "reports/skipped_listing.h"
#include "util/embedded_files.h"
#include "util/text.h"

namespace mlaudit {
namespace {

namespace mu = kainjow::mustache;

std::string embedded_text(std::string_view path) {
  auto text = embedded_file(path);
  if (!text) throw std::logic_error("report template not embedded: " + std::string(path));
  return std::string(*text);
}

std::string where(const Location& location) {
  if (location.file.empty()) return "(project)";
  if (!location.has_region()) return location.file;
  return location.file + ":" + std::to_string(location.line);
}

// Text inside a CSS string literal in a <style> element: quotes and backslashes escaped,
// and nothing that could close the element.
std::string css_string(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += std::string("\\") + c;
    else if (c == '<') out += "\\3C ";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string human_size(uint64_t bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) value /= 1024, ++unit;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return buffer;
}

std::string escape_html(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// Escapes text and shows `quoted code` (as rule messages write it) in a code font.
std::string prose_html(std::string_view text) {
  std::string escaped = escape_html(text), out;
  bool open = false;
  for (char c : escaped) {
    if (c == '`') {
      out += open ? "</code>" : "<code>";
      open = !open;
    } else {
      out += c;
    }
  }
  if (open) out += "</code>";
  return out;
}

std::string severity_label(Severity severity) {
  switch (severity) {
    case Severity::critical: return "Critical";
    case Severity::high: return "High";
    case Severity::medium: return "Medium";
    case Severity::low: return "Low";
    default: return "Information";
  }
}

mu::data tags_of(const Rule& rule) {
  mu::data tags{mu::data::type::list};
  const auto& catalogs = TaxonomyCatalogs::embedded();
  for_each_taxon(rule.taxonomy, [&](const TaxonFamily& family, const std::string& id) {
    const TaxonomyCatalog* catalog = catalogs.catalog(std::string(family.key));
    const TaxonomyEntry* entry = catalog ? catalog->find(id) : nullptr;
    tags.push_back(mu::object{{"label", family.label_of(id) + (entry ? " " + entry->name : std::string())},
                              {"url", entry ? entry->url : ""}});
  });
  return tags;
}

// One place a rule matched: what the reader needs to find and judge it.
mu::data finding_data(const Finding& finding) {
  mu::data path{mu::data::type::list}, related{mu::data::type::list};
  for (const auto& step : finding.path) path.push_back(mu::object{{"message", step.message}, {"location", where(step.location)}});
  for (const auto& item : finding.related)
    related.push_back(mu::object{{"message", item.message}, {"location", where(item.location)}});
  CodeContext context = code_context_of(finding.location.file);
  mu::object object{{"severity", std::string(to_string(finding.severity))},
                    {"location", where(finding.location)},
                    {"file", finding.location.file},
                    {"context", std::string(to_string(context))},
                    {"not_production", mu::data(context != CodeContext::production)},
                    {"message", prose_html(finding.message)},
                    {"fingerprint", finding.fingerprint},
                    {"anchor", "finding-" + finding.fingerprint.substr(0, 12)},
                    {"path", path},
                    {"related", related},
                    {"has_path", mu::data(!finding.path.empty())},
                    {"has_related", mu::data(!finding.related.empty())}};
  if (!finding.snippet.empty()) object["snippet"] = finding.snippet;
  return object;
}

// A rule and its instances (as ZAP groups alerts): the explanation once, the places below.
mu::data group_data(const RuleGroup& group) {
  const Rule& rule = *group.rule;
  mu::data instances{mu::data::type::list}, references{mu::data::type::list};
  for (const Finding* finding : group.findings) instances.push_back(finding_data(*finding));
  for (const auto& reference : rule.references) references.push_back(reference);
  return mu::object{{"worst", std::string(to_string(group.worst))},
                    {"title", rule.title},
                    {"rule_id", rule.id},
                    {"anchor", "rule-" + rule.id},
                    {"kind", std::string(kind_of(rule))},
                    {"owner", std::string(to_string(owner_of(rule)))},
                    {"count", std::to_string(group.findings.size())},
                    {"confidence", std::string(to_string(rule.confidence))},
                    {"description", prose_html(rule.description)},
                    {"remediation", prose_html(rule.remediation)},
                    {"record", prose_html(rule.record)},
                    {"has_record", mu::data(!rule.record.empty())},
                    {"tags", tags_of(rule)},
                    {"references", references},
                    {"has_references", mu::data(!rule.references.empty())},
                    {"instances", instances}};
}

std::string plain_list(const std::vector<std::string>& values) {
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : ", ") + value;
  return text.empty() ? std::string("—") : text;
}

// Category ids as a reader knows them ("Email address", not "email").
std::string category_list(const std::vector<std::string>& ids) {
  std::vector<std::string> labels;
  for (const auto& id : ids) labels.push_back(personal::CategoryCatalog::get().label_of(id));
  return plain_list(labels);
}

std::string article_label(const std::string& article) {
  if (article == "art-9") return "Art. 9 special category";
  if (article == "art-10") return "Art. 10 criminal data";
  if (article == "art-8") return "Art. 8 child";
  return "";
}

// The personal-data section: inventory, fields in code, Art. 30 record, DPIA screening,
// transfers, lineage. Everything comes from result.privacy.
// "art-6", "art-30" → "GDPR Art. 6, 30".
std::string gdpr_articles(const Rule& rule) {
  std::string text;
  for (const auto& id : rule.taxonomy.gdpr) text += (text.empty() ? "GDPR Art. " : ", ") + id.substr(id.find('-') + 1);
  return text;
}

// What the scan knows of minimisation for one dataset: the unused-columns finding, if any.
std::string minimisation_of(const std::string& path, const std::vector<RuleGroup>& groups) {
  for (const auto& group : groups)
    if (group.rule->id == "gdpr.unused-personal-columns")
      for (const Finding* finding : group.findings)
        if (finding->location.file == path) return finding->message;
  return "no unused personal column found by the scan";
}

// The DPIA's risk register: one row per GDPR rule that fired, with the harm, its evidence
// and the measures; likelihood and residual risk are left for the organisation.
mu::data risk_register(const std::vector<RuleGroup>& groups) {
  mu::data risks{mu::data::type::list};
  for (const auto& group : groups) {
    if (group.rule->taxonomy.gdpr.empty()) continue;
    size_t count = group.findings.size();
    risks.push_back(mu::object{{"risk", group.rule->title}, {"articles", gdpr_articles(*group.rule)},
                               {"severity", std::string(to_string(group.worst))}, {"anchor", "rule-" + group.rule->id},
                               {"places", std::to_string(count) + (count == 1 ? " finding" : " findings")},
                               {"measures", prose_html(group.rule->remediation)}});
  }
  return risks;
}

void add_privacy_data(const PrivacyRecord& record, const std::vector<RuleGroup>& groups, mu::data& data) {
  data.set("has_privacy", mu::data(record.holds_personal_data));
  if (!record.holds_personal_data) return;
  mu::data datasets{mu::data::type::list};
  for (const auto& dataset : record.datasets) {
    mu::data columns{mu::data::type::list};
    for (const auto& column : dataset.columns)
      columns.push_back(mu::object{{"column", column.column}, {"label", column.label},
                                   {"article", article_label(column.article)},
                                   {"special", mu::data(column.special || !column.article.empty())},
                                   {"identifier", column.identifier == "none" ? std::string("—") : column.identifier},
                                   {"confidence", column.confidence}, {"evidence", column.evidence}});
    std::string profiled = dataset.columns.empty()
                               ? "written by the project's code; categories from what flows into it"
                               : std::to_string(dataset.rows_profiled) + " rows profiled" +
                                     (dataset.all_rows_profiled ? " (all)" : " (sample)");
    datasets.push_back(mu::object{{"path", dataset.path}, {"profiled", profiled},
                                  {"categories", category_list(dataset.categories)},
                                  {"special", category_list(dataset.special_categories)},
                                  {"has_special", mu::data(!dataset.special_categories.empty())},
                                  {"lawful_basis", dataset.lawful_basis.empty() ? "not declared" : dataset.lawful_basis},
                                  {"retention", dataset.retention.empty() ? "not declared" : dataset.retention},
                                  {"basis_gap", mu::data(dataset.lawful_basis.empty())},
                                  {"retention_gap", mu::data(dataset.retention.empty())},
                                  {"reaches", plain_list(dataset.reaches)},
                                  {"minimisation", minimisation_of(dataset.path, groups)},
                                  {"columns", columns}, {"has_columns", mu::data(!dataset.columns.empty())}});
  }
  data.set("privacy_datasets", datasets);
  mu::data risks = risk_register(groups);
  data.set("has_risks", mu::data(!risks.is_empty_list()));
  data.set("risks", risks);
  mu::data fields{mu::data::type::list};
  for (const auto& field : record.code_fields)
    fields.push_back(mu::object{{"location", where(field.location)}, {"name", field.name}, {"label", field.label},
                                {"context", field.context}});
  data.set("privacy_fields", fields);
  data.set("has_privacy_fields", mu::data(!record.code_fields.empty()));
  data.set("privacy_field_count", std::to_string(record.code_fields.size()));
  mu::data entries{mu::data::type::list};
  for (const auto& entry : record.record)
    entries.push_back(mu::object{{"article", entry.article}, {"label", entry.label}, {"value", entry.value},
                                 {"source", entry.source}, {"gap", mu::data(entry.gap)}});
  data.set("record_entries", entries);
  data.set("record_gaps", std::to_string(record.gaps()));
  mu::data criteria{mu::data::type::list};
  for (const auto& criterion : record.dpia_criteria)
    criteria.push_back(mu::object{{"label", criterion.label}, {"why", criterion.why}, {"met", mu::data(criterion.met)}});
  data.set("dpia_criteria", criteria);
  data.set("has_dpia", mu::data(!record.dpia_criteria.empty()));
  std::string dpia = std::to_string(record.dpia_met) + " of the 9 criteria are met. ";
  if (record.dpia_met >= 2)
    dpia += record.dpia_reference.empty() ? "Two or more met: a DPIA is likely required (Art. 35), and none is declared."
                                          : "Two or more met: a DPIA is likely required; the project declares " +
                                                record.dpia_reference + ".";
  else
    dpia += "Fewer than two met: a DPIA is not presumed required, but the screening should be filed.";
  data.set("dpia_summary", dpia);
  data.set("dpia_required", mu::data(record.dpia_met >= 2 && record.dpia_reference.empty()));
  mu::data transfers{mu::data::type::list};
  for (const auto& transfer : record.transfers)
    transfers.push_back(mu::object{{"recipient", transfer.recipient},
                                   {"region", transfer.region + (transfer.region_declared ? " (declared)" : "")},
                                   {"outside_eea", transfer.outside_eea},
                                   {"gap", mu::data(transfer.outside_eea != "no" && transfer.mechanism.empty())},
                                   {"mechanism", transfer.mechanism.empty() ? "not declared" : transfer.mechanism},
                                   {"agreement", transfer.processor_agreement.empty() ? "not declared" : transfer.processor_agreement},
                                   {"categories", category_list(transfer.categories)},
                                   {"sources", plain_list(transfer.sources)},
                                   {"location", where(transfer.location)}});
  data.set("transfers", transfers);
  data.set("has_transfers", mu::data(!record.transfers.empty()));
  mu::data lineage{mu::data::type::list};
  for (const auto& path : record.lineage) {
    mu::data steps{mu::data::type::list};
    for (const auto& step : path.steps)
      steps.push_back(mu::object{{"element", step.element}, {"via", step.via}, {"location", where(step.location)}});
    lineage.push_back(mu::object{{"source", path.source}, {"sink", path.sink}, {"sink_type", path.sink_type},
                                 {"categories", category_list(path.categories)}, {"steps", steps}});
  }
  data.set("personal_lineage", lineage);
  data.set("has_personal_lineage", mu::data(!record.lineage.empty()));
}

// The model probes declared in .mlaudit.yml and run during the scan: measures and figures.
void add_probe_data(const ScanResult& result, mu::data& data) {
  mu::data probes{mu::data::type::list};
  auto fixed = [](double value, const char* format = "%.3f") {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, format, value);
    return std::string(buffer);
  };
  for (const auto& run : result.probes) {
    if (!run.outcome.ran) continue;
    const ProbeReport& report = run.outcome.report;
    mu::object probe{{"model", run.model},
                     {"sha256", report.model_sha256.value_or("")},
                     {"summary", std::to_string(report.classes) + " classes, outputs " + report.output_kind + ", " +
                                     std::to_string(report.samples) + " inputs, on " + report.device}};
    if (const auto& evasion = report.evasion) {
      probe["has_evasion"] = mu::data(true);
      probe["clean_accuracy"] = fixed(evasion->clean_accuracy);
      probe["robustness_svg"] = robustness_curve_svg(*evasion);
      mu::data rows{mu::data::type::list};
      for (const auto& curve : evasion->curves)
        for (const auto& point : curve.points)
          rows.push_back(mu::object{{"attack", curve.attack}, {"eps", fixed(point.eps, "%g")},
                                    {"robust", fixed(point.robust_accuracy)}, {"success", fixed(point.success_rate)}});
      probe["evasion_rows"] = std::move(rows);
      mu::data examples{mu::data::type::list};
      for (const auto& example : report.figures.adversarial_examples) {
        std::string original = image_svg(example.original), adversarial = image_svg(example.adversarial);
        if (original.empty()) continue;
        examples.push_back(mu::object{{"original", original}, {"adversarial", adversarial},
                                      {"caption", example.attack + " ε " + fixed(example.eps, "%g") + ": " +
                                                      std::to_string(example.label) + " → " +
                                                      std::to_string(example.adversarial_label)}});
      }
      bool any_example = !examples.is_empty_list();
      probe["examples"] = std::move(examples);
      probe["has_examples"] = mu::data(any_example);
    }
    if (const auto& backdoor = report.backdoor) {
      probe["has_backdoor"] = mu::data(true);
      probe["backdoor_flagged"] = mu::data(backdoor->flagged);
      std::string target = backdoor->target_class ? std::to_string(*backdoor->target_class) : "null";
      probe["backdoor_verdict"] = (backdoor->verdict == "suspected"      ? "Backdoor suspected, class " + target + ": "
                                   : backdoor->verdict == "inconclusive" ? std::string("Inconclusive: ")
                                                                         : std::string("No backdoor found: ")) +
                                  backdoor->reason + ".";
      probe["anomaly_svg"] = anomaly_index_svg(*backdoor);
      mu::data triggers{mu::data::type::list};
      for (const auto& trigger : report.figures.triggers.value_or(std::vector<TriggerFigure>{})) {
        std::string mask = trigger.mask.is_null() ? "" : image_svg(trigger.mask, 5);
        if (mask.empty()) continue;
        auto at = static_cast<size_t>(trigger.target_class);
        std::string per_class = at < backdoor->classes.size()
                                    ? ", held-out success " + fixed(backdoor->classes[at].heldout_attack_success, "%.2f") +
                                          ", STRIP entropy " + fixed(backdoor->classes[at].strip_entropy, "%.3f")
                                    : "";
        triggers.push_back(mu::object{{"class", std::to_string(trigger.target_class)}, {"mask", mask},
                                      {"pattern", trigger.pattern.is_null() ? "" : image_svg(trigger.pattern, 5)},
                                      {"l1", fixed(trigger.l1, "%.2f")},
                                      {"index", fixed(trigger.anomaly_index, "%.2f")}, {"evidence", per_class}});
      }
      bool any_trigger = !triggers.is_empty_list();
      probe["triggers"] = std::move(triggers);
      probe["has_triggers"] = mu::data(any_trigger);
    }
    if (const auto& strip = report.strip)
      probe["strip"] = fixed(strip->flagged_rate * 100, "%.0f") + "% of " + std::to_string(strip->inputs) +
                       " inputs keep their prediction when blended (entropy below " + fixed(strip->threshold) +
                       ", clean inputs' 1% quantile): they look triggered.";
    if (const auto& poisoning = report.poisoning) {
      mu::data methods{mu::data::type::list};
      for (const auto& method : poisoning->methods) {
        std::string top;
        for (size_t i = 0; i < method.suspects.size() && i < 12; ++i)
          top += (i ? ", " : "") + std::to_string(method.suspects[i].index) + " (" + fixed(method.suspects[i].score, "%.2f") + ")";
        methods.push_back(mu::object{{"method", method.method}, {"count", std::to_string(method.count)},
                                     {"top", top.empty() ? std::string("—") : top}});
      }
      probe["poisoning"] = std::move(methods);
      probe["has_poisoning"] = mu::data(true);
    }
    if (const auto& membership = report.membership) {
      probe["has_membership"] = mu::data(true);
      probe["membership"] = "Strongest attack: " + membership->strongest_attack + ", AUC " + fixed(membership->auc) +
                            " (95% interval " + fixed(membership->auc_ci[0]) + "–" + fixed(membership->auc_ci[1]) +
                            "), true-positive rate at 0.1% false positives " + fixed(membership->tpr_at_01pct_fpr) +
                            ", at 1% false positives " + fixed(membership->tpr_at_1pct_fpr) + "; accuracy on members " +
                            fixed(membership->member_accuracy) + ", on non-members " + fixed(membership->nonmember_accuracy) + ".";
      probe["roc_svg"] = roc_svg(*membership);
    }
    probes.push_back(probe);
  }
  data.set("has_probes", mu::data(!probes.is_empty_list()));
  data.set("probes", probes);
}

void add_overview(const ScanResult& result, const ScanSummary& summary, mu::data& data) {
  data.set("version", MLAUDIT_VERSION);
  data.set("project", result.target_name);
  data.set("root", result.root.string());
  data.set("started_at", result.started_at);
  data.set("print_header", css_string("ML audit report: " + result.target_name + " · " + result.started_at));
  data.set("files_scanned", std::to_string(result.stats.files_scanned));
  data.set("files_skipped", std::to_string(result.stats.files_skipped + result.walk.skipped.size()));
  data.set("rule_count", std::to_string(result.rules.rules.size()));
  data.set("advisory_data", result.dependencies.snapshot);
  data.set("css", embedded_text("reports/html/report.css"));
  data.set("script", embedded_text("reports/html/report.js"));
  mu::data cards{mu::data::type::list};
  for (Severity severity : {Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::info}) {
    auto found = summary.by_severity.find(severity);
    cards.push_back(mu::object{{"severity", std::string(to_string(severity))},
                               {"label", severity_label(severity)},
                               {"count", std::to_string(found == summary.by_severity.end() ? 0 : found->second)}});
  }
  data.set("severity_cards", cards);
  mu::data stride_rows{mu::data::type::list};
  for (const auto& entry : TaxonomyCatalogs::embedded().catalog("stride")->entries) {
    auto found = summary.by_stride.find(entry.id);
    stride_rows.push_back(mu::object{{"name", entry.name}, {"description", entry.description},
                                     {"count", std::to_string(found == summary.by_stride.end() ? 0 : found->second)}});
  }
  data.set("stride_rows", stride_rows);
}

// "art-22" → 22, "AML.T0010" → 10: items of one framework sort by number, not as text.
long article_number(const std::string& id) {
  size_t digit = id.find_first_of("0123456789");
  return digit == std::string::npos ? 0 : std::strtol(id.c_str() + digit, nullptr, 10);
}

// Articles and framework items that unsuppressed findings cite.
void add_regulations(const ScanResult& result, mu::data& data) {
  // Keyed by family, then the article's number (Art. 5 before Art. 22), then the id.
  std::map<std::tuple<const TaxonFamily*, long, std::string>, size_t> cited;
  for (const auto& finding : result.findings) {
    if (finding.suppression) continue;
    for_each_taxon(finding.rule->taxonomy, [&](const TaxonFamily& family, const std::string& id) {
      if (family.framework) ++cited[{&family, article_number(id), id}];
    });
  }
  mu::data regulation_rows{mu::data::type::list};
  for (const auto& [key, count] : cited) {
    const auto& [family, number, id] = key;
    const TaxonomyCatalog* catalog = TaxonomyCatalogs::embedded().catalog(std::string(family->key));
    const TaxonomyEntry* entry = catalog ? catalog->find(id) : nullptr;
    if (!entry) continue;
    regulation_rows.push_back(mu::object{{"framework", catalog->name},
                                         {"name", (family->label_shows_id ? id + " " : "") + entry->name},
                                         {"url", entry->url}, {"count", std::to_string(count)}});
  }
  data.set("has_regulation_rows", mu::data(!cited.empty()));
  data.set("regulation_rows", regulation_rows);
}

// The diagram as text for readers who cannot see it (and for search): every element and
// flow, names through the report masker, up to a cap the JSON report does not have.
void add_diagram_text(const DataFlowDiagram& diagram, mu::data& data) {
  constexpr size_t kMaxRows = 300;
  const auto& graph = diagram.graph();
  auto kind_label = [](ElementKind kind) {
    return kind == ElementKind::external_entity ? "outside party" : kind == ElementKind::data_store ? "store" : "program";
  };
  mu::data elements{mu::data::type::list}, flows{mu::data::type::list};
  size_t element_count = 0, flow_count = 0;
  for (auto [it, end] = boost::vertices(graph); it != end; ++it, ++element_count) {
    if (element_count >= kMaxRows) continue;
    const Element& element = graph[*it];
    const TrustZone* zone = diagram.zone(element.zone);
    elements.push_back(mu::object{{"name", Redactor::redact_text(element.name)},
                                  {"kind", std::string(kind_label(element.kind)) + ", " + element.type},
                                  {"zone", zone ? zone->name : element.zone}});
  }
  for (auto [it, end] = boost::edges(graph); it != end; ++it, ++flow_count) {
    if (flow_count >= kMaxRows) continue;
    const Flow& flow = graph[*it];
    std::string notes;
    if (flow.props.value("personal", false)) notes = "personal data";
    if (flow.props.value("crosses_external_boundary", false)) notes += (notes.empty() ? "" : ", ") + std::string("crosses a trust boundary");
    flows.push_back(mu::object{{"from", Redactor::redact_text(graph[boost::source(*it, graph)].name)},
                               {"to", Redactor::redact_text(graph[boost::target(*it, graph)].name)},
                               {"label", Redactor::redact_text(flow.label)}, {"notes", notes}});
  }
  data.set("diagram_elements", elements);
  data.set("diagram_flows", flows);
  data.set("diagram_text_summary", std::to_string(element_count) + " elements, " + std::to_string(flow_count) + " flows" +
                                       (element_count > kMaxRows || flow_count > kMaxRows
                                            ? " (the first " + std::to_string(kMaxRows) + " of each; the JSON report has all)"
                                            : std::string()));
}

// The diagram, with elements that findings name outlined by their worst severity, and the
// lineage of the datasets.
void add_diagram(const ScanResult& result, mu::data& data) {
  DotOptions dot_options;
  for (const auto& finding : result.findings) {
    if (finding.suppression) continue;
    for (const auto& id : finding.elements) {
      auto [worst, added] = dot_options.highlights.try_emplace(id, finding.severity);
      if (!added) worst->second = std::max(worst->second, finding.severity);
    }
  }
  DotGraph dot = to_dot(result.diagram, dot_options);
  std::string svg = render_svg(dot.text);
  data.set("svg", svg.empty() ? "<p>The diagram could not be drawn (Graphviz layout failed).</p>" : svg);
  if (dot.shown < dot.total)
    data.set("diagram_note", "The project has " + std::to_string(dot.total) + " elements; the diagram shows the " +
                                 std::to_string(dot.shown) + " involved in findings and their neighbours. `mlaudit graph` exports all of it.");
  const auto& graph = result.diagram.graph();
  add_diagram_text(result.diagram, data);
  mu::data lineage{mu::data::type::list};
  for (const auto& path : result.lineage) {
    std::string steps = graph[path.source].name;
    for (auto edge : path.flows) steps += " → " + graph[boost::target(edge, graph)].name;
    lineage.push_back(mu::object{{"steps", steps}});
  }
  data.set("has_lineage", mu::data(!lineage.is_empty_list()));
  data.set("lineage", lineage);
}

// The first screen: the release decision, what to fix first and who acts, the GDPR status.
void add_release_summary(const ScanResult& result, const ScanSummary& summary, const std::vector<RuleGroup>& groups,
                         mu::data& data) {
  ReleaseDecision decision = release_decision(summary, groups);
  data.set("verdict", decision.line);
  data.set("verdict_class", decision.css_class);
  mu::data first{mu::data::type::list};
  for (const RuleGroup* group : fix_first(groups)) {
    size_t count = group->findings.size();
    first.push_back(mu::object{{"worst", std::string(to_string(group->worst))}, {"title", group->rule->title},
                               {"anchor", "rule-" + group->rule->id}, {"owner", std::string(to_string(owner_of(*group->rule)))},
                               {"places", std::to_string(count) + (count == 1 ? " place" : " places")},
                               {"first", where(group->findings.front()->location)}});
  }
  data.set("has_fix_first", mu::data(!first.is_empty_list()));
  data.set("fix_first", first);
  mu::data strip{mu::data::type::list};
  for (const auto& cell : gdpr_status(result.privacy))
    strip.push_back(mu::object{{"label", cell.label}, {"value", cell.value}, {"attention", mu::data(cell.attention)}});
  data.set("gdpr_status", strip);
}

void add_findings(const ScanResult& result, const ScanSummary& summary, const std::vector<RuleGroup>& groups,
                  mu::data& data) {
  mu::data rule_groups{mu::data::type::list};
  for (const auto& group : groups) rule_groups.push_back(group_data(group));
  data.set("rule_groups", rule_groups);
  data.set("finding_total", std::to_string(summary.total));
  mu::data suppressed{mu::data::type::list};
  for (const auto& finding : result.findings) {
    if (!finding.suppression) continue;
    suppressed.push_back(mu::object{{"severity", std::string(to_string(finding.severity))}, {"title", finding.rule->title},
                                    {"location", where(finding.location)},
                                    {"justification", finding.suppression->justification}});
  }
  data.set("has_findings", mu::data(summary.total > 0));
  data.set("has_suppressed", mu::data(summary.suppressed > 0));
  data.set("suppressed_count", std::to_string(summary.suppressed));
  data.set("suppressed", suppressed);
  if (result.in_baseline > 0) data.set("in_baseline", std::to_string(result.in_baseline));
}

void add_inventory(const ScanResult& result, mu::data& data) {
  mu::data inventory{mu::data::type::list};
  for (const auto& item : result.inventory) {
    std::string verdict(to_string(item.verdict));
    std::string css = verdict.substr(0, verdict.find(' '));
    inventory.push_back(mu::object{{"path", item.path},
                                   {"kind", item.model ? "model" : "dataset"},
                                   {"format", item.format},
                                   {"detail", item.detail},
                                   {"size", human_size(item.size)},
                                   {"verdict", verdict},
                                   {"verdict_class", css},
                                   {"verdict_reason", item.verdict_reason},
                                   {"loaded_by", plain_list(item.loaded_by)},
                                   {"trained_on", plain_list(item.trained_on)},
                                   {"integrity", item.integrity},
                                   {"sha256", item.sha256.empty() ? "unreadable" : item.sha256}});
  }
  data.set("inventory", inventory);
}

// Files not analysed and why, the scan's problems, and the rules that ran.
void add_scan_notes(const ScanResult& result, mu::data& data) {
  SkippedListing listing = list_skipped(result);
  mu::data skipped{mu::data::type::list};
  for (const auto& item : listing.listed)
    skipped.push_back(mu::object{{"path", item.path + (item.folder ? "/" : "")}, {"reason", item.reason}});
  for (const auto& [reason, count] : listing.more)
    skipped.push_back(mu::object{{"path", "… " + std::to_string(count) + " more (the JSON report lists them)"}, {"reason", reason}});
  data.set("skipped", skipped);
  mu::data diagnostics{mu::data::type::list};
  for (const auto& diagnostic : result.diagnostics)
    diagnostics.push_back(mu::object{{"level", std::string(to_string(diagnostic.level))},
                                     {"location", where(diagnostic.location)}, {"message", diagnostic.message}});
  data.set("has_diagnostics", mu::data(!result.diagnostics.empty()));
  data.set("diagnostics", diagnostics);
  mu::data rules{mu::data::type::list};
  for (const auto& rule : result.rules.rules)
    rules.push_back(mu::object{{"id", rule->id}, {"title", rule->title}, {"severity", std::string(to_string(rule->severity))},
                               {"stride", rule->taxonomy.stride}});
  data.set("rules", rules);
}

}  // namespace

std::string html_report(const ScanResult& result) {
  ScanSummary summary = summarize(result);
  std::vector<RuleGroup> groups = group_by_rule(result);
  mu::data data;
  add_overview(result, summary, data);
  add_release_summary(result, summary, groups, data);
  add_regulations(result, data);
  add_diagram(result, data);
  add_findings(result, summary, groups, data);
  add_inventory(result, data);
  add_privacy_data(result.privacy, groups, data);
  add_probe_data(result, data);
  add_scan_notes(result, data);
  mu::mustache page(embedded_text("reports/html/report.mustache"));
  if (!page.is_valid()) throw std::logic_error("report template: " + page.error_message());
  return page.render(data);
}

}  // namespace mlaudit
