// The symbolic pickle machine on real files (made by fixtures/make_model_fixtures.py with
// CPython's pickle, torch.save, joblib and numpy) and on hand-assembled opcode streams
// for the tricks real tools do not produce.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "extract/model/pickle_vm.h"
#include "test_support.h"

namespace mlaudit::model {
namespace {

std::string model_fixture(const std::string& relative) {
  return testing::read_text(testing::fixture("models/" + relative));
}

const PickleGlobal* find_global(const PickleScan& scan, const std::string& qualified) {
  for (const auto& global : scan.globals)
    if (global.qualified() == qualified) return &global;
  return nullptr;
}

std::vector<std::string> qualified_names(const PickleScan& scan) {
  std::vector<std::string> names;
  for (const auto& global : scan.globals) names.push_back(global.qualified());
  return names;
}

TEST(PickleVm, StateDictNamesOnlyTensorRebuilders) {
  // The zip member is extracted by the analyser; a legacy file is the pickle stream itself.
  PickleScan scan = scan_pickle(model_fixture("benign/legacy_state_dict.pt"));
  EXPECT_EQ(scan.status, PickleStatus::ok) << scan.problem;
  std::vector<std::string> names = qualified_names(scan);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"collections.OrderedDict", "torch.FloatStorage",
                                             "torch._utils._rebuild_tensor_v2"}));
  // Legacy torch.save: magic number, protocol, system info, the object, storage keys, then raw bytes.
  EXPECT_EQ(scan.pickles, 5);
  EXPECT_GT(scan.trailing_bytes, 0u);
  EXPECT_FALSE(find_global(scan, "torch.FloatStorage")->called);
  EXPECT_TRUE(find_global(scan, "torch._utils._rebuild_tensor_v2")->called);
}

TEST(PickleVm, FindsTheCallInEveryProtocol) {
  for (const char* file : {"malicious/os_system.pkl", "malicious/os_system_protocol0.pkl"}) {
    PickleScan scan = scan_pickle(model_fixture(file));
    EXPECT_EQ(scan.status, PickleStatus::ok) << file << ": " << scan.problem;
    const PickleGlobal* system = find_global(scan, "posix.system");
    ASSERT_NE(system, nullptr) << file;
    EXPECT_TRUE(system->called) << file;
    EXPECT_EQ(system->depth, 0);
  }
  PickleScan protocol2 = scan_pickle(model_fixture("malicious/eval.pkl"));
  ASSERT_NE(find_global(protocol2, "__builtin__.eval"), nullptr);
  EXPECT_EQ(protocol2.protocol, 2);
}

TEST(PickleVm, ResolvesStackGlobalNamesThroughTheMemo) {
  PickleScan scan = scan_pickle(model_fixture("malicious/memo_stack_global.pkl"));
  EXPECT_EQ(scan.status, PickleStatus::ok) << scan.problem;
  const PickleGlobal* call = find_global(scan, "subprocess.check_output");
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->opcode, "STACK_GLOBAL");
  EXPECT_TRUE(call->called);
}

TEST(PickleVm, MarksAFunctionReturnedByACallAsCalled) {
  // getattr(__import__('os'), 'system')('echo pwned'): only getattr and __import__ are named.
  PickleScan scan = scan_pickle(model_fixture("malicious/getattr_gadget.pkl"));
  EXPECT_EQ(scan.status, PickleStatus::ok) << scan.problem;
  ASSERT_NE(find_global(scan, "builtins.getattr"), nullptr);
  ASSERT_NE(find_global(scan, "builtins.__import__"), nullptr);
  EXPECT_TRUE(find_global(scan, "builtins.getattr")->called);
}

TEST(PickleVm, FollowsAPickleInsideAPickle) {
  PickleScan scan = scan_pickle(model_fixture("malicious/nested.pkl"));
  EXPECT_EQ(scan.status, PickleStatus::ok) << scan.problem;
  const PickleGlobal* loads = find_global(scan, "_pickle.loads");
  const PickleGlobal* system = find_global(scan, "posix.system");
  ASSERT_NE(loads, nullptr);
  ASSERT_NE(system, nullptr);
  EXPECT_EQ(loads->depth, 0);
  EXPECT_EQ(system->depth, 1);
  EXPECT_EQ(scan.nested_pickles, 1);
}

TEST(PickleVm, SkipsJoblibArrayDataAndSeesWhatFollows) {
  // joblib writes raw array bytes after each NumpyArrayWrapper; the pickle resumes after them.
  PickleScan benign = scan_pickle(model_fixture("benign/model.joblib"), {.joblib = true});
  EXPECT_EQ(benign.status, PickleStatus::ok) << benign.problem;
  EXPECT_NE(find_global(benign, "joblib.numpy_pickle.NumpyArrayWrapper"), nullptr);
  EXPECT_EQ(find_global(benign, "posix.system"), nullptr);
}

TEST(PickleVm, NamesAComputedModuleAsComputed) {
  // STACK_GLOBAL whose module is the result of a call (str.join here) cannot be known statically.
  std::string data = "\x80\x04";
  data += "\x8c\x08" "builtins" "\x8c\x03" "str" "\x93";       // builtins.str
  data += "\x8c\x01" "x" "\x85" "R";                             // str('x'): a value known only at load time
  data += "\x8c\x06" "system" "\x93";                            // STACK_GLOBAL(<that value>, 'system')
  data += "\x8c\x02" "id" "\x85" "R.";
  PickleScan scan = scan_pickle(data);
  bool computed = std::any_of(scan.globals.begin(), scan.globals.end(),
                              [](const PickleGlobal& g) { return g.module == "<computed>" && g.name == "system"; });
  EXPECT_TRUE(computed) << ::testing::PrintToString(qualified_names(scan));
}

TEST(PickleVm, ReportsExtensionRegistryCodes) {
  std::string data = "\x80\x02\x82\x07)R.";  // EXT1 7, empty tuple, REDUCE
  PickleScan scan = scan_pickle(data);
  ASSERT_EQ(scan.globals.size(), 1u);
  EXPECT_EQ(scan.globals[0].qualified(), "copyreg.extension.7");
  EXPECT_TRUE(scan.globals[0].called);
}

TEST(PickleVm, TruncatedAndRandomInputEndWithAStatusNotACrash) {
  PickleScan truncated = scan_pickle(model_fixture("malformed/truncated.pkl"));
  EXPECT_NE(truncated.status, PickleStatus::ok);
  EXPECT_FALSE(truncated.problem.empty());
  // What was read before the damage is still reported.
  EXPECT_NE(find_global(truncated, "sklearn.linear_model._logistic.LogisticRegression"), nullptr);

  std::mt19937 random(42);
  for (int round = 0; round < 300; ++round) {
    std::string bytes(1 + random() % 400, '\0');
    for (char& byte : bytes) byte = static_cast<char>(random());
    if (round % 2) bytes.insert(0, "\x80\x04");
    PickleScan scan = scan_pickle(bytes);  // must return, whatever the bytes
    if (scan.status == PickleStatus::ok) EXPECT_TRUE(scan.problem.empty());
  }
}

TEST(PickleVm, LimitsStopHugeStreams) {
  std::string data = "\x80\x04";
  for (int i = 0; i < 100000; ++i) data += "(";  // MARK after MARK
  data += ".";
  PickleOptions options;
  options.limits.max_stack = 1000;
  PickleScan scan = scan_pickle(data, options);
  EXPECT_EQ(scan.status, PickleStatus::limit_exceeded);

  PickleOptions few;
  few.limits.max_opcodes = 10;
  PickleScan stopped = scan_pickle(model_fixture("benign/sklearn_model.pkl"), few);
  EXPECT_EQ(stopped.status, PickleStatus::limit_exceeded);
  EXPECT_LE(stopped.opcodes, 11u);
}

TEST(PickleVm, MemoReferencesOutOfRangeAreMalformed) {
  std::string data = "\x80\x04h\x09.";  // BINGET 9 with an empty memo
  PickleScan scan = scan_pickle(data);
  EXPECT_NE(scan.status, PickleStatus::ok);
}

TEST(PickleVm, ReadsAFrameOverrunAsAFileReaderWould) {
  // A buffer reader sees one long bytes value; CPython's C unpickler reading a file drops the
  // rest of the 2-byte frame and runs the GLOBAL/REDUCE that follows it.
  PickleScan scan = scan_pickle(model_fixture("malicious/frame_overrun.pkl"));
  ASSERT_FALSE(scan.frame_overruns.empty());
  const PickleGlobal* system = find_global(scan, "posix.system");
  ASSERT_NE(system, nullptr);
  EXPECT_TRUE(system->file_reading);
  EXPECT_TRUE(system->called);
  // A well-formed framed pickle has no overrun and a single reading.
  PickleScan framed = scan_pickle(model_fixture("benign/sklearn_model.pkl"));
  EXPECT_TRUE(framed.frame_overruns.empty());
}

TEST(PickleVm, FindsAPickleKeptAsBase64DataAndMarksItStored) {
  PickleScan scan = scan_pickle(model_fixture("malicious/stored_payload.pkl"));
  EXPECT_EQ(scan.status, PickleStatus::ok) << scan.problem;
  EXPECT_EQ(scan.stored_pickles, 1);
  const PickleGlobal* system = find_global(scan, "posix.system");
  ASSERT_NE(system, nullptr);
  EXPECT_TRUE(system->stored);
  EXPECT_EQ(system->depth, 1);
  // A payload the load itself unpickles is followed once, as unpickled, not as stored.
  PickleScan nested = scan_pickle(model_fixture("malicious/nested.pkl"));
  EXPECT_EQ(nested.stored_pickles, 0);
  ASSERT_NE(find_global(nested, "posix.system"), nullptr);
  EXPECT_FALSE(find_global(nested, "posix.system")->stored);
}

TEST(PickleVm, RecordsTheCallOfACallsResult) {
  PickleScan scan = scan_pickle(model_fixture("malicious/call_of_call.pkl"));
  ASSERT_EQ(scan.result_calls.size(), 1u);
  EXPECT_EQ(scan.result_calls[0].origin, "logging.getLogger");
  EXPECT_TRUE(scan_pickle(model_fixture("benign/sklearn_model.pkl")).result_calls.empty());
  // A loader called without a literal payload: what it unpickles cannot be seen.
  PickleScan unseen = scan_pickle(std::string("\x80\x02" "ctorch.storage\n_load_from_bytes\n)R."));
  ASSERT_EQ(unseen.result_calls.size(), 1u);
  EXPECT_TRUE(unseen.result_calls[0].unseen_payload);
}

TEST(PickleVm, CountsExpansionWithoutBuildingIt) {
  PickleScan laughs = scan_pickle(model_fixture("malicious/expansion.pkl"));
  EXPECT_GT(laughs.largest_expansion, 40'000'000u);  // 9 levels of 9 references: 48 million elements from 200 bytes
  EXPECT_LT(scan_pickle(model_fixture("benign/model.joblib")).largest_expansion, 100'000u);
  std::string dups = "\x80\x04]" + std::string(150, '2') + ".";
  EXPECT_EQ(scan_pickle(dups).dups, 150u);
}

TEST(PickleVm, ResolvesDottedNamesThroughModuleAttributes) {
  EXPECT_EQ(resolution_names("pathlib", "os.system"),
            (std::vector<std::string>{"pathlib.os.system", "pathlib.os", "os.system"}));
  EXPECT_EQ(resolution_names("builtins", "eval.__call__"),
            (std::vector<std::string>{"builtins.eval.__call__", "builtins.eval", "eval.__call__"}));
  EXPECT_EQ(resolution_names("torch.nn.modules.linear", "Linear"),
            (std::vector<std::string>{"torch.nn.modules.linear.Linear"}));
}

TEST(PickleVm, DeeplyNestedJoblibObjectArraysEndWithALimitNotACrash) {
  // A NumpyArrayWrapper of an object array opens a new pickle after its BUILD; 100,000 of
  // them nested used to recurse until the stack overflowed.
  std::string wrapper =
      "\x80\x04\x8c\x13joblib.numpy_pickle\x8c\x11NumpyArrayWrapper\x93)\x81}(\x8c\x05shape\x4b\x01\x85\x8c\x05" "dtype"
      "\x8c\x05numpy\x8c\x05" "dtype\x93\x8c\x02|O\x85R\x75\x62";
  std::string data;
  for (int i = 0; i < 100000; ++i) data += wrapper;
  PickleScan scan = scan_pickle(data, PickleOptions{.joblib = true});
  EXPECT_EQ(scan.status, PickleStatus::limit_exceeded) << scan.problem;
  EXPECT_NE(scan.problem.find("nested deeper"), std::string::npos) << scan.problem;
}

TEST(PickleVm, GarbageIsFreedSoLongStreamsStayWithinTheWorkingMemoryBudget) {
  // Three million empty lists, each popped: nothing stays reachable.
  std::string data = "\x80\x04";
  for (int i = 0; i < 3'000'000; ++i) data += "]0";
  data += "N.";
  PickleOptions tight;
  tight.limits.max_working_bytes = 200u << 20;  // above the ~100 MiB a million values take at the first collection
  PickleScan scan = scan_pickle(data, tight);
  EXPECT_EQ(scan.status, PickleStatus::ok) << scan.problem;
  // The same lists kept in the memo are live: the budget stops the analysis instead.
  std::string kept = "\x80\x04";
  for (int i = 0; i < 3'000'000; ++i) kept += "]\x94" "0";
  kept += "N.";
  PickleScan limited = scan_pickle(kept, tight);
  EXPECT_EQ(limited.status, PickleStatus::limit_exceeded);
  EXPECT_NE(limited.problem.find("working memory"), std::string::npos) << limited.problem;
}

}  // namespace
}  // namespace mlaudit::model
