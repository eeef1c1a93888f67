// tests/pe/faults_cxx.cc — C++ as mingw-w64 g++ compiles it (SEH unwinding, libgcc's personality
// routine as each frame's language handler), around a processor fault:
//   faults_cxx.exe         a C++ throw is caught by catch (...) through three frames; prints
//                          "cxx ok", exits 0
//   faults_cxx.exe fault   an access violation inside try { } catch (...) { }: libgcc's handler
//                          is asked and declines it (catch (...) catches C++ exceptions only —
//                          on Windows too: under Wine the same program ends unhandled), so the
//                          fault is unhandled: the report, exit 87
#include <windows.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace {

__attribute__((noinline)) int Read(volatile int *p) { return *p; }

__attribute__((noinline)) int Throw(int depth) {
  if (depth == 0) throw std::runtime_error("thrown three frames down");
  return Throw(depth - 1) + 1;
}

}  // namespace

int main(int argc, char **argv) {
  setvbuf(stdout, nullptr, _IONBF, 0);
  if (argc > 1 && std::strcmp(argv[1], "fault") == 0) {
    try {
      std::printf("%d\n", Read(reinterpret_cast<volatile int *>(0x30)));
    } catch (...) {
      std::printf("catch (...) caught a processor fault\n");
      return 1;
    }
    return 0;
  }
  try {
    std::printf("%d\n", Throw(3));
  } catch (const std::exception &e) {
    std::printf("caught: %s\n", e.what());
    std::printf("cxx ok\n");
    return 0;
  }
  return 1;
}
