#pragma once
// A handful of rows in a dataset under a test folder (a CSV-reader fixture with three
// made-up people) is test data, not the processing of real people: its personal categories
// are set aside, so the lawful-basis, retention and DPIA questions are not asked of it, and
// a note says which datasets were set aside and why.
#include "extract/extract_files.h"

namespace mlaudit {

// Datasets with at most this many rows, all of them read, count as test fixtures.
inline constexpr uint64_t kTestDatasetMaxRows = 20;

void set_aside_test_datasets(Extraction& extraction);

}  // namespace mlaudit
