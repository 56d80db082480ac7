#pragma once
// The files a scan walked, as the stages after extraction need them: the diagram resolves
// the paths code names against them, and findings quote snippets only from text files.
#include <string>
#include <vector>

namespace mlaudit {

struct IndexedFile {
  std::string path;   // relative to the scan root
  bool text = false;  // snippets can be quoted from it
};

using FileIndex = std::vector<IndexedFile>;

}  // namespace mlaudit
