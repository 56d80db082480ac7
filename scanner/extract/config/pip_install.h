#pragma once
// The packages a shell command installs with pip ("pip install torch==1.13.0 'numpy<2'",
// "python -m pip install -U x", "uv pip install y"): requirement texts, options and their
// values, files, URLs and shell variables left out.
#include <string>
#include <string_view>
#include <vector>

namespace mlaudit {

std::vector<std::string> pip_install_requirements(std::string_view command);

}  // namespace mlaudit
