// The unwinder on hand-made unwind data: RtlVirtualUnwind undoes a prolog (pushes, an
// allocation, saved registers), only its executed part inside the prolog, and an epilogue by
// reading its instructions; it returns the language handler and its data outside the prolog.
// (tests/pe/cxx_provider.cc runs the whole dispatch on real C++ exceptions.)
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "win32/ntdll_unwind.h"

namespace ws2emu::emu::win32 {
namespace {

constexpr uint16_t Code(int offset, int op, int info) {
  return static_cast<uint16_t>(offset | (op << 8) | (info << 12));
}

// An image with one function at 0x100..0x200 whose prolog is
//   push rbx; push rsi; sub rsp, 0x48; mov [rsp+0x10], r12; movaps [rsp+0x20], xmm6
// and whose unwind info (at 0x400) names a handler at 0x180 when `handler` is set.
struct FakeImage {
  alignas(16) uint8_t bytes[0x1000] = {};
  RuntimeFunction fn{0x100, 0x200, 0x400};
  explicit FakeImage(bool handler) {
    std::memset(bytes + 0x100, 0x90, 0x100);  // nops: no epilogue anywhere but where put
    const uint8_t epilogue[] = {0x48, 0x83, 0xc4, 0x48, 0x5e, 0x5b, 0xc3};
    std::memcpy(bytes + 0x1f0, epilogue, sizeof(epilogue));
    uint8_t *info = bytes + 0x400;
    info[0] = 1 | ((handler ? kUnwFlagEHandler : 0) << 3);
    info[1] = 0x10;  // SizeOfProlog
    info[2] = 7;     // CountOfCodes
    info[3] = 0;     // no frame register
    const uint16_t codes[8] = {Code(0x10, 8, 6),  2,  // xmm6 at [rsp + 2*16]
                               Code(0x0c, 4, 12), 2,  // r12 at [rsp + 2*8]
                               Code(0x06, 2, 8),      // sub rsp, 8*8+8
                               Code(0x02, 0, 6),      // push rsi
                               Code(0x01, 0, 3),      // push rbx
                               0};
    std::memcpy(info + 4, codes, sizeof(codes));
    const uint32_t handler_rva = 0x180;
    std::memcpy(info + 4 + sizeof(codes), &handler_rva, 4);
  }
  DWORD64 base() const { return reinterpret_cast<DWORD64>(bytes); }
};

struct Stack {
  alignas(16) uint64_t slots[32] = {};
  DWORD64 rsp() const { return reinterpret_cast<DWORD64>(slots); }
};

TEST(RtlVirtualUnwind, UndoesAWholePrologInTheBody) {
  FakeImage image(/*handler=*/true);
  Stack stack;
  stack.slots[2] = 0x1212;            // r12 at +0x10
  stack.slots[4] = 0x6666;            // xmm6 low at +0x20
  stack.slots[5] = 0x6767;            // xmm6 high
  stack.slots[9] = 0x5151;            // rsi at +0x48
  stack.slots[10] = 0xb0b0;           // rbx at +0x50
  stack.slots[11] = 0xdeadbeef1234;   // return address at +0x58
  Context c{};
  c.Rsp = stack.rsp();
  void *data = nullptr;
  DWORD64 frame = 0;
  KNonvolatileContextPointers pointers{};
  ExceptionRoutine handler = RtlVirtualUnwind(kUnwFlagEHandler, image.base(), image.base() + 0x150,
                                              &image.fn, &c, &data, &frame, &pointers);
  EXPECT_EQ(frame, stack.rsp());
  EXPECT_EQ(c.Rip, 0xdeadbeef1234u);
  EXPECT_EQ(c.Rsp, stack.rsp() + 0x60);
  EXPECT_EQ(c.Rbx, 0xb0b0u);
  EXPECT_EQ(c.Rsi, 0x5151u);
  EXPECT_EQ(c.R12, 0x1212u);
  EXPECT_EQ(c.FltSave.XmmRegisters[6].Low, 0x6666u);
  EXPECT_EQ(c.FltSave.XmmRegisters[6].High, 0x6767);
  EXPECT_EQ(pointers.IntegerContext[3], &stack.slots[10]);
  EXPECT_EQ(reinterpret_cast<DWORD64>(handler), image.base() + 0x180);
  EXPECT_EQ(data, image.bytes + 0x400 + 4 + 16 + 4);
  // The unwind handler was not asked for: none.
  c = Context{};
  c.Rsp = stack.rsp();
  EXPECT_EQ(RtlVirtualUnwind(kUnwFlagUHandler, image.base(), image.base() + 0x150, &image.fn, &c,
                             &data, &frame, nullptr),
            nullptr);
}

TEST(RtlVirtualUnwind, InsideThePrologUndoesOnlyWhatRan) {
  FakeImage image(/*handler=*/true);
  Stack stack;
  stack.slots[0] = 0x5151;  // after push rbx; push rsi
  stack.slots[1] = 0xb0b0;
  stack.slots[2] = 0x4000;
  Context c{};
  c.Rsp = stack.rsp();
  c.R12 = 0x77;
  void *data;
  DWORD64 frame;
  EXPECT_EQ(RtlVirtualUnwind(kUnwFlagEHandler, image.base(), image.base() + 0x102, &image.fn, &c,
                             &data, &frame, nullptr),
            nullptr);  // no handler inside a prolog
  EXPECT_EQ(c.Rsi, 0x5151u);
  EXPECT_EQ(c.Rbx, 0xb0b0u);
  EXPECT_EQ(c.Rip, 0x4000u);
  EXPECT_EQ(c.Rsp, stack.rsp() + 0x18);
  EXPECT_EQ(c.R12, 0x77u);  // its save had not run
}

TEST(RtlVirtualUnwind, RunsAnEpilogueFromItsInstructions) {
  FakeImage image(/*handler=*/true);
  Stack stack;
  stack.slots[9] = 0x5151;
  stack.slots[10] = 0xb0b0;
  stack.slots[11] = 0x4444;
  Context c{};
  c.Rsp = stack.rsp();
  c.R12 = 0x99;  // already restored by the epilogue's code before this point
  void *data;
  DWORD64 frame;
  EXPECT_EQ(RtlVirtualUnwind(kUnwFlagEHandler, image.base(), image.base() + 0x1f0, &image.fn, &c,
                             &data, &frame, nullptr),
            nullptr);
  EXPECT_EQ(c.Rsi, 0x5151u);
  EXPECT_EQ(c.Rbx, 0xb0b0u);
  EXPECT_EQ(c.Rip, 0x4444u);
  EXPECT_EQ(c.Rsp, stack.rsp() + 0x60);
  EXPECT_EQ(c.R12, 0x99u);
}

TEST(RtlCaptureContext, CapturesTheCallersStackAndReturnPoint) {
  Context c{};
  emu_unwind_RtlCaptureContext(&c);
  EXPECT_EQ(c.ContextFlags & 0x10000fu, 0x10000fu);
  uint64_t here = reinterpret_cast<uint64_t>(__builtin_frame_address(0));
  EXPECT_LE(c.Rsp, here + 64);
  EXPECT_GT(c.Rsp + 4096, here);
  EXPECT_NE(c.Rip, 0u);
  EXPECT_EQ(c.SegCs != 0, true);
}

TEST(RtlLookupFunctionEntry, NativeCodeHasNone) {
  DWORD64 base = 0;
  EXPECT_EQ(RtlLookupFunctionEntry(reinterpret_cast<DWORD64>(&RtlLookupFunctionEntry), &base,
                                   nullptr),
            nullptr);
}

}  // namespace
}  // namespace ws2emu::emu::win32
