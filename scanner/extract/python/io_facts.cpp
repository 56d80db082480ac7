#include "extract/python/io_facts.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "util/text.h"

namespace mlaudit::python {
namespace {

// The builders that ship inside the datasets library: load_dataset("json", data_files=...)
// reads local (or listed) files, it downloads no dataset repository.
bool is_packaged_dataset_builder(std::string_view name) {
  static const std::unordered_set<std::string_view> builders = {
      "json", "csv", "parquet", "text", "arrow", "pandas", "imagefolder", "audiofolder", "videofolder",
      "webdataset", "xml", "sql", "generator", "spark", "folder_based_builder", "cache"};
  return builders.contains(name);
}

// A hub id is "name" or "owner/name"; a name ending in a slash, with two slashes or more, a
// home-relative or Windows path is a folder on the local disk.
bool looks_like_local_folder(std::string_view target) {
  return target.starts_with("/") || target.starts_with("./") || target.starts_with("../") || target.starts_with("~") ||
         target.ends_with("/") || target.find('\\') != std::string_view::npos ||
         std::count(target.begin(), target.end(), '/') >= 2;
}

std::string kind_of_target(std::string_view target) {
  std::string scheme = scheme_of(target);
  if (scheme.empty() || scheme == "file") return "file";
  if (scheme == "http" || scheme == "https" || scheme == "ftp" || scheme == "ftps") return "url";
  if (scheme == "s3" || scheme == "s3a" || scheme == "gs" || scheme == "gcs" || scheme == "az" || scheme == "abfs" ||
      scheme == "abfss" || scheme == "wasb" || scheme == "wasbs" || scheme == "hdfs" || scheme == "oss")
    return "bucket";
  if (scheme == "models") return "registry";
  if (scheme == "runs") return "tracking";
  if (scheme == "hf") return "hub";
  if (scheme.find("sql") != std::string::npos || scheme.starts_with("postgres") || scheme.starts_with("mongodb") ||
      scheme == "redis" || scheme == "mysql" || scheme == "mssql" || scheme == "oracle")
    return "database";
  return "url";
}

std::string format_of_path(std::string_view path) {
  auto dot = path.rfind('.');
  if (dot == std::string_view::npos) return "file";
  std::string extension = to_lower(path.substr(dot + 1));
  static const std::unordered_map<std::string, std::string> formats = {
      {"csv", "csv"}, {"tsv", "csv"}, {"json", "json"}, {"jsonl", "json"}, {"parquet", "parquet"},
      {"pkl", "pickle"}, {"pickle", "pickle"}, {"joblib", "joblib"}, {"pt", "torch"}, {"pth", "torch"},
      {"bin", "binary"}, {"h5", "hdf5"}, {"keras", "keras"}, {"onnx", "onnx"}, {"safetensors", "safetensors"},
      {"npy", "numpy"}, {"npz", "numpy"}, {"log", "log"}, {"txt", "text"}, {"yaml", "yaml"}, {"yml", "yaml"},
      {"xlsx", "excel"}, {"db", "sqlite"}, {"sqlite", "sqlite"}};
  auto found = formats.find(extension);
  return found == formats.end() ? "file" : found->second;
}

std::string artifact_of_format(std::string_view format) {
  if (format == "pickle" || format == "joblib" || format == "torch" || format == "keras" || format == "onnx" ||
      format == "safetensors" || format == "hdf5")
    return "model";
  if (format == "csv" || format == "parquet" || format == "json" || format == "excel" || format == "numpy" ||
      format == "sqlite")
    return "dataset";
  if (format == "log") return "log";
  return "file";
}

// A pickle named for data, not a model: `X_train.pkl`, `y_test.joblib`, `train.pkl`,
// `features_df.pkl` hold arrays or frames (a split a step saves), whatever their format.
bool names_pickled_data(std::string_view target) {
  static const RE2 data_name(
      R"((?i)(^|/)(x|y)(_[a-z0-9]+)?\.(pkl|pickle|joblib|p)$|(^|/|[_-])(data|dataset|df|frame|features|labels|train|test|val|valid|validation)([_-][^/]*)?\.(pkl|pickle|joblib|p)$)");
  return RE2::PartialMatch(target, data_name);
}

// What a file holds, from its format and name.
std::string artifact_of(std::string_view format, std::string_view target) {
  std::string artifact = artifact_of_format(format);
  return artifact == "model" && names_pickled_data(target) ? "dataset" : artifact;
}

// A request body made of authentication fields only: an OAuth 2.0 token request
// (grant_type with a client's credentials, a refresh token or a code) or a cloud IAM token
// exchange (IBM Cloud's apikey). What leaves is the project's own credential, no data.
bool token_request_body(const Value& body) {
  if (body.kind != Value::Kind::dict || body.items.empty()) return false;
  static const std::unordered_set<std::string> fields{
      "grant_type", "response_type", "apikey",  "api_key",   "client_id", "client_secret", "username",
      "password",   "scope",         "refresh_token", "code", "redirect_uri", "audience", "assertion",
      "client_assertion", "client_assertion_type", "resource", "code_verifier"};
  bool grant = false;
  for (const auto& key : body.items) {
    if (!fields.contains(key)) return false;
    grant = grant || key == "grant_type";
  }
  return grant;
}

}  // namespace

std::string scheme_of(std::string_view text) {
  static const RE2 pattern(R"(^([A-Za-z][A-Za-z0-9+.\-]*)://)");
  std::string scheme;
  if (RE2::PartialMatch(text, pattern, &scheme)) return to_lower(scheme);
  if (text.starts_with("models:/")) return "models";
  if (text.starts_with("runs:/")) return "runs";
  return {};
}

std::optional<std::string> IoFacts::resolve_target(const ArgumentSpec& spec, const Arguments& arguments,
                                                   const Callee& callee, bool& partial) {
  if (spec.receiver_literal >= 0) {
    const auto& literals = callee.receiver.items;
    bool found = callee.receiver.kind == Value::Kind::object && static_cast<size_t>(spec.receiver_literal) < literals.size();
    // With a fixed address as well, only a URL replaces it: InferenceClient("http://localhost:8080")
    // talks to the project's own server, InferenceClient("meta-llama/...") to the hosted API.
    if (found && (spec.fixed.empty() || !scheme_of(literals[static_cast<size_t>(spec.receiver_literal)]).empty()))
      return literals[static_cast<size_t>(spec.receiver_literal)];
    if (spec.fixed.empty()) return std::nullopt;
  }
  if (!spec.fixed.empty()) {
    // A hosted-model client given its own base URL (OpenAI(base_url=...)) talks to that host.
    if (!callee.receiver.endpoint.empty()) {
      partial = partial || callee.receiver.endpoint.starts_with("{");
      return callee.receiver.endpoint;
    }
    return spec.fixed;
  }
  TSNode node = argument(arguments, spec.position, spec.keywords);
  if (ts_node_is_null(node)) return std::nullopt;
  Value value = evaluator_.eval(node);
  if (spec.downloaded) {
    // pickle.loads(requests.get(URL).content): the bytes come from the URL the download was given.
    if (value.kind == Value::Kind::object && !value.items.empty() && !scheme_of(value.items.front()).empty() &&
        (value.text.starts_with("requests.") || value.text.starts_with("urllib.") || value.text.starts_with("httpx.") ||
         value.text.starts_with("io.BytesIO(") || value.text.starts_with("boto3.") || value.text.starts_with("aiohttp.")))
      return value.items.front();
    return std::nullopt;
  }
  if (value.kind == Value::Kind::file_handle && !value.text.empty()) {
    partial = partial || value.partial;
    // pickle.load(open(p, "rb")): the load describes the read; the open() is not a second one.
    if (ts_node_symbol(node) == evaluator_.grammar().call) consumed_opens_.insert(ts_node_start_byte(node));
    return value.text;
  }
  if (spec.handle) return std::nullopt;
  if (value.is_string()) {
    partial = partial || value.partial;
    return value.text;
  }
  return std::nullopt;
}

// A target the scan cannot resolve, as written; a local name stands for the expression it
// was bound to (`save_path = TRAINED_MODEL_DIR / name` -> `TRAINED_MODEL_DIR / name`), so a
// save and a load through differently named locals still meet on the folder they share.
std::string IoFacts::written_target(TSNode target) {
  std::string text(evaluator_.text(target));
  if (ts_node_symbol(target) != evaluator_.grammar().identifier) return text;
  Value bound = evaluator_.eval(target);
  // Only an expression as written (`DIR / name`, `cfg["path"]`, `config.PATH`): an unknown
  // value's text may also be a marker of where it came from ("env"), which names nothing.
  static const RE2 expression(R"([/.\[(])");
  if (bound.kind == Value::Kind::unknown && bound.text != text && RE2::PartialMatch(bound.text, expression)) return bound.text;
  return text;
}

bool IoFacts::condition_holds(const KeywordCondition& condition, const Arguments& arguments) {
  TSNode node = argument(arguments, condition.position, {condition.keyword});
  if (ts_node_is_null(node)) return false;
  Value value = evaluator_.eval(node);
  if (condition.equals.is_boolean())
    return value.kind == Value::Kind::boolean && (value.text == "true") == condition.equals.get<bool>();
  return value.is_string() && condition.equals.is_string() && value.text == condition.equals.get<std::string>();
}

void IoFacts::emit(TSNode node, const Callee& callee, const Arguments& arguments, const std::string& function) {
  if (callee.name == "builtins.open" || callee.name == "io.open" || callee.name == "codecs.open") {
    if (!consumed_opens_.contains(ts_node_start_byte(node))) emit_open(node, arguments, function);
    return;
  }
  if (callee.name == "mlflow.set_tracking_uri") {
    Value uri = evaluator_.eval(argument(arguments, 0, {"uri"}));
    if (uri.is_string() && !scheme_of(uri.text).empty())
      sink_.add(FactType::tracking_uri, evaluator_.location_of(node),
                {{"uri", truncate_utf8(uri.text, 300)}, {"scheme", scheme_of(uri.text)}, {"source", "code"},
                 {"partial", uri.partial}});
  }
  for (const IoSignature* signature : IoCatalog::get().lookup(callee.name, callee.method)) {
    if (!signature->method.empty() && callee.method != signature->method) continue;
    bool partial = false;
    std::optional<std::string> target;
    if (signature->bucket.present()) {
      auto bucket = resolve_target(signature->bucket, arguments, callee, partial);
      auto key = resolve_target(signature->key, arguments, callee, partial);
      if (bucket) target = signature->scheme + *bucket + "/" + key.value_or("{key}");
      partial = partial || !key;
    } else if (signature->target.present()) {
      target = resolve_target(signature->target, arguments, callee, partial);
    }
    if (!signature->extensions.empty()) {
      if (!target) continue;
      std::string lowered = to_lower(*target);
      bool listed = std::any_of(signature->extensions.begin(), signature->extensions.end(),
                                [&](const std::string& extension) { return lowered.ends_with(extension); });
      if (!listed) continue;
    }
    std::string deserializes = signature->deserializes;
    if (signature->safe_when && condition_holds(*signature->safe_when, arguments)) deserializes.clear();
    if (signature->only_when && !condition_holds(*signature->only_when, arguments)) deserializes.clear();
    std::string kind = !signature->kind.empty() ? signature->kind : target ? kind_of_target(*target) : "file";
    if (kind == "hub" && to_lower(callee.name).find("tiktoken") != std::string::npos)
      continue;  // tiktoken's encodings (a TikTokenTokenizer.from_pretrained), not the Hugging Face Hub
    bool local_builder = false;
    if (kind == "hub" && target && callee.name == "datasets.load_dataset" && is_packaged_dataset_builder(*target)) {
      // load_dataset("json", data_files=...) reads local files with a packaged builder.
      Value files = evaluator_.eval(argument(arguments, -1, {"data_files"}));
      if (!files.is_string()) continue;  // the files are not known: nothing to draw
      target = files.text;
      partial = files.partial;
      kind = kind_of_target(*target);
      local_builder = true;
    }
    if (kind == "hub" && target && looks_like_local_folder(*target))
      kind = "file";  // from_pretrained("./local_dir") or ("chatDoctor100k/") reads the local disk
    std::string format = (signature->format.empty() || local_builder) && target ? format_of_path(*target) : signature->format;
    std::string artifact = signature->artifact.empty() ? artifact_of_format(format) : signature->artifact;
    if (artifact == "model" && target && names_pickled_data(*target)) artifact = "dataset";
    nlohmann::ordered_json props = {{"direction", signature->direction},
                            {"target_kind", kind},
                            {"target", target ? nlohmann::ordered_json(truncate_utf8(*target, 300)) : nlohmann::ordered_json()},
                            {"target_partial", partial},
                            {"format", format},
                            {"artifact", artifact},
                            {"deserializes", deserializes.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(deserializes)},
                            {"via", callee.name},
                            {"function", function}};
    // An unresolved target (`config.PIPELINE_PATH`) as written: a load and a save of the same
    // expression in the project name the same file.
    if (!target && signature->target.present() && signature->target.position >= -1 && signature->target.fixed.empty() &&
        signature->target.receiver_literal < 0) {
      TSNode written = argument(arguments, signature->target.position, signature->target.keywords);
      if (!ts_node_is_null(written)) props["target_text"] = compact(written_target(written), 120);
    }
    if (kind == "hub") {
      // A hub model is pinned only by an immutable commit hash, not a branch or tag.
      static const RE2 commit(R"(^[0-9a-f]{7,40}$)");
      Value revision = evaluator_.eval(argument(arguments, -1, {"revision", "commit_hash"}));
      // A name the scan cannot resolve (a parameter) may be a hub id or a local folder: the
      // pin is judged where the name is known.
      if (target && !target->empty())
        props["revision_pinned"] = revision.is_string() && !revision.partial && RE2::FullMatch(revision.text, commit);
    }
    if (format == "prompt") describe_payload(arguments, props);
    if (signature->target.downloaded) props["downloaded"] = true;  // transport is the earlier download call's
    if (kind == "url" && !signature->target.downloaded) {
      Value verify = evaluator_.eval(argument(arguments, -1, {"verify"}));
      props["tls_verified"] = !(verify.kind == Value::Kind::boolean && verify.text == "false");
      // Only requests and urllib wait forever by default; these clients apply their own limit
      // (openai 0.x and 1.x 600 s, anthropic 600 s, httpx 5 s, aiohttp 300 s).
      bool default_timeout = callee.name.starts_with("openai.") || callee.name.starts_with("anthropic.") ||
                             callee.name.starts_with("httpx.") || callee.name.starts_with("aiohttp.");
      props["has_timeout"] = default_timeout || !ts_node_is_null(argument(arguments, -1, {"timeout"}));
      // Other hosted-model and feedback SDKs bring their own HTTP clients, whose limits the
      // scan does not know: neither "waits forever" nor "has a limit".
      if (format == "prompt" && !default_timeout && !props["has_timeout"].get<bool>()) props["has_timeout"] = nullptr;
      // Query parameters and bodies leave the process whatever the method: a GET with
      // params={"email": ...} sends the e-mail address.
      // A body of authentication fields only (an OAuth or IAM token request: grant_type,
      // apikey, client_id...) sends the project's own credential for a token, no data.
      nlohmann::ordered_json sends = nlohmann::ordered_json::array();
      for (const char* keyword : {"params", "data", "json", "files"}) {
        TSNode sent = argument(arguments, -1, {keyword});
        if (ts_node_is_null(sent)) continue;
        if (token_request_body(evaluator_.eval(sent))) props["token_request"] = true;
        else sends.push_back(keyword);
      }
      props["sends"] = sends;
    }
    sink_.add(FactType::io, evaluator_.location_of(node), std::move(props));
  }
  emit_model_call(node, callee, arguments, function);
}

namespace {

// A value the project wrote itself: a literal, a constant, or a dict of them.
bool constant_value(const Value& value) {
  if (value.is_constant()) return true;
  if (value.kind != Value::Kind::dict) return false;
  return std::all_of(value.entries.begin(), value.entries.end(), constant_value) &&
         value.entries.size() == value.items.size();
}

}  // namespace

// Literal messages lists ([{"role": "user", "content": "..."}]) are read by their syntax: the
// evaluator keeps lists of strings only.
bool IoFacts::constant_node(TSNode node, int depth) {
  const Grammar& g = evaluator_.grammar();
  TSSymbol symbol = ts_node_symbol(node);
  if (depth > 6 || (symbol != g.list && symbol != g.tuple && symbol != g.dictionary))
    return constant_value(evaluator_.eval(node));
  uint32_t count = ts_node_named_child_count(node);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(node, i);
    TSSymbol child_symbol = ts_node_symbol(child);
    if (child_symbol == g.comment) continue;
    if (symbol == g.dictionary) {
      if (child_symbol != g.pair || !constant_node(field(child, g.f_value), depth + 1)) return false;
    } else if (!constant_node(child, depth + 1)) {
      return false;
    }
  }
  return true;
}

void IoFacts::describe_payload(const Arguments& arguments, nlohmann::ordered_json& props) {
  static const std::unordered_set<std::string_view> data_keywords = {
      "messages", "prompt", "input", "inputs", "contents", "content", "text", "texts", "query", "question",
      "documents", "message", "metadata", "collection", "chat_history", "instances", "user_prompt", "system"};
  std::vector<TSNode> data = arguments.positional;
  std::string text;
  for (const auto& [keyword, node] : arguments.keywords)
    if (data_keywords.contains(keyword)) data.push_back(node);
  if (data.empty()) return;
  bool constant = true;
  for (TSNode node : data) {
    constant = constant && constant_node(node, 0);
    if (text.size() < 80) text += (text.empty() ? "" : ", ") + compact(evaluator_.text(node), 40);
  }
  props["payload"] = text;
  props["payload_constant"] = constant;
}

void IoFacts::emit_model_call(TSNode node, const Callee& callee, const Arguments& arguments, const std::string& function) {
  const Value& receiver = callee.receiver;
  if (receiver.kind != Value::Kind::object || receiver.model_client.empty()) return;
  const IoCatalog& catalog = IoCatalog::get();
  bool llm_itself = receiver.text == receiver.model_client;
  if (llm_itself ? !catalog.is_model_call(callee.method) : !catalog.is_chain_call(callee.method)) return;
  std::string client = receiver.model_client.substr(0, receiver.model_client.size() - 2);  // without "()"
  std::string target = receiver.endpoint.empty() ? catalog.hosted_model_host(client) : receiver.endpoint;
  std::string via = llm_itself ? callee.name : callee.name + " (" + client + ")";
  nlohmann::ordered_json props = {{"direction", "write"},
                                  {"target_kind", "url"},
                                  {"target", truncate_utf8(target, 300)},
                                  {"target_partial", target.starts_with("{")},
                                  {"format", "prompt"},
                                  {"artifact", "file"},
                                  {"deserializes", nullptr},
                                  {"via", via},
                                  {"function", function},
                                  // the SDKs under these frameworks verify TLS and time out by default
                                  {"tls_verified", true},
                                  {"has_timeout", true},
                                  {"sends", nlohmann::ordered_json::array()}};
  describe_payload(arguments, props);
  sink_.add(FactType::io, evaluator_.location_of(node), std::move(props));
}

void IoFacts::emit_open(TSNode node, const Arguments& arguments, const std::string& function) {
  Value path = evaluator_.eval(argument(arguments, 0, {"file"}));
  if (!path.is_string()) return;
  Value mode_value = evaluator_.eval(argument(arguments, 1, {"mode"}));
  std::string mode = mode_value.is_string() ? mode_value.text : "r";
  bool writes = mode.find_first_of("wax") != std::string::npos;
  bool reads = !writes || mode.find('+') != std::string::npos;
  std::string format = format_of_path(path.text);
  for (const char* direction : {"read", "write"}) {
    if ((std::strcmp(direction, "read") == 0 && !reads) || (std::strcmp(direction, "write") == 0 && !writes)) continue;
    sink_.add(FactType::io, evaluator_.location_of(node),
              {{"direction", direction},
               {"target_kind", kind_of_target(path.text)},
               {"target", truncate_utf8(path.text, 300)},
               {"target_partial", path.partial},
               {"format", format},
               {"artifact", artifact_of(format, path.text)},
               {"deserializes", nullptr},
               {"via", "builtins.open"},
               {"function", function}});
  }
}

}  // namespace mlaudit::python
