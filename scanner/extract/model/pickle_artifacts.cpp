// Pickle streams: raw pickles, joblib files (with their inline array data), zlib-compressed
// joblib, legacy torch.save files (several pickles, then raw storage bytes).
#include <zlib.h>

#include "extract/model/artifact_analyzer.h"

namespace mlaudit::model {

void ArtifactAnalyzer::analyze_pickle(std::string_view bytes, const std::string& member, std::string_view format,
                                      uint64_t base) {
  PickleOptions options;
  options.limits = pickle_limits_;
  options.joblib = true;   // only changes anything when joblib's NumpyArrayWrapper appears
  options.stacked = true;
  PickleScan scan = scan_pickle(bytes, options);
  summary_.pickles += scan.pickles;
  summary_.opcodes += scan.opcodes;
  auto where_of = [&](uint64_t offset) {
    return member.empty() ? "byte " + std::to_string(offset) : member + " byte " + std::to_string(offset);
  };
  for (const auto& global : scan.globals) {
    note_global(global.qualified());
    uint64_t offset = base + global.offset;
    std::vector<std::string> names = resolution_names(global.module, global.name);
    for (size_t i = 1; i < names.size(); ++i) note_global(names[i]);
    nlohmann::ordered_json props(nlohmann::ordered_json::value_t::object);
    props["global"] = global.qualified();
    props["module"] = global.module;
    props["name"] = global.name;
    props["names"] = names;
    props["offset"] = offset;
    props["called"] = global.called;
    props["stored"] = global.stored;
    props["use"] = global.stored   ? (global.called ? "called by a pickle stored as data in the file"
                                                    : "named by a pickle stored as data in the file")
                   : global.called ? "called when the file is loaded"
                                   : "referenced (not called) when the file is loaded";
    props["opcode"] = global.opcode;
    props["depth"] = global.depth;
    std::string nested = global.depth > 0 ? " inside a pickle nested " + std::to_string(global.depth) + " deep" : "";
    if (global.file_reading)
      nested += ", seen when the file is read as CPython's C unpickler reads files: an argument overruns its frame";
    if (names.size() > 1) nested += "; the dotted name reaches " + names.back();
    props["nested"] = nested;
    props["occurrences"] = global.occurrences;
    props["member"] = member;
    props["where"] = where_of(offset);
    props["format"] = format;
    sink_.add(FactType::pickle_global, location(member, static_cast<int64_t>(offset)), std::move(props));
  }
  for (const auto& result_call : scan.result_calls) {
    if (result_call.stored) continue;  // reported through the stored pickle's globals
    uint64_t offset = base + result_call.offset;
    if (result_call.unseen_payload) {
      issue_with("pickle-unseen-payload",
                 "`" + result_call.origin + "` unpickles bytes that are not in the file as such (built while loading, or "
                 "missing): what that inner pickle runs cannot be checked",
                 member, static_cast<int64_t>(offset), {{"origin", result_call.origin}});
      continue;
    }
    std::string origin = result_call.origin.empty() ? std::string("a value built while loading")
                                                    : "what `" + result_call.origin + "` returns";
    issue_with("pickle-result-call",
               "calls " + origin + ": the function that runs is chosen while loading, so no list of names can vet it",
               member, static_cast<int64_t>(offset), {{"origin", result_call.origin}});
  }
  constexpr uint64_t kExpansionElements = 10'000'000;  // a traversal visiting more is a denial of service
  constexpr uint64_t kDuplications = 100;               // no Python pickler writes DUP at all
  if (scan.largest_expansion > kExpansionElements && scan.largest_expansion / 1000 > scan.opcodes)
    issue("pickle-expansion",
          "a container built from " + std::to_string(scan.opcodes) + " opcodes references " +
              (scan.largest_expansion >= (UINT64_MAX / 4) ? std::string("more than 10^18")
                                                           : std::to_string(scan.largest_expansion)) +
              " elements through repeated memo references: traversing, copying or printing the loaded object exhausts the machine",
          member);
  else if (scan.dups > kDuplications)
    issue("pickle-expansion",
          std::to_string(scan.dups) + " DUP opcodes, which no Python pickler writes: the building block of DUP-based "
          "expansion pickles (globalLaughs.pt) that exhaust memory when loaded",
          member);
  for (const auto& overrun : scan.frame_overruns)
    issue("pickle-frame-overrun",
          overrun + ": CPython reads such a stream differently from a buffer (pickle.loads) and from a file "
                    "(pickle.load, torch.load); both readings were analysed",
          member);
  if (scan.status != PickleStatus::ok) {
    bool limit = scan.status == PickleStatus::limit_exceeded;
    issue(limit ? "pickle-limit" : "pickle-malformed",
          std::string(limit ? "analysis stopped: " : "not a well-formed pickle: ") + scan.problem, member,
          static_cast<int64_t>(base + scan.end_offset));
  }
  for (const auto& note : scan.notes)
    if (note.find("not analysed") != std::string::npos) issue("pickle-not-analysed", note, member);
}

void ArtifactAnalyzer::analyze_compressed_pickle(std::string_view bytes, const std::string& member) {
  // joblib's zlib compression: one zlib stream holding the joblib pickle.
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) return issue("pickle-malformed", "zlib stream cannot be opened", member);
  std::string inflated;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(std::min<size_t>(bytes.size(), UINT32_MAX));
  char buffer[1 << 16];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    inflated.append(buffer, sizeof buffer - stream.avail_out);
    if (inflated.size() > archive_limits_.max_member_bytes ||
        inflated.size() > archive_limits_.max_ratio * std::max<size_t>(bytes.size(), 1) + (1 << 20)) {
      inflateEnd(&stream);
      return issue("archive-limit",
                   "the compressed pickle expands beyond " + std::to_string(archive_limits_.max_member_bytes >> 20) +
                       " MiB or " + std::to_string(archive_limits_.max_ratio) + "x its size (a decompression bomb?): not analysed",
                   member);
    }
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END)
    issue("pickle-malformed", "zlib stream is damaged after " + std::to_string(inflated.size()) + " bytes", member);
  if (!take_budget(inflated.size(), member)) return;
  analyze_pickle(inflated, member.empty() ? std::string("(zlib content)") : member + " (zlib content)", "joblib-zlib");
}

}  // namespace mlaudit::model
