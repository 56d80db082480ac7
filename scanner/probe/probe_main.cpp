// mlaudit-probe: the only executable that links LibTorch. `mlaudit probe` will run it as
// a sandboxed child process to attack the project's models; scanning never loads it,
// because LibTorch costs ~0.3 s and ~160 MB before main() starts.
// For now it reports the LibTorch it was built with, so a build proves the link works.
#include <torch/torch.h>
#include <torch/version.h>

#include <cstring>
#include <iostream>

int main(int argc, char** argv) {
  if (argc == 2 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "--libtorch") == 0)) {
    std::cout << "mlaudit-probe " << MLAUDIT_PROBE_VERSION << " (LibTorch " << TORCH_VERSION
              << ", CUDA " << (torch::cuda::is_available() ? "available" : "not available") << ")\n";
    // A tensor operation, so the check exercises the library and not only its headers.
    auto sum = torch::ones({2, 2}).sum().item<float>();
    return sum == 4.0f ? 0 : 3;
  }
  std::cerr << "usage: mlaudit-probe --version\n"
               "Model probes (evasion, backdoor, poisoning, membership inference) are not implemented yet.\n";
  return 2;
}
