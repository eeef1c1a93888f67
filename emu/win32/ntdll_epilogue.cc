// The epilogue decoder RtlVirtualUnwind uses (declared in ntdll_unwind_internal.h).
#include <cstdint>
#include <cstring>

#include "win32/ntdll_unwind_internal.h"

namespace ws2emu::emu::win32 {

// Whether the code at `pc` is an epilogue as Windows recognises one: `add rsp, imm` or
// `lea rsp, [reg + disp]` (optional), pops of nonvolatile registers, then `ret`, or a `jmp` out
// of the function (a tail call) after at least one of those. Jumps inside the function are
// followed. When `context` is given, the epilogue is also executed on it.
bool Epilogue(const BYTE *pc, DWORD64 base, const RuntimeFunction &fn, Context *context,
              KNonvolatileContextPointers *pointers) {
  auto inside = [&](const BYTE *p) {
    DWORD64 rva = reinterpret_cast<DWORD64>(p) - base;
    return rva >= fn.BeginAddress && rva < fn.EndAddress;
  };
  Context scratch{};
  Context *c = context != nullptr ? context : &scratch;
  bool started = false;
  const BYTE *p = pc;
  if (p[0] == 0x48 && p[1] == 0x83 && p[2] == 0xc4) {
    c->Rsp += static_cast<int8_t>(p[3]);
    p += 4;
    started = true;
  } else if (p[0] == 0x48 && p[1] == 0x81 && p[2] == 0xc4) {
    int32_t imm;
    std::memcpy(&imm, p + 3, 4);
    c->Rsp += imm;
    p += 7;
    started = true;
  } else if ((p[0] & 0xfe) == 0x48 && p[1] == 0x8d) {
    BYTE modrm = p[2];
    int base_reg = (modrm & 7) + ((p[0] & 1) << 3);
    if (((modrm >> 3) & 7) != 4 || (modrm & 7) == 4) return false;  // to rsp, no SIB
    if ((modrm >> 6) == 1) {
      c->Rsp = IntReg(c, base_reg) + static_cast<int8_t>(p[3]);
      p += 4;
    } else if ((modrm >> 6) == 2) {
      int32_t disp;
      std::memcpy(&disp, p + 3, 4);
      c->Rsp = IntReg(c, base_reg) + disp;
      p += 7;
    } else {
      return false;
    }
    started = true;
  }
  for (int steps = 0; steps < 64; ++steps) {
    BYTE rex = 0;
    if ((*p & 0xf0) == 0x40) rex = *p++;
    if (*p >= 0x58 && *p <= 0x5f && (rex & 0x0e) == 0) {  // pop reg
      if (context != nullptr) PopInt(c, (*p - 0x58) + ((rex & 1) << 3), pointers);
      ++p;
      started = true;
      continue;
    }
    bool ret = false;
    if (rex == 0 && (*p == 0xc3 || *p == 0xc2 || (*p == 0xf3 && p[1] == 0xc3))) {
      ret = true;
    } else if (rex == 0 && (*p == 0xe9 || *p == 0xeb)) {
      int32_t rel;
      if (*p == 0xe9) {
        std::memcpy(&rel, p + 1, 4);
        rel += 5;
      } else {
        rel = static_cast<int8_t>(p[1]) + 2;
      }
      if (inside(p + rel)) {
        p += rel;
        continue;
      }
      ret = started;
    } else if ((rex == 0 || rex == 0x48) && *p == 0xff && ((p[1] >> 3) & 7) == 4) {
      ret = started;  // jmp through memory or a register: a tail call
    }
    if (!ret) return false;
    if (context != nullptr) {
      context->Rip = Load64(context->Rsp);
      context->Rsp += 8;
      if (*p == 0xc2) context->Rsp += p[1] | (p[2] << 8);
    }
    return true;
  }
  return false;
}

}  // namespace ws2emu::emu::win32
