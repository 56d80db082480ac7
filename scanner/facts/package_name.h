#pragma once
// How dependency facts name a Python package (PEP 503: lower case, every run of '-', '_'
// and '.' one '-'), shared by the extractors that write them and the advisory data that
// is looked up by them.
#include <string>
#include <string_view>

namespace mlaudit {

std::string normalise_package_name(std::string_view name);

}  // namespace mlaudit
