#pragma once
// Masked forms of personal values for evidence: enough shape to recognise the kind of
// value, never enough to recover it.
#include <string>
#include <string_view>

namespace mlaudit::personal {

// "jane.doe@example.com" -> "j***@e***.com"; "DE89 3704 0044 0532 0130 00" -> "**** ... **00";
// "Jane Doe" -> "J*** D**"; values of three characters or fewer -> "***".
std::string mask_value(std::string_view value);

}  // namespace mlaudit::personal
