#include "probe_contract/probe_report.h"

#include <limits>

#include "probe_contract/attacks.h"

namespace mlaudit {
namespace {

using json = nlohmann::ordered_json;

// Poisoning methods, in the report's order.
constexpr std::array<const char*, 4> kPoisoningMethods{"activation_clustering", "spectral_signatures", "label_noise", "combined"};

// ---- reading: every access names its key path, so a bad report says where it is bad ----

std::string kind_of(const json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_array()) return "a list";
  return "an object";
}

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw ProbeReportError("`" + path + "` " + problem);
}

double as_number(const json& value, const std::string& path) {
  if (value.is_null()) return std::numeric_limits<double>::quiet_NaN();   // JSON has no NaN: the child writes null
  if (!value.is_number()) fail(path, "should be a number, not " + kind_of(value));
  return value.get<double>();
}

int64_t as_integer(const json& value, const std::string& path) {
  if (!value.is_number_integer()) fail(path, "should be a whole number, not " + kind_of(value));
  return value.get<int64_t>();
}

std::string as_text(const json& value, const std::string& path) {
  if (!value.is_string()) fail(path, "should be a string, not " + kind_of(value));
  return value.get<std::string>();
}

bool as_boolean(const json& value, const std::string& path) {
  if (!value.is_boolean()) fail(path, "should be true or false, not " + kind_of(value));
  return value.get<bool>();
}

const json& as_list(const json& value, const std::string& path) {
  if (!value.is_array()) fail(path, "should be a list, not " + kind_of(value));
  return value;
}

std::array<double, 2> as_pair(const json& value, const std::string& path) {
  if (!value.is_array() || value.size() != 2) fail(path, "should be a list of two numbers");
  return {as_number(value[0], path + "[0]"), as_number(value[1], path + "[1]")};
}

// One JSON object and the key path that leads to it.
class Object {
 public:
  Object(const json& node, std::string path) : node_(node), path_(std::move(path)) {
    if (!node_.is_object()) fail(path_.empty() ? "(the document)" : path_, "should be an object, not " + kind_of(node_));
  }
  std::string path_of(std::string_view key) const { return path_.empty() ? std::string(key) : path_ + "." + std::string(key); }
  bool has(std::string_view key) const { return node_.contains(key) && !node_[std::string(key)].is_null(); }
  const json& at(std::string_view key) const {
    auto found = node_.find(key);
    if (found == node_.end()) fail(path_of(key), "is missing");
    return *found;
  }
  double number(std::string_view key) const { return as_number(at(key), path_of(key)); }
  int64_t integer(std::string_view key) const { return as_integer(at(key), path_of(key)); }
  std::string text(std::string_view key) const { return as_text(at(key), path_of(key)); }
  bool boolean(std::string_view key) const { return as_boolean(at(key), path_of(key)); }
  std::array<double, 2> pair(std::string_view key) const { return as_pair(at(key), path_of(key)); }
  Object object(std::string_view key) const { return Object(at(key), path_of(key)); }
  const json& node() const { return node_; }
  // Each item of the list at `key`, read by `read(item, item_path)`.
  template <typename Read>
  auto list(std::string_view key, Read read) const {
    const json& items = as_list(at(key), path_of(key));
    std::vector<decltype(read(items[0], std::string()))> out;
    for (size_t i = 0; i < items.size(); ++i) out.push_back(read(items[i], path_of(key) + "[" + std::to_string(i) + "]"));
    return out;
  }

 private:
  const json& node_;
  std::string path_;
};

std::vector<std::array<double, 2>> curve_from(const json& value, const std::string& path) {
  std::vector<std::array<double, 2>> curve;
  const json& points = as_list(value, path);
  for (size_t i = 0; i < points.size(); ++i) curve.push_back(as_pair(points[i], path + "[" + std::to_string(i) + "]"));
  return curve;
}

EvasionReport evasion_from(const Object& in) {
  EvasionReport out;
  out.clean_accuracy = in.number("clean_accuracy");
  for (const auto& [name, section] : kProbeAttacks) {
    std::string attack(name);
    if (section != "evasion" || !in.has(attack)) continue;
    out.curves.push_back({attack, in.list(attack, [](const json& item, const std::string& path) {
                            Object point(item, path);
                            return EvasionCurvePoint{point.number("eps"), point.number("robust_accuracy"), point.number("success_rate")};
                          })});
  }
  Object settings = in.object("settings");
  out.settings = {static_cast<int>(settings.integer("steps")), settings.text("step_size"), settings.boolean("random_start"),
                  settings.boolean("targeted"), settings.pair("clip"), settings.integer("samples")};
  return out;
}

BackdoorReport backdoor_from(const Object& in) {
  BackdoorReport out;
  out.verdict = in.text("verdict");
  out.reason = in.text("reason");
  out.flagged = in.boolean("flagged");
  if (in.has("target_class")) out.target_class = in.integer("target_class");
  auto number_item = [](const json& item, const std::string& path) { return as_number(item, path); };
  out.anomaly_index = in.list("anomaly_index", number_item);
  out.threshold = in.number("threshold");
  out.trigger_l1 = in.list("trigger_l1", number_item);
  out.classes = in.list("classes", [](const json& item, const std::string& path) {
    Object entry(item, path);
    BackdoorClassReport one;
    one.target_class = entry.integer("class");
    one.mask_l1 = entry.number("mask_l1");
    one.start_l1 = entry.list("start_l1", [](const json& value, const std::string& at) {
      return value.is_null() ? std::optional<double>() : std::optional<double>(as_number(value, at));
    });
    one.reached_success_target = entry.boolean("reached_success_target");
    one.attack_success = entry.number("attack_success");
    one.heldout_attack_success = entry.number("heldout_attack_success");
    one.strip_entropy = entry.number("strip_entropy");
    one.anomaly_index = entry.number("anomaly_index");
    return one;
  });
  out.clean_strip_entropy_mean = in.number("clean_strip_entropy_mean");
  out.strip_entropy_threshold = in.number("strip_entropy_threshold");
  Object settings = in.object("settings");
  out.settings = {static_cast<int>(settings.integer("steps")), static_cast<int>(settings.integer("restarts")),
                  settings.integer("batch"),     settings.number("heldout_success"),
                  settings.number("strip_quantile"), settings.number("min_spread"),
                  settings.integer("optimisation_inputs"), settings.integer("heldout_inputs")};
  out.method = in.text("method");
  return out;
}

StripReport strip_from(const Object& in) {
  StripReport out;
  out.threshold = in.number("threshold");
  out.clean_entropy_mean = in.number("clean_entropy_mean");
  out.clean_entropy_std = in.number("clean_entropy_std");
  out.suspect_entropy_mean = in.number("suspect_entropy_mean");
  out.inputs = in.integer("inputs");
  out.flagged_indices = in.list("flagged_indices", [](const json& item, const std::string& path) { return as_integer(item, path); });
  out.flagged_rate = in.number("flagged_rate");
  return out;
}

PoisoningReport poisoning_from(const Object& in) {
  PoisoningReport out;
  Object suspected = in.object("suspected_indices"), counts = in.object("counts");
  for (const char* method : kPoisoningMethods)
    out.methods.push_back({method, suspected.list(method, [](const json& item, const std::string& path) {
                             Object suspect(item, path);
                             return SuspectScore{suspect.integer("index"), suspect.number("score")};
                           }),
                           counts.integer(method)});
  if (in.has("layer")) out.layer = in.text("layer");
  out.layers = in.list("layers", [](const json& item, const std::string& path) {
    Object layer(item, path);
    return LayerSeparationReport{layer.text("layer"), layer.number("separation")};
  });
  out.classes = in.list("classes", [](const json& item, const std::string& path) {
    Object entry(item, path);
    return PoisoningClassReport{entry.integer("class"), entry.integer("samples"), entry.number("silhouette"),
                                entry.number("spread_index"), entry.integer("poison_cluster"), entry.pair("source_entropy")};
  });
  out.label_noise_ran = in.boolean("label_noise_ran");
  out.train_samples = in.integer("train_samples");
  return out;
}

RocReport roc_from(const std::string& attack, const Object& in) {
  return {attack, in.number("auc"), in.pair("auc_ci"), in.number("tpr_at_01pct_fpr"), in.pair("tpr_at_01pct_fpr_ci"),
          in.number("tpr_at_1pct_fpr"), in.pair("tpr_at_1pct_fpr_ci"), curve_from(in.at("curve"), in.path_of("curve"))};
}

MembershipReport membership_from(const Object& in) {
  MembershipReport out;
  out.strongest_attack = in.text("strongest_attack");
  out.auc = in.number("auc");
  out.auc_ci = in.pair("auc_ci");
  out.tpr_at_01pct_fpr = in.number("tpr_at_01pct_fpr");
  out.tpr_at_1pct_fpr = in.number("tpr_at_1pct_fpr");
  out.tpr_at_1pct_fpr_ci = in.pair("tpr_at_1pct_fpr_ci");
  out.member_accuracy = in.number("member_accuracy");
  out.nonmember_accuracy = in.number("nonmember_accuracy");
  out.member_loss = in.number("member_loss");
  out.shadows = static_cast<int>(in.integer("shadows"));
  out.shadow_epochs = in.list("shadow_epochs", [](const json& item, const std::string& path) {
    return static_cast<int>(as_integer(item, path));
  });
  Object attacks = in.object("attacks");
  for (const auto& [name, attack] : attacks.node().items()) out.attacks.push_back(roc_from(name, attacks.object(name)));
  return out;
}

ProbeFigures figures_from(const Object& in) {
  ProbeFigures out;
  out.adversarial_examples = in.list("adversarial_examples", [](const json& item, const std::string& path) {
    Object example(item, path);
    return AdversarialExampleFigure{example.text("attack"), example.number("eps"), example.integer("index"),
                                    example.integer("label"), example.integer("adversarial_label"), example.at("original"),
                                    example.at("adversarial")};
  });
  if (in.has("triggers"))
    out.triggers = in.list("triggers", [](const json& item, const std::string& path) {
      Object trigger(item, path);
      return TriggerFigure{trigger.integer("class"), trigger.number("l1"), trigger.number("attack_success"),
                           trigger.number("anomaly_index"), trigger.at("mask"), trigger.at("pattern")};
    });
  if (in.has("membership_roc")) {
    Object curves = in.object("membership_roc");
    out.membership_roc.emplace();
    for (const auto& [name, curve] : curves.node().items())
      out.membership_roc->push_back({name, curve_from(curve, curves.path_of(name))});
  }
  return out;
}

// ---- writing ----

json pair_json(const std::array<double, 2>& pair) { return json::array({pair[0], pair[1]}); }

json curve_json(const std::vector<std::array<double, 2>>& curve) {
  json out = json::array();
  for (const auto& point : curve) out.push_back(pair_json(point));
  return out;
}

json roc_json(const RocReport& roc) {
  return {{"auc", roc.auc},
          {"auc_ci", pair_json(roc.auc_ci)},
          {"tpr_at_01pct_fpr", roc.tpr_at_01pct_fpr},
          {"tpr_at_01pct_fpr_ci", pair_json(roc.tpr_at_01pct_fpr_ci)},
          {"tpr_at_1pct_fpr", roc.tpr_at_1pct_fpr},
          {"tpr_at_1pct_fpr_ci", pair_json(roc.tpr_at_1pct_fpr_ci)},
          {"curve", curve_json(roc.curve)}};
}

json evasion_json(const EvasionReport& evasion) {
  json out = {{"clean_accuracy", evasion.clean_accuracy}};
  for (const auto& curve : evasion.curves) {
    json points = json::array();
    for (const auto& point : curve.points)
      points.push_back({{"eps", point.eps}, {"robust_accuracy", point.robust_accuracy}, {"success_rate", point.success_rate}});
    out[curve.attack] = points;
  }
  const auto& settings = evasion.settings;
  out["settings"] = {{"steps", settings.steps}, {"step_size", settings.step_size}, {"random_start", settings.random_start},
                     {"targeted", settings.targeted}, {"clip", pair_json(settings.clip)}, {"samples", settings.samples}};
  return out;
}

json backdoor_json(const BackdoorReport& backdoor) {
  json classes = json::array();
  for (const auto& entry : backdoor.classes) {
    json starts = json::array();
    for (const auto& l1 : entry.start_l1) starts.push_back(l1 ? json(*l1) : json(nullptr));
    classes.push_back({{"class", entry.target_class}, {"mask_l1", entry.mask_l1}, {"start_l1", starts},
                       {"reached_success_target", entry.reached_success_target}, {"attack_success", entry.attack_success},
                       {"heldout_attack_success", entry.heldout_attack_success}, {"strip_entropy", entry.strip_entropy},
                       {"anomaly_index", entry.anomaly_index}});
  }
  const auto& settings = backdoor.settings;
  return {{"verdict", backdoor.verdict},
          {"reason", backdoor.reason},
          {"flagged", backdoor.flagged},
          {"target_class", backdoor.target_class ? json(*backdoor.target_class) : json(nullptr)},
          {"anomaly_index", backdoor.anomaly_index},
          {"threshold", backdoor.threshold},
          {"trigger_l1", backdoor.trigger_l1},
          {"classes", classes},
          {"clean_strip_entropy_mean", backdoor.clean_strip_entropy_mean},
          {"strip_entropy_threshold", backdoor.strip_entropy_threshold},
          {"settings", {{"steps", settings.steps}, {"restarts", settings.restarts}, {"batch", settings.batch},
                        {"heldout_success", settings.heldout_success}, {"strip_quantile", settings.strip_quantile},
                        {"min_spread", settings.min_spread}, {"optimisation_inputs", settings.optimisation_inputs},
                        {"heldout_inputs", settings.heldout_inputs}}},
          {"method", backdoor.method}};
}

json strip_json(const StripReport& strip) {
  return {{"threshold", strip.threshold},
          {"clean_entropy_mean", strip.clean_entropy_mean},
          {"clean_entropy_std", strip.clean_entropy_std},
          {"suspect_entropy_mean", strip.suspect_entropy_mean},
          {"inputs", strip.inputs},
          {"flagged_indices", strip.flagged_indices},
          {"flagged_rate", strip.flagged_rate}};
}

json poisoning_json(const PoisoningReport& poisoning) {
  json suspected = json::object(), counts = json::object(), layers = json::array(), classes = json::array();
  for (const auto& method : poisoning.methods) {
    json list = json::array();
    for (const auto& suspect : method.suspects) list.push_back({{"index", suspect.index}, {"score", suspect.score}});
    suspected[method.method] = list;
    counts[method.method] = method.count;
  }
  for (const auto& layer : poisoning.layers) layers.push_back({{"layer", layer.layer}, {"separation", layer.separation}});
  for (const auto& split : poisoning.classes)
    classes.push_back({{"class", split.label}, {"samples", split.samples}, {"silhouette", split.silhouette},
                       {"spread_index", split.spread_index}, {"poison_cluster", split.poison_cluster},
                       {"source_entropy", pair_json(split.source_entropy)}});
  return {{"suspected_indices", suspected},
          {"counts", counts},
          {"layer", poisoning.layer ? json(*poisoning.layer) : json(nullptr)},
          {"layers", layers},
          {"classes", classes},
          {"label_noise_ran", poisoning.label_noise_ran},
          {"train_samples", poisoning.train_samples}};
}

json membership_json(const MembershipReport& membership) {
  json attacks = json::object();
  for (const auto& attack : membership.attacks) attacks[attack.attack] = roc_json(attack);
  return {{"strongest_attack", membership.strongest_attack},
          {"auc", membership.auc},
          {"auc_ci", pair_json(membership.auc_ci)},
          {"tpr_at_01pct_fpr", membership.tpr_at_01pct_fpr},
          {"tpr_at_1pct_fpr", membership.tpr_at_1pct_fpr},
          {"tpr_at_1pct_fpr_ci", pair_json(membership.tpr_at_1pct_fpr_ci)},
          {"member_accuracy", membership.member_accuracy},
          {"nonmember_accuracy", membership.nonmember_accuracy},
          {"member_loss", membership.member_loss},
          {"shadows", membership.shadows},
          {"shadow_epochs", membership.shadow_epochs},
          {"attacks", attacks}};
}

json figures_json(const ProbeFigures& figures) {
  json out = json::object(), examples = json::array();
  for (const auto& example : figures.adversarial_examples)
    examples.push_back({{"attack", example.attack}, {"eps", example.eps}, {"index", example.index}, {"label", example.label},
                        {"adversarial_label", example.adversarial_label}, {"original", example.original},
                        {"adversarial", example.adversarial}});
  out["adversarial_examples"] = examples;
  if (figures.triggers) {
    json triggers = json::array();
    for (const auto& trigger : *figures.triggers)
      triggers.push_back({{"class", trigger.target_class}, {"l1", trigger.l1}, {"attack_success", trigger.attack_success},
                          {"anomaly_index", trigger.anomaly_index}, {"mask", trigger.mask}, {"pattern", trigger.pattern}});
    out["triggers"] = triggers;
  }
  if (figures.membership_roc) {
    json curves = json::object();
    for (const auto& roc : *figures.membership_roc) curves[roc.attack] = curve_json(roc.curve);
    out["membership_roc"] = curves;
  }
  return out;
}

template <typename Section, typename Write>
json section_json(const std::optional<Section>& section, Write write) {
  return section ? write(*section) : json(nullptr);
}

}  // namespace

int64_t PoisoningReport::count(std::string_view method) const {
  for (const auto& entry : methods)
    if (entry.method == method) return entry.count;
  return 0;
}

json ProbeReport::to_json() const {
  json model = {{"path", model_path}};
  if (model_sha256) model["sha256"] = *model_sha256;
  json notes = json::array(), timings = json::object();
  for (const auto& note : diagnostics) notes.push_back({{"probe", note.probe}, {"message", note.message}});
  for (const auto& timing : seconds) timings[timing.probe] = timing.seconds;
  return {{"model", model},
          {"device", device},
          {"libtorch", libtorch},
          {"output_kind", output_kind},
          {"classes", classes},
          {"samples", samples},
          {"evasion", section_json(evasion, evasion_json)},
          {"backdoor", section_json(backdoor, backdoor_json)},
          {"strip", section_json(strip, strip_json)},
          {"poisoning", section_json(poisoning, poisoning_json)},
          {"membership", section_json(membership, membership_json)},
          {"diagnostics", notes},
          {"seconds", timings},
          {"figures", figures_json(figures)}};
}

ProbeReport ProbeReport::from_json(const json& document) {
  Object in(document, "");
  ProbeReport report;
  Object model = in.object("model");
  report.model_path = model.text("path");
  if (model.has("sha256")) report.model_sha256 = model.text("sha256");
  report.device = in.text("device");
  report.libtorch = in.text("libtorch");
  report.output_kind = in.text("output_kind");
  report.classes = in.integer("classes");
  report.samples = in.integer("samples");
  if (in.has("evasion")) report.evasion = evasion_from(in.object("evasion"));
  if (in.has("backdoor")) report.backdoor = backdoor_from(in.object("backdoor"));
  if (in.has("strip")) report.strip = strip_from(in.object("strip"));
  if (in.has("poisoning")) report.poisoning = poisoning_from(in.object("poisoning"));
  if (in.has("membership")) report.membership = membership_from(in.object("membership"));
  report.diagnostics = in.list("diagnostics", [](const json& item, const std::string& path) {
    Object note(item, path);
    return ProbeNote{note.text("probe"), note.text("message")};
  });
  Object timings = in.object("seconds");
  for (const auto& [probe, seconds] : timings.node().items())
    report.seconds.push_back({probe, as_number(seconds, timings.path_of(probe))});
  report.figures = figures_from(in.object("figures"));
  return report;
}

}  // namespace mlaudit
