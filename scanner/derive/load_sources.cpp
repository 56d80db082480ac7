#include "derive/load_sources.h"

#include <re2/re2.h>

#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

#include "graph/dfd_builder.h"
#include "util/json_strings.h"
#include "util/text.h"

namespace mlaudit {
namespace {

using Json = nlohmann::ordered_json;
using Place = std::tuple<std::string, unsigned, unsigned>;

Place place_of(const Fact& fact) { return {fact.location.file, fact.location.line, fact.location.column}; }

std::string base_name(std::string_view path) {
  while (path.ends_with('/')) path.remove_suffix(1);
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// Loaders whose input is bytes or an object, not a path the io catalog describes.
bool loads_bytes(std::string_view callee) {
  static const std::set<std::string_view> loaders{
      "pickle.loads",  "_pickle.loads",    "cPickle.loads",      "dill.loads", "cloudpickle.loads",
      "pickle.Unpickler", "jsonpickle.decode", "shelve.open", "keras.saving.legacy.load_model",
      "tensorflow.keras.models.model_from_yaml"};
  return loaders.contains(callee);
}

// Serializers whose output a loader in the same file may be restoring (a cache or store round trip).
bool serializes(std::string_view callee) {
  static const RE2 pattern(R"(^(pickle|_pickle|cPickle|dill|cloudpickle)\.dumps?$|^jsonpickle\.encode$)");
  return RE2::FullMatch(callee, pattern);
}

// Positional and keyword arguments of a call fact, in order.
template <typename Visit>
void for_each_argument(const Json& call_props, Visit&& visit) {
  if (auto args = call_props.find("args"); args != call_props.end() && args->is_array())
    for (const auto& argument : *args) visit(argument);
  if (auto kwargs = call_props.find("kwargs"); kwargs != call_props.end() && kwargs->is_object())
    for (const auto& [key, argument] : kwargs->items()) visit(argument);
}

// Hugging Face's save_pretrained / Trainer.save_model / save_state write these names into
// the folder they are given; a later torch.load of one of them reads what the project saved.
constexpr std::string_view kCheckpointFiles[] = {"pytorch_model.bin", "adapter_model.bin", "training_args.bin",
                                                 "optimizer.pt", "scheduler.pt", "rng_state.pth"};

bool checkpoint_saver(std::string_view method) {
  return method == "save_pretrained" || method == "save_model" || method == "save_state";
}

// The value of the call's first argument that has one (a literal, or one the evaluator
// resolved); with `literal_only`, the first literal's.
std::string first_argument_value(const Json& call_props, bool literal_only = false) {
  std::string value;
  for_each_argument(call_props, [&](const Json& argument) {
    if (value.empty() && argument.is_object() && (!literal_only || argument.value("literal", false)))
      value = string_at(argument, "value");
  });
  return value;
}

// Keras' ModelCheckpoint writes one file per saved epoch, named by formatting its filepath
// ("xception_v4_{epoch:02d}_{val_accuracy:.3f}.h5"): the names it can write, as a pattern
// of the base name ('{...}' fields match any run of characters but '/'), and the name.
std::optional<std::pair<std::string, std::string>> checkpoint_name_pattern(const Json& call_props) {
  if (!string_at(call_props, "callee").ends_with("callbacks.ModelCheckpoint")) return std::nullopt;
  std::string name = base_name(first_argument_value(call_props, true));
  if (name.empty()) return std::nullopt;
  std::string pattern;
  size_t at = 0;
  while (at < name.size()) {
    size_t open = name.find('{', at);
    size_t close = open == std::string::npos ? std::string::npos : name.find('}', open);
    if (close == std::string::npos) {
      pattern += RE2::QuoteMeta(name.substr(at));
      break;
    }
    pattern += RE2::QuoteMeta(name.substr(at, open - at)) + "[^/]+";
    at = close + 1;
  }
  return std::make_pair(pattern, truncate_utf8(name, 80));
}

// The file name an argument's text ends in: `data_dir/'X_train.pkl'` or
// `os.path.join(d, "model.joblib")` -> the last quoted name with an extension.
std::string quoted_file_name(const Json& call_props) {
  static const RE2 quoted(R"(['"]([^'"{}]*\.[A-Za-z0-9]{1,8})['"])");
  std::string last;
  auto scan = [&](const Json& argument) {
    if (!argument.is_object()) return;
    std::string text = string_at(argument, "text");
    re2::StringPiece input(text);
    std::string name;
    while (RE2::FindAndConsume(&input, quoted, &name)) last = name;
  };
  for_each_argument(call_props, scan);
  return base_name(last);
}

std::string first_argument_text(const Json& call_props) {
  std::string text;
  for_each_argument(call_props, [&](const Json& argument) {
    if (text.empty() && argument.is_object()) text = string_at(argument, "text");
  });
  return text.empty() ? "?" : truncate_utf8(text, 60);
}

// Input from outside the process, named in the argument's own text.
std::optional<std::string> outside_input(const Json& call_props) {
  static const RE2 request(R"(\brequest\b|\brequest\.|\b(req|body|payload|upload|uploaded_file)\b|\.recv\()");
  static const RE2 argv(R"(\bsys\.argv\b|\bargs\.|parse_args\(\))");
  static const RE2 environment(R"(\bos\.environ\b|\bos\.getenv\b|\bgetenv\()");
  std::string texts;
  for_each_argument(call_props, [&](const Json& argument) {
    if (argument.is_object()) texts += string_at(argument, "text") + " " + string_at(argument, "value") + " ";
  });
  if (RE2::PartialMatch(texts, request)) return "request or upload data";
  if (RE2::PartialMatch(texts, argv)) return "a command-line argument";
  if (RE2::PartialMatch(texts, environment)) return "an environment variable";
  return std::nullopt;
}

// A path the ML platform fills with the project's own registered model: Azure ML's
// Model.get_model_path and AZUREML_MODEL_DIR, SageMaker's model folder, Vertex AI's
// AIP_STORAGE_URI, an MLflow artifact download. Found in the argument's text or value.
std::optional<std::string> platform_model(const Json& call_props) {
  static const RE2 registry(R"((Model\.get_model_path|mlflow\.artifacts\.download_artifacts)\b)");
  static const RE2 deployed(R"((\bAZUREML_MODEL_DIR\b|\bSM_MODEL_DIR\b|\bAIP_STORAGE_URI\b|^/opt/ml/model\b))");
  std::string matched;
  for_each_argument(call_props, [&](const Json& argument) {
    if (!argument.is_object() || !matched.empty()) return;
    for (const std::string& text : {string_at(argument, "value"), string_at(argument, "text")})
      if (RE2::PartialMatch(text, registry, &matched) || RE2::PartialMatch(text, deployed, &matched)) return;
  });
  if (matched.empty()) return std::nullopt;
  if (matched.find('.') != std::string::npos)
    return "it is a model of the project's own registry (`" + matched + "`); the copy loaded is whatever was registered";
  return "the serving platform places the project's deployed model there (`" + matched +
         "`), from its own registry; the copy loaded is whatever was deployed";
}

// SageMaker Processing mounts each input of a pipeline step under /opt/ml/processing/: a
// model there (or unpacked from an archive there) is what an earlier step of the same
// pipeline produced, typically the training step's ModelArtifacts.
constexpr std::string_view kProcessingInputs = "/opt/ml/processing/";

bool unpacks_archive(std::string_view callee) {
  return callee == "tarfile.open" || callee == "zipfile.ZipFile" || callee == "shutil.unpack_archive";
}

struct Writer {
  std::string file;
  unsigned line = 0;
  std::string via;
  std::string function;  // the enclosing function, for writers matched by expression
};

struct Stage {
  std::string name, dvc_file;
  std::set<std::string> scripts, outs;  // outs by file name
};

class LoadSources {
 public:
  LoadSources(std::vector<Fact>& facts, const FileIndex& files) : facts_(facts) {
    for (const auto& file : files) committed_.insert(file.path);
    for (const Fact& fact : facts_) {
      if (fact.type == FactType::route || (fact.type == FactType::network_bind && string_at(fact.props, "source") == "code"))
        serving_files_.insert(fact.location.file);
      // Files a function opens for reading (also through its callers: `load_pickle(path)`
      // called with "train.pkl"): what a handle it unpickles can name.
      if (fact.type == FactType::io && string_at(fact.props, "direction") == "read" &&
          string_at(fact.props, "via") == "builtins.open")
        if (std::string name = base_name(string_at(fact.props, "target")); !name.empty() && name.find('{') == std::string::npos)
          opened_[{fact.location.file, string_at(fact.props, "function")}].insert(name);
      // open(path) of what an MLflow client downloaded: a handle on the project's tracking server's artifact.
      if (fact.type == FactType::call && string_at(fact.props, "callee") == "builtins.open" &&
          first_argument_value(fact.props).find("download_artifacts") != std::string::npos)
        opened_artifacts_.insert({fact.location.file, string_at(fact.props, "function")});
    }
    std::map<Place, const Fact*> calls;
    for (const Fact& fact : facts_)
      if (fact.type == FactType::call) calls.emplace(place_of(fact), &fact);
    for (const Fact& fact : facts_) {
      if (fact.type == FactType::io && string_at(fact.props, "direction") == "write") {
        std::string name = base_name(string_at(fact.props, "target"));
        if (name.empty())
          if (auto call = calls.find(place_of(fact)); call != calls.end()) name = quoted_file_name(call->second->props);
        if (!name.empty()) writers_[name].push_back({fact.location.file, fact.location.line, string_at(fact.props, "via")});
        else if (std::string text = string_at(fact.props, "target_text"); !text.empty()) {
          Writer writer{fact.location.file, fact.location.line, string_at(fact.props, "via"), string_at(fact.props, "function")};
          writers_by_expression_[text].push_back(writer);
          if (std::string folder = folder_expression(text); !folder.empty()) writers_by_folder_[folder].push_back(writer);
        }
      } else if (auto pattern = fact.type == FactType::call ? checkpoint_name_pattern(fact.props) : std::nullopt) {
        Writer writer{fact.location.file, fact.location.line, "ModelCheckpoint(\"" + pattern->second + "\")"};
        patterned_writers_.push_back({std::make_unique<RE2>(pattern->first), std::move(writer)});
      } else if (fact.type == FactType::call && checkpoint_saver(string_at(fact.props, "method"))) {
        for (std::string_view name : kCheckpointFiles)
          writers_[std::string(name)].push_back({fact.location.file, fact.location.line,
                                                  truncate_utf8(string_at(fact.props, "text"), 60)});
      } else if (std::string archive = fact.type == FactType::call && unpacks_archive(string_at(fact.props, "callee"))
                                           ? first_argument_value(fact.props) : std::string();
                 archive.starts_with(kProcessingInputs)) {
        processing_archives_.emplace(fact.location.file, std::move(archive));
      } else if (fact.type == FactType::call && serializes(string_at(fact.props, "callee"))) {
        serializers_.emplace(fact.location.file, Writer{fact.location.file, fact.location.line, string_at(fact.props, "callee")});
      } else if (fact.type == FactType::dvc_stage) {
        Stage stage{string_at(fact.props, "name"), fact.location.file, {}, {}};
        std::string folder = string_at(fact.props, "folder");
        for (const auto& script : scripts_in_command(string_at(fact.props, "cmd")))
          stage.scripts.insert(normalize_path(folder.empty() ? script : folder + "/" + script));
        for (const auto& out : fact.props.value("outs", Json::array()))
          if (out.is_string()) stage.outs.insert(base_name(out.get<std::string>()));
        stages_.push_back(std::move(stage));
      }
    }
  }

  void annotate() {
    std::map<Place, Json> sources;
    std::multimap<Place, Fact*> read_facts;
    for (Fact& fact : facts_)
      if (fact.type == FactType::io && string_at(fact.props, "direction") == "read" && !fact.props.value("deserializes", Json()).is_null()) {
        reads_.emplace(place_of(fact), &fact);
        read_facts.emplace(place_of(fact), &fact);
      }
    for (Fact& fact : facts_) {
      if (fact.type != FactType::call) continue;
      auto read = reads_.find(place_of(fact));
      bool bytes = loads_bytes(string_at(fact.props, "callee"));
      if (read == reads_.end() && !bytes) continue;
      Json source = judge(fact, read == reads_.end() ? nullptr : read->second);
      source["argument"] = first_argument_text(fact.props);  // positional or keyword (`filename=model_path`)
      // The diagram's flows carry the kind: a store only ever reloaded by the run that wrote it
      // needs no recorded hash.
      for (auto [at, end] = read_facts.equal_range(place_of(fact)); at != end; ++at)
        at->second->props["load_source_kind"] = source["kind"];
      fact.props["load_source"] = std::move(source);
    }
  }

 private:
  static Json source(std::string_view kind, std::string reason) { return Json{{"kind", kind}, {"reason", std::move(reason)}}; }

  // The two ways a file the project writes itself is judged: this script's own output (low),
  // or what another part of the project left (medium).
  static Json written_here(const std::string& what, const Writer& writer) {
    return source("same_script", "`" + what + "` is written by this script (`" + writer.via + "` at line " +
                                     std::to_string(writer.line) + ")");
  }
  static Json written_elsewhere(const std::string& what, const Writer& writer) {
    return source("own_store", "`" + what + "` is written by " + writer.file + " (line " + std::to_string(writer.line) +
                                   "), another part of the project; the copy loaded is whatever that run left");
  }

  const Stage* stage_running(const std::string& script) const {
    for (const Stage& stage : stages_)
      if (stage.scripts.contains(script)) return &stage;
    return nullptr;
  }

  const Stage* stage_writing(const std::string& name) const {
    for (const Stage& stage : stages_)
      if (stage.outs.contains(name)) return &stage;
    return nullptr;
  }

  Json judge(const Fact& call, const Fact* read) const {
    const std::string& file = call.location.file;
    std::string target = read ? string_at(read->props, "target") : std::string();
    std::string kind = read ? string_at(read->props, "target_kind") : std::string();
    if (kind == "hub") return source("external", "it comes from a model hub (`" + target + "`)");
    if (kind == "url" || (!target.empty() && read->props.value("downloaded", false)))
      return source("external", "it is downloaded from `" + target + "`");
    if (kind == "registry" || kind == "tracking" || kind == "bucket" || kind == "database")
      return source("own_store", "it comes from `" + target + "`, the project's own " +
                                     (kind == "bucket" ? "bucket" : kind == "database" ? "database" : "model registry"));
    if (auto deployed = platform_model(call.props)) return source("own_store", *deployed);
    if (target.starts_with(kProcessingInputs))
      return source("pipeline", "`" + target + "` is an input SageMaker Processing mounts for this pipeline step, "
                                "filled from an earlier step of the same pipeline");
    if (auto input = outside_input(call.props); input && *input == "request or upload data")
      return source("external", "it comes from " + *input);

    std::string name = read && !target.empty() ? base_name(target) : quoted_file_name(call.props);
    if (!name.empty()) {
      if (auto found = from_producer(file, name)) return *found;
    } else if (opened_artifacts_.contains({file, string_at(call.props, "function")})) {
      return source("own_store", "it is opened from what `download_artifacts` fetched: an artifact of the project's "
                                 "MLflow tracking server, whatever a run logged");
    } else if (auto opened = opened_.find({file, string_at(call.props, "function")}); opened != opened_.end()) {
      // A handle from open() in the same function: the files it is opened on.
      for (const std::string& candidate : opened->second)
        if (auto found = from_producer(file, candidate)) return *found;
    }
    if (std::string text = read ? string_at(read->props, "target_text") : std::string(); !text.empty()) {
      if (auto found = from_expression(file, string_at(read->props, "function"), text)) return *found;
    }
    if (read == nullptr || target.empty()) {
      auto serializer = serializers_.find(file);
      if (serializer != serializers_.end())
        return source("own_store", "this file stores it itself (`" + serializer->second.via + "` at line " +
                                       std::to_string(serializer->second.line) +
                                       "), so it restores what the project wrote to its own store or cache");
    }
    if (auto archive = processing_archives_.find(file);
        archive != processing_archives_.end() && !name.empty() && target.find('/') == std::string::npos)
      return source("pipeline", "`" + name + "` is unpacked from `" + archive->second +
                                    "`, which SageMaker Processing mounts from an earlier step of the same pipeline");
    if (!target.empty() && !read->props.value("target_partial", false))
      if (auto path = committed_path(file, target))
        return source("own_store", "`" + *path + "` is committed to the repository: the project's own artifact, loaded as committed");
    std::string what = !name.empty() ? "`" + name + "`" : "what `" + first_argument_text(call.props) + "` names";
    if (auto input = outside_input(call.props))
      return source("unknown", what + " is named by " + *input + " and no step of the project writes it");
    return source("unknown", "no step of the project writes " + what);
  }

  // A path the scan cannot resolve (`config.PIPELINE_PATH`, `TRAINED_MODEL_DIR / name`) that the
  // project also saves to, written the same way: the same script's own output, else the
  // project's store. Only expressions that name something (not a bare parameter like `path`).
  // A save in another function of the same module (save_pipeline / load_pipeline) is the
  // project's store too: the load restores whatever an earlier run saved.
  std::optional<Json> from_expression(const std::string& file, const std::string& function, const std::string& text) const {
    static const RE2 names_something(R"([.\[/]|^[A-Z][A-Z0-9_]+$)");
    if (!RE2::PartialMatch(text, names_something)) return std::nullopt;
    auto found = writers_by_expression_.find(text);
    if (found == writers_by_expression_.end()) {
      // `TRAINED_MODEL_DIR / file_name` loads from the folder `TRAINED_MODEL_DIR / save_file_name` saves to.
      std::string folder = folder_expression(text);
      auto saved = folder.empty() ? writers_by_folder_.end() : writers_by_folder_.find(folder);
      if (saved == writers_by_folder_.end()) return std::nullopt;
      const Writer& writer = writer_near(saved->second, file);
      return source("own_store", "`" + folder + "` is the folder the project saves to (" + writer.file + ", line " +
                                     std::to_string(writer.line) +
                                     "): the project's own artifact; the copy loaded is whatever an earlier run saved");
    }
    for (const Writer& writer : found->second)
      if (writer.file == file && writer.function == function)
        return written_here(text, writer);
    const Writer& writer = writer_near(found->second, file);
    if (writer.file == file)
      return source("own_store", "`" + text + "` is saved by " + (writer.function.empty() ? "this module" : writer.function + "()") +
                                     " (line " + std::to_string(writer.line) +
                                     "), the project's own artifact; the copy loaded is whatever an earlier run saved");
    return written_elsewhere(text, writer);
  }

  // The committed file a literal path names, relative to the loading file's folder or to the
  // scan root (where scripts are usually run from).
  std::optional<std::string> committed_path(const std::string& loader, const std::string& target) const {
    if (target.find("://") != std::string::npos || target.starts_with("/")) return std::nullopt;
    std::string folder = loader.substr(0, loader.rfind('/') + 1);
    for (const std::string& candidate : {normalize_path(folder + target), normalize_path(target)})
      if (committed_.contains(candidate)) return candidate;
    return std::nullopt;
  }

  // The writer in the loading file when there is one, else the first found.
  static const Writer& writer_near(const std::vector<Writer>& writers, const std::string& file) {
    for (const Writer& writer : writers)
      if (writer.file == file) return writer;
    return writers.front();
  }

  // The folder part of a path expression that names one (`TRAINED_MODEL_DIR/file_name` ->
  // `TRAINED_MODEL_DIR`, `os.path.join(config.MODEL_DIR,name)` -> `config.MODEL_DIR`): a
  // constant or an attribute, never a bare parameter.
  static std::string folder_expression(const std::string& text) {
    static const RE2 joined(R"(^os\.path\.join\(([^,()]+),)");
    static const RE2 divided(R"(^([A-Za-z_][A-Za-z0-9_.]*)/)");
    static const RE2 names_folder(R"(\.|^[A-Z][A-Z0-9_]+$)");
    std::string folder;
    if (!RE2::PartialMatch(text, joined, &folder) && !RE2::PartialMatch(text, divided, &folder)) return {};
    return RE2::PartialMatch(folder, names_folder) ? folder : std::string();
  }

  static std::string folder_of(const std::string& path) { return path.substr(0, path.rfind('/') + 1); }

  // Notebooks side by side in one folder, named so that they sort in the order they are run
  // (01-data-analysis, 02-feature-engineering, ...): a file the earlier one writes to a
  // relative path is what the later one reads back, one run of the same sequence.
  static bool earlier_in_notebook_sequence(const std::string& writer, const std::string& reader) {
    auto folder = [](const std::string& path) { return path.substr(0, path.rfind('/') + 1); };
    auto numbered = [&](const std::string& path) {
      size_t start = folder(path).size();
      return path.ends_with(".ipynb") && start < path.size() && std::isdigit(static_cast<unsigned char>(path[start]));
    };
    return numbered(writer) && numbered(reader) && writer < reader && folder(writer) == folder(reader);
  }

  std::optional<Json> from_producer(const std::string& file, const std::string& name) const {
    auto found = writers_.find(name);
    const Stage* loader_stage = stage_running(file);
    const Stage* producer_stage = stage_writing(name);
    if (found != writers_.end())
      for (const Writer& writer : found->second)
        if (writer.file == file)
          return written_here(name, writer);
    if (producer_stage && loader_stage && loader_stage != producer_stage && loader_stage->dvc_file == producer_stage->dvc_file) {
      std::string script = producer_stage->scripts.empty() ? std::string() : *producer_stage->scripts.begin() + " ";
      return source("pipeline", "`" + name + "` is written by " + script + "(DVC stage " + producer_stage->name +
                                    ") earlier in the same pipeline");
    }
    if (found != writers_.end()) {
      for (const Writer& writer : found->second)
        if (earlier_in_notebook_sequence(writer.file, file))
          return source("pipeline", "`" + name + "` is written by " + writer.file + " (line " + std::to_string(writer.line) +
                                        "), an earlier notebook of the same folder's sequence");
      // A step of the same folder's workflow (preprocess_data.py writes train.pkl, train.py
      // reads it), when the loader is no service: what an earlier run of that step left.
      // Between two notebooks their numbers tell the order (above).
      for (const Writer& writer : found->second)
        if (folder_of(writer.file) == folder_of(file) && !serving_files_.contains(file) &&
            !(writer.file.ends_with(".ipynb") && file.ends_with(".ipynb")))
          return source("pipeline", "`" + name + "` is written by " + writer.file + " (line " + std::to_string(writer.line) +
                                        "), another step of the same folder; this script is no service");
      const Writer& writer = found->second.front();
      const Stage* writer_stage = stage_running(writer.file);
      if (writer_stage && loader_stage && writer_stage != loader_stage && writer_stage->dvc_file == loader_stage->dvc_file)
        return source("pipeline", "`" + name + "` is written by " + writer.file + " (DVC stage " + writer_stage->name +
                                      ") earlier in the same pipeline");
      return written_elsewhere(name, writer);
    }
    if (producer_stage)
      return source("own_store", "`" + name + "` is an output of DVC stage " + producer_stage->name + " (" +
                                     producer_stage->dvc_file + "), pulled from the project's own DVC remote");
    for (const auto& [pattern, writer] : patterned_writers_)
      if (RE2::FullMatch(name, *pattern)) {
        if (writer.file == file) return written_here(name, writer);
      // A message slot holds 160 characters: the writer's base name, not its path.
      return source("own_store", "`" + name + "` is named like the checkpoints " + base_name(writer.file) + " saves (line " +
                                     std::to_string(writer.line) + "): a model the project trained");
      }
    return std::nullopt;
  }

  std::vector<Fact>& facts_;
  std::set<std::string> committed_;  // files of the scanned tree
  std::set<std::string> serving_files_;  // files that define routes or start a server
  std::map<std::pair<std::string, std::string>, std::set<std::string>> opened_;  // (file, function) -> names opened for reading
  std::set<std::pair<std::string, std::string>> opened_artifacts_;  // (file, function) opening a downloaded MLflow artifact
  std::map<std::string, std::vector<Writer>> writers_;  // by file name
  std::map<std::string, std::string> processing_archives_;  // file -> the /opt/ml/processing/ archive it unpacks
  std::vector<std::pair<std::unique_ptr<RE2>, Writer>> patterned_writers_;  // names with fields, e.g. per epoch
  std::map<std::string, std::vector<Writer>> writers_by_expression_;  // unresolved targets, as written
  std::map<std::string, std::vector<Writer>> writers_by_folder_;      // their folder part, when it names one
  std::multimap<std::string, Writer> serializers_;      // by file
  std::vector<Stage> stages_;
  std::map<Place, const Fact*> reads_;
};

}  // namespace

void annotate_load_sources(std::vector<Fact>& facts, const FileIndex& files) { LoadSources(facts, files).annotate(); }

}  // namespace mlaudit
