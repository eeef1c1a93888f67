// Runs the fuzz target over files given on the command line (the corpus), for builds without
// libFuzzer: the corpus is replayed as a regression test on every build.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
  int files = 0;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "fuzz-replay: cannot open %s\n", argv[i]);
      return 1;
    }
    std::vector<uint8_t> bytes(std::istreambuf_iterator<char>(in), {});
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    ++files;
  }
  std::printf("fuzz-replay: %d inputs replayed\n", files);
  return files > 0 ? 0 : 1;
}
