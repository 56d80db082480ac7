// Writes the hostile projects into a folder, for bench/hostile.sh and for trying them by hand:
//   mlaudit-hostile-tree DIR [CASE...]     (no case: all of them)
//   mlaudit-hostile-tree --list
// Each case becomes DIR/CASE/project (the tree to scan) and DIR/CASE/outside.
#include <iostream>

#include "hostile_cases.h"

int main(int argc, char** argv) {
  using namespace mlaudit::hostile;
  if (argc >= 2 && std::string(argv[1]) == "--list") {
    for (const auto& item : hostile_cases())
      std::cout << item.name << "\t" << item.problem_file << "\t" << item.attack << "\n";
    return 0;
  }
  if (argc < 2) {
    std::cerr << "usage: mlaudit-hostile-tree DIR [CASE...] | --list\n";
    return 2;
  }
  std::filesystem::path folder = argv[1];
  std::vector<const HostileCase*> chosen;
  for (int i = 2; i < argc; ++i) {
    const HostileCase* found = find_hostile_case(argv[i]);
    if (!found) {
      std::cerr << "mlaudit-hostile-tree: no case " << argv[i] << "\n";
      return 2;
    }
    chosen.push_back(found);
  }
  if (chosen.empty())
    for (const auto& item : hostile_cases()) chosen.push_back(&item);
  for (const HostileCase* item : chosen) {
    std::filesystem::path base = folder / item->name;
    std::filesystem::create_directories(base / "project");
    std::filesystem::create_directories(base / "outside");
    item->build(base / "project", base / "outside", true);
  }
  return 0;
}
