#pragma once
// How dependency facts name a Python package (PEP 503: lower case, '_' and '.' as '-'),
// shared by the extractors that write them and the advisory catalogs that look them up.
#include <string>
#include <string_view>

namespace mlaudit {

std::string normalise_package_name(std::string_view name);

}  // namespace mlaudit
