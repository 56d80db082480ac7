#include <iostream>
#include "extract/extract_files.h"
using namespace mlaudit;
int main(int argc, char** argv) {
  auto walk = walk_tree(argv[1], {});
  auto ex = extract_files(walk, {});
  for (auto& f : ex.facts) std::cout << to_string(f.type) << " " << f.location.file << ":" << f.location.line << ":" << f.location.column << " " << f.props.dump() << "\n";
  for (auto& d : ex.diagnostics) std::cout << "DIAG " << d.location.file << " " << d.message << "\n";
  for (auto& r : ex.files) std::cout << "FILE " << r.path << " " << to_string(r.kind) << " " << r.skip_reason << " " << r.extractors.size() << "\n";
}
