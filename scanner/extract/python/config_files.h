#pragma once
// Settings files a module loads (`yaml.safe_load(open("config/settings.yaml"))`,
// `json.load(f)`, `OmegaConf.load(path)`) read as the nested dict the code will index:
// `settings["database"]["url"]` then resolves to the file's value, its origin naming the
// key and line. Only files of the scanned tree (no symbolic links), under a size cap, read
// by the bounded YAML reader (JSON included); deep or large documents are cut, not followed.
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "extract/python/python_value.h"
#include "util/scan_limits.h"

namespace mlaudit::python {

class ConfigFiles {
 public:
  // `root`: the scanned tree; `importer`: the loading file, relative to it. An empty root
  // reads nothing.
  ConfigFiles(std::filesystem::path root, std::string importer, Deadline deadline = {});

  // The file at `path` (relative to the loading file's folder or to the root, as scripts
  // run from either) as a dict value; unknown when it cannot be read.
  Value load(const std::string& path);

  // The value a `.env` beside the loading file (else at the root) gives an environment
  // variable: what `os.getenv("KEY")` reads when the project is started the way its .env
  // says. Marked overridable (the deployment may set another). Variables named like
  // credentials are never read, so no secret becomes a value that facts could carry.
  Value environment(const std::string& key);

 private:
  void read_dotenv();

  std::filesystem::path root_;
  std::filesystem::path importer_folder_;
  Deadline deadline_;
  std::map<std::string, Value> loaded_;
  std::optional<std::map<std::string, Value>> dotenv_;
};

// True for the callee names that parse a settings file handed to them.
bool loads_settings_file(const std::string& callee);

}  // namespace mlaudit::python
