// RtlLookupFunctionEntry (the image's .pdata) and RtlVirtualUnwind (its UNWIND_INFO codes,
// chained entries, and the epilogue check of ntdll_epilogue.cc).
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "loader/loader.h"
#include "win32/ntdll_unwind_internal.h"

namespace ws2emu::emu::win32 {
namespace {

// UNWIND_INFO and its codes.
struct UnwindInfo {
  BYTE version_flags;  // Version:3, Flags:5
  BYTE size_of_prolog;
  BYTE count_of_codes;
  BYTE frame;  // FrameRegister:4, FrameOffset:4
  int flags() const { return version_flags >> 3; }
  int version() const { return version_flags & 7; }
  int frame_register() const { return frame & 15; }
  int frame_offset() const { return frame >> 4; }
  const uint16_t *codes() const { return reinterpret_cast<const uint16_t *>(this + 1); }
  // What follows the codes: a chained RUNTIME_FUNCTION, or the handler RVA and its data.
  const BYTE *tail() const {
    return reinterpret_cast<const BYTE *>(codes() + ((count_of_codes + 1) & ~1));
  }
};

enum UnwindOp {
  kPushNonvol = 0,
  kAllocLarge = 1,
  kAllocSmall = 2,
  kSetFpreg = 3,
  kSaveNonvol = 4,
  kSaveNonvolFar = 5,
  kEpilogOrSaveXmm = 6,  // version 2: UWOP_EPILOG; version 1: the obsolete UWOP_SAVE_XMM
  kSpareOrSaveXmmFar = 7,
  kSaveXmm128 = 8,
  kSaveXmm128Far = 9,
  kPushMachframe = 10,
};

int CodeOffset(uint16_t code) { return code & 0xff; }
int Op(uint16_t code) { return (code >> 8) & 15; }
int OpInfo(uint16_t code) { return code >> 12; }

// How many 16-bit slots a code takes.
int CodeSlots(uint16_t code, int version) {
  switch (Op(code)) {
    case kAllocLarge:
      return OpInfo(code) == 0 ? 2 : 3;
    case kSaveNonvol:
    case kSaveXmm128:
      return 2;
    case kSaveNonvolFar:
    case kSaveXmm128Far:
      return 3;
    case kEpilogOrSaveXmm:
      return version >= 2 ? 1 : 2;
    case kSpareOrSaveXmmFar:
      return version >= 2 ? 2 : 3;
    default:
      return 1;
  }
}

DWORD Slot32(const uint16_t *codes, int i) { return codes[i] | (DWORD{codes[i + 1]} << 16); }

}  // namespace

RuntimeFunction *WINAPI RtlLookupFunctionEntry(DWORD64 ControlPc, DWORD64 *ImageBase, PVOID) {
  Module *m = Loader::Get().FindByAddress(reinterpret_cast<const void *>(ControlPc));
  if (m == nullptr) return nullptr;
  DWORD64 base = reinterpret_cast<DWORD64>(m->base());
  *ImageBase = base;
  uint64_t rva = m->image().exception_directory_rva();
  uint64_t size = m->image().exception_directory_size();
  if (rva == 0 || rva + size > m->size()) return nullptr;
  auto *table = reinterpret_cast<RuntimeFunction *>(base + rva);
  DWORD pc = static_cast<DWORD>(ControlPc - base);
  size_t lo = 0, hi = size / sizeof(RuntimeFunction);
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (pc < table[mid].BeginAddress) {
      hi = mid;
    } else if (pc >= table[mid].EndAddress) {
      lo = mid + 1;
    } else {
      RuntimeFunction *entry = &table[mid];
      // An indirect entry names the primary RUNTIME_FUNCTION of the region.
      if ((entry->UnwindData & 1) != 0 && (entry->UnwindData & ~1u) + 12 <= m->size())
        entry = reinterpret_cast<RuntimeFunction *>(base + (entry->UnwindData & ~1u));
      return entry->UnwindData + 4 <= m->size() ? entry : nullptr;
    }
  }
  return nullptr;
}

ExceptionRoutine WINAPI RtlVirtualUnwind(DWORD HandlerType, DWORD64 ImageBase,
                                         DWORD64 ControlPc, RuntimeFunction *FunctionEntry,
                                         Context *ContextRecord, PVOID *HandlerData,
                                         DWORD64 *EstablisherFrame,
                                         KNonvolatileContextPointers *ContextPointers) {
  auto *info = reinterpret_cast<const UnwindInfo *>(ImageBase + FunctionEntry->UnwindData);
  DWORD64 offset = ControlPc - ImageBase - FunctionEntry->BeginAddress;
  const uint16_t *codes = info->codes();

  // The establisher frame: the frame register's base once the prolog has set it, else Rsp.
  DWORD64 frame = ContextRecord->Rsp;
  if (info->frame_register() != 0) {
    bool set = offset >= info->size_of_prolog || (info->flags() & kUnwFlagChainInfo) != 0;
    for (int i = 0; !set && i < info->count_of_codes; i += CodeSlots(codes[i], info->version()))
      set = Op(codes[i]) == kSetFpreg && CodeOffset(codes[i]) <= static_cast<int>(offset);
    if (set) frame = IntReg(ContextRecord, info->frame_register()) - 16 * info->frame_offset();
  }
  *EstablisherFrame = frame;
  if (HandlerData != nullptr) *HandlerData = nullptr;

  if (offset >= info->size_of_prolog &&
      Epilogue(reinterpret_cast<const BYTE *>(ControlPc), ImageBase, *FunctionEntry, nullptr,
               nullptr)) {
    Epilogue(reinterpret_cast<const BYTE *>(ControlPc), ImageBase, *FunctionEntry,
             ContextRecord, ContextPointers);
    return nullptr;
  }

  const bool in_prolog = offset < info->size_of_prolog;
  DWORD64 prolog_offset = offset;
  bool machine_frame = false;
  for (int depth = 0; depth < 32; ++depth) {
    codes = info->codes();
    for (int i = 0; i < info->count_of_codes; i += CodeSlots(codes[i], info->version())) {
      uint16_t code = codes[i];
      if (prolog_offset < static_cast<DWORD64>(CodeOffset(code))) continue;  // not run yet
      int op_info = OpInfo(code);
      switch (Op(code)) {
        case kPushNonvol:
          PopInt(ContextRecord, op_info, ContextPointers);
          break;
        case kAllocLarge:
          ContextRecord->Rsp += op_info == 0 ? DWORD64{codes[i + 1]} * 8 : Slot32(codes, i + 1);
          break;
        case kAllocSmall:
          ContextRecord->Rsp += op_info * 8 + 8;
          break;
        case kSetFpreg:
          ContextRecord->Rsp =
              IntReg(ContextRecord, info->frame_register()) - 16 * info->frame_offset();
          break;
        case kSaveNonvol:
          LoadInt(ContextRecord, op_info, frame + DWORD64{codes[i + 1]} * 8, ContextPointers);
          break;
        case kSaveNonvolFar:
          LoadInt(ContextRecord, op_info, frame + Slot32(codes, i + 1), ContextPointers);
          break;
        case kSaveXmm128:
          LoadXmm(ContextRecord, op_info, frame + DWORD64{codes[i + 1]} * 16, ContextPointers);
          break;
        case kSaveXmm128Far:
          LoadXmm(ContextRecord, op_info, frame + Slot32(codes, i + 1), ContextPointers);
          break;
        case kPushMachframe:
          if (op_info != 0) ContextRecord->Rsp += 8;  // an error code was pushed too
          ContextRecord->Rip = Load64(ContextRecord->Rsp);
          ContextRecord->Rsp = Load64(ContextRecord->Rsp + 24);
          machine_frame = true;
          break;
        default:  // version 2 epilog descriptions and obsolete codes: nothing to undo here
          break;
      }
    }
    if ((info->flags() & kUnwFlagChainInfo) == 0) break;
    auto *chained = reinterpret_cast<const RuntimeFunction *>(info->tail());
    info = reinterpret_cast<const UnwindInfo *>(ImageBase + chained->UnwindData);
    prolog_offset = ~DWORD64{0};  // the parent's prolog has run in full
  }
  if (!machine_frame) {
    ContextRecord->Rip = Load64(ContextRecord->Rsp);
    ContextRecord->Rsp += 8;
  }
  if (in_prolog || (info->flags() & HandlerType & (kUnwFlagEHandler | kUnwFlagUHandler)) == 0)
    return nullptr;
  DWORD handler_rva;
  std::memcpy(&handler_rva, info->tail(), sizeof(handler_rva));
  if (HandlerData != nullptr) *HandlerData = const_cast<BYTE *>(info->tail() + 4);
  return reinterpret_cast<ExceptionRoutine>(ImageBase + handler_rva);
}

}  // namespace ws2emu::emu::win32
