#include "reports/dot/stable_ids.h"

#include <cstdio>
#include <deque>
#include <map>

namespace mlaudit {
namespace {

// Named objects get even ids (2, 4, ...) in order of first use, anonymous ones odd ids, as
// Graphviz's own discipline keeps them apart; print() gives a named id's name back.
struct SequentialIds {
  std::map<std::string, IDTYPE, std::less<>> by_name;
  std::deque<std::string> names;  // stable addresses: print() hands out pointers into them
  IDTYPE next_anonymous = 1;
};

void* open_ids(Agraph_t*, Agdisc_t*) { return new SequentialIds; }

long map_id(void* state, int, char* name, IDTYPE* id, int create) {
  auto& ids = *static_cast<SequentialIds*>(state);
  if (name == nullptr) {
    *id = ids.next_anonymous;
    ids.next_anonymous += 2;
    return 1;
  }
  if (auto found = ids.by_name.find(std::string_view(name)); found != ids.by_name.end()) {
    *id = found->second;
    return 1;
  }
  if (!create) return 0;
  ids.names.emplace_back(name);
  *id = 2 * static_cast<IDTYPE>(ids.names.size());
  ids.by_name.emplace(ids.names.back(), *id);
  return 1;
}

long allocate_id(void*, int, IDTYPE) { return 1; }
void free_id(void*, int, IDTYPE) {}  // names live until the graph closes

char* print_id(void* state, int, IDTYPE id) {
  auto& ids = *static_cast<SequentialIds*>(state);
  if (id % 2 != 0 || id == 0 || id / 2 > ids.names.size()) return nullptr;
  return ids.names[id / 2 - 1].data();
}

void close_ids(void* state) { delete static_cast<SequentialIds*>(state); }
void register_id(void*, int, void*) {}

Agiddisc_t sequential_id_discipline = {open_ids, map_id, allocate_id, free_id, print_id, close_ids, register_id};

}  // namespace

Agraph_t* read_dot_with_stable_ids(const std::string& dot) {
  std::FILE* text = fmemopen(const_cast<char*>(dot.data()), dot.size(), "r");
  if (text == nullptr) return nullptr;
  Agdisc_t discipline{&AgMemDisc, &sequential_id_discipline, &AgIoDisc};
  Agraph_t* graph = agread(text, &discipline);
  std::fclose(text);
  return graph;
}

}  // namespace mlaudit
