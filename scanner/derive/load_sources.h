#pragma once
// Where the bytes a deserializing call loads come from, judged from the project's own facts:
// written by the same script, by an earlier stage of the same DVC pipeline, by another part
// of the project (its own files, store or cache), or from outside it (a download, a model
// hub, request data) or from nothing the project writes. The answer goes on the call fact
// as `load_source` {kind, reason, argument}; the deserialization rules grade severity by its kind.
// A file committed in the scanned tree (`files`) is the project's own artifact.
#include <vector>

#include "facts/fact.h"
#include "facts/file_index.h"

namespace mlaudit {

// Kinds, from least to most exposed: same_script, pipeline, own_store, external, unknown.
void annotate_load_sources(std::vector<Fact>& facts, const FileIndex& files);

}  // namespace mlaudit
