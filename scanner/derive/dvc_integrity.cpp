#include "derive/dvc_integrity.h"

#include <map>

#include "crypto/sha256.h"
#include "util/mapped_file.h"

namespace fs = std::filesystem;

namespace mlaudit {

bool dvc_is_text(std::string_view head) {
  head = head.substr(0, 512);
  if (head.empty()) return true;
  if (head.find('\0') != std::string_view::npos) return false;
  size_t non_text = 0;
  for (unsigned char c : head)
    if (!((c >= 32 && c < 127) || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\b')) ++non_text;
  return static_cast<double>(non_text) / static_cast<double>(head.size()) <= 0.30;
}

std::string dvc_md5(std::string_view bytes, std::string_view scheme) {
  if (scheme != "md5-dos2unix" || !dvc_is_text(bytes)) return md5_hex(bytes);
  // Hash with every CRLF turned into LF, without copying the file.
  DigestStream stream(DigestStream::Algorithm::md5);
  size_t start = 0;
  for (size_t at = bytes.find("\r\n"); at != std::string_view::npos; at = bytes.find("\r\n", start)) {
    stream.update(bytes.substr(start, at - start));
    start = at + 1;  // keep the '\n'
  }
  stream.update(bytes.substr(start));
  return stream.hex();
}

namespace {

struct Check {
  std::string status, actual, detail;
  uint64_t size = 0;
};

Check check_file(const fs::path& root, const std::string& relative, const std::string& scheme) {
  fs::path path = fs::path(relative).lexically_normal();
  if (path.is_absolute() || path.empty() || *path.begin() == "..") return {"escapes", "", "the path leaves the project"};
  std::error_code error;
  fs::path absolute = root / path;
  if (!fs::exists(fs::symlink_status(absolute, error))) return {"absent", "", "not in the checkout (fetch it with dvc pull)"};
  fs::path canonical = fs::weakly_canonical(absolute, error);
  auto [root_end, unused] = std::mismatch(root.begin(), root.end(), canonical.begin(), canonical.end());
  if (error || root_end != root.end()) return {"escapes", "", "a link points outside the project"};
  if (fs::is_directory(canonical, error)) return {"directory", "", "a tracked folder; its listing is in the DVC cache"};
  std::string open_error;
  auto mapped = MappedFile::open(absolute, open_error);
  if (!mapped) return {"unreadable", "", open_error};
  return {"checked", dvc_md5(mapped->bytes(), scheme), "", mapped->bytes().size()};
}

}  // namespace

std::vector<Fact> verify_dvc_records(const fs::path& root, const std::vector<Fact>& facts,
                                     const std::function<bool(const std::string&)>& in_scanned_tree) {
  std::vector<Fact> checks;
  std::map<std::pair<std::string, std::string>, Check> cache;  // (path, scheme) -> result
  for (const auto& fact : facts) {
    if (fact.type != FactType::dvc_tracked) continue;
    std::string path = fact.props.value("path", "");
    std::string expected = fact.props.value("md5", "");
    std::string scheme = fact.props.value("hash_scheme", "md5-dos2unix");
    if (path.empty() || expected.empty()) continue;
    auto key = std::make_pair(path, scheme);
    auto found = cache.find(key);
    if (found == cache.end()) found = cache.emplace(key, check_file(root, path, scheme)).first;
    const Check& check = found->second;
    std::string status = check.status;
    std::string recorded_size = fact.props.value("size", "");
    if (fact.props.value("is_directory", false) && status == "checked") status = "directory";
    if (status == "checked") {
      bool size_ok = recorded_size.empty() || recorded_size == std::to_string(check.size);
      status = check.actual == expected && size_ok ? "verified" : "mismatch";
    }
    nlohmann::ordered_json props(nlohmann::ordered_json::value_t::object);
    props["path"] = path;
    props["record"] = fact.location.file;
    props["expected_md5"] = expected;
    props["actual_md5"] = check.actual;
    props["recorded_size"] = recorded_size;
    props["actual_size"] = check.size;
    props["scheme"] = scheme;
    props["status"] = status;
    props["detail"] = check.detail;
    // DVC puts the files it caches into .gitignore; one the repository keeps (a stage's
    // script, an output with `cache: false`) has its own history in git, so a mismatch
    // there says the lock is stale (the stage was not re-run), not that a cached artifact
    // was swapped.
    bool in_git = in_scanned_tree && in_scanned_tree(fs::path(path).lexically_normal().generic_string());
    props["kept_in_git"] = in_git;
    props["reading"] = in_git ? "The file is committed to the repository (DVC does not cache it), so the lock is stale: "
                                "the stage was not re-run after the file changed."
                              : "DVC caches this file: it changed outside the pipeline.";
    checks.push_back({FactType::integrity_check, fact.location, std::move(props)});
  }
  return checks;
}

}  // namespace mlaudit
