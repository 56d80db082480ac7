#pragma once
// Checks the files DVC tracks against the MD5 hashes recorded in .dvc files and dvc.lock,
// the way `dvc status` would: a file that no longer matches its record was changed
// outside the pipeline. Runs after extraction; reads the files directly (DVC outputs are
// usually git-ignored, so the walker does not see them), never follows links out of the
// project. Each check becomes an integrity_check fact at the line that records the hash.
#include <filesystem>
#include <functional>
#include <vector>

#include "facts/fact.h"

namespace mlaudit {

// `in_scanned_tree` tells a file the repository keeps (git-tracked: DVC does not cache it)
// from one DVC caches and git ignores; a changed git-tracked file means a stale lock.
std::vector<Fact> verify_dvc_records(const std::filesystem::path& root, const std::vector<Fact>& facts,
                                     const std::function<bool(const std::string&)>& in_scanned_tree = {});

// DVC 2's notion of a text file (its istextblock over the first 512 bytes), whose hash is
// taken after CRLF -> LF.
bool dvc_is_text(std::string_view head);

// The MD5 DVC records for `bytes` under `scheme` ("md5" or "md5-dos2unix").
std::string dvc_md5(std::string_view bytes, std::string_view scheme);

}  // namespace mlaudit
