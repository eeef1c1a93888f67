// RPCRT4.dll's UUID calls and ole32.dll's GUID and task-memory calls, reached the way an importer
// reaches them: through ws2emu_find_export. Each test states the Windows behaviour it checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>

#include "exports/builtin.h"
#include "exports/ole32_exports.h"
#include "exports/rpcrt4_exports.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

// The function `name` of `dll`, as the type of the declaration it implements.
template <typename Fn>
Fn *Export(const char *dll, const char *name, Fn *) {
  return reinterpret_cast<Fn *>(ws2emu_find_export(dll, name));
}
#define FIND(dll, fn) Export(dll, #fn, &fn)

// A GUID whose every field has a different value, so a swapped or misread field shows.
constexpr GUID kSample = {
    0x6B29FC40, 0xCA47, 0x1067, {0xB3, 0x1D, 0x00, 0xDD, 0x01, 0x06, 0x62, 0xDA}};
constexpr const char *kSampleLower = "6b29fc40-ca47-1067-b31d-00dd010662da";
constexpr const char16_t *kSampleBraced = u"{6B29FC40-CA47-1067-B31D-00DD010662DA}";

bool Equal(const GUID &a, const GUID &b) { return std::memcmp(&a, &b, sizeof a) == 0; }
bool IsNil(const GUID &g) { return Equal(g, GUID{}); }

// A random UUID per RFC 4122 §4.4: version 4 in the top nibble of Data3, variant 10xx.
void ExpectVersion4(const GUID &g) {
  EXPECT_EQ(g.Data3 >> 12, 4) << std::hex << g.Data3;
  EXPECT_EQ(g.Data4[0] & 0xc0, 0x80) << std::hex << int{g.Data4[0]};
}

TEST(Rpcrt4, IsABuiltinModuleUnderItsWindowsName) {
  EXPECT_EQ(FindBuiltinModule("RPCRT4.dll"), &kRpcrt4Module);
  EXPECT_EQ(FindBuiltinModule("rpcrt4"), &kRpcrt4Module);
  EXPECT_EQ(ws2emu_find_export("rpcrt4.dll", "UuidCreate"), reinterpret_cast<void *>(&UuidCreate));
  EXPECT_EQ(ws2emu_find_export("rpcrt4.dll", "UuidCreateSequential"), nullptr);
}

TEST(Rpcrt4, UuidCreateMakesDistinctVersion4Uuids) {
  auto create = FIND("rpcrt4", UuidCreate);
  ASSERT_NE(create, nullptr);
  UUID a, b;
  ASSERT_EQ(create(&a), RPC_S_OK);
  ASSERT_EQ(create(&b), RPC_S_OK);
  ExpectVersion4(a);
  ExpectVersion4(b);
  EXPECT_FALSE(Equal(a, b));
  EXPECT_FALSE(IsNil(a));
}

TEST(Rpcrt4, UuidCreateRefusesANullPointer) {
  EXPECT_EQ(FIND("rpcrt4", UuidCreate)(nullptr), RPC_S_INVALID_ARG);
}

TEST(Rpcrt4, UuidToStringGivesLowerCaseWithoutBracesAndRpcStringFreeReleasesIt) {
  RPC_CSTR text = nullptr;
  ASSERT_EQ(FIND("rpcrt4", UuidToStringA)(&kSample, &text), RPC_S_OK);
  ASSERT_NE(text, nullptr);
  EXPECT_STREQ(reinterpret_cast<char *>(text), kSampleLower);
  EXPECT_EQ(FIND("rpcrt4", RpcStringFreeA)(&text), RPC_S_OK);
  EXPECT_EQ(text, nullptr);

  RPC_WSTR wide = nullptr;
  ASSERT_EQ(FIND("rpcrt4", UuidToStringW)(&kSample, &wide), RPC_S_OK);
  ASSERT_NE(wide, nullptr);
  EXPECT_EQ(std::u16string(wide), u"6b29fc40-ca47-1067-b31d-00dd010662da");
  EXPECT_EQ(FIND("rpcrt4", RpcStringFreeW)(&wide), RPC_S_OK);
  EXPECT_EQ(wide, nullptr);
}

TEST(Rpcrt4, UuidToStringOfNullIsTheNilUuid) {
  RPC_CSTR text = nullptr;
  ASSERT_EQ(UuidToStringA(nullptr, &text), RPC_S_OK);
  EXPECT_STREQ(reinterpret_cast<char *>(text), "00000000-0000-0000-0000-000000000000");
  RpcStringFreeA(&text);
  EXPECT_EQ(UuidToStringA(&kSample, nullptr), RPC_S_INVALID_ARG);
  EXPECT_EQ(RpcStringFreeA(nullptr), RPC_S_INVALID_ARG);
}

TEST(Rpcrt4, UuidFromStringReadsEitherCase) {
  auto from_a = FIND("rpcrt4", UuidFromStringA);
  UUID u{};
  std::string lower = kSampleLower;
  ASSERT_EQ(from_a(reinterpret_cast<RPC_CSTR>(lower.data()), &u), RPC_S_OK);
  EXPECT_TRUE(Equal(u, kSample));
  std::string upper = "6B29FC40-CA47-1067-B31D-00DD010662DA";
  u = {};
  ASSERT_EQ(from_a(reinterpret_cast<RPC_CSTR>(upper.data()), &u), RPC_S_OK);
  EXPECT_TRUE(Equal(u, kSample));

  std::u16string wide = u"6b29fc40-ca47-1067-b31d-00dd010662DA";
  u = {};
  ASSERT_EQ(FIND("rpcrt4", UuidFromStringW)(wide.data(), &u), RPC_S_OK);
  EXPECT_TRUE(Equal(u, kSample));
}

TEST(Rpcrt4, UuidFromStringOfNullIsTheNilUuid) {
  UUID u = kSample;
  EXPECT_EQ(UuidFromStringA(nullptr, &u), RPC_S_OK);
  EXPECT_TRUE(IsNil(u));
  EXPECT_EQ(UuidFromStringW(nullptr, &u), RPC_S_OK);
}

TEST(Rpcrt4, UuidFromStringRefusesAnythingButTheBareForm) {
  const char *bad[] = {
      "{6b29fc40-ca47-1067-b31d-00dd010662da}",  // braces are ole32's form, not rpcrt4's
      "6b29fc40-ca47-1067-b31d-00dd010662d",     // one digit short
      "6b29fc40-ca47-1067-b31d-00dd010662da0",   // one too many
      "6b29fc40-ca47-1067-b31d00dd010662da-",    // hyphen out of place
      "6b29fc40xca47-1067-b31d-00dd010662da",    // not a hyphen
      "6b29fc40-ca47-1067-b31d-00dd010662dg",    // not hex
      "",
  };
  auto from_a = FIND("rpcrt4", UuidFromStringA);
  for (const char *text : bad) {
    std::string copy = text;
    UUID u = kSample;
    EXPECT_EQ(from_a(reinterpret_cast<RPC_CSTR>(copy.data()), &u), RPC_S_INVALID_STRING_UUID)
        << text;
    EXPECT_TRUE(Equal(u, kSample)) << "written on failure: " << text;
  }
  std::u16string wide = u"6b29fc40-ca47-1067-b31d-00dd010662d\u0130";  // a non-ASCII last digit
  UUID u{};
  EXPECT_EQ(UuidFromStringW(wide.data(), &u), RPC_S_INVALID_STRING_UUID);
  std::string ok = kSampleLower;
  EXPECT_EQ(UuidFromStringA(reinterpret_cast<RPC_CSTR>(ok.data()), nullptr), RPC_S_INVALID_ARG);
}

TEST(Ole32, IsABuiltinModuleUnderItsWindowsName) {
  EXPECT_EQ(FindBuiltinModule("ole32.dll"), &kOle32Module);
  EXPECT_EQ(FindBuiltinModule("OLE32"), &kOle32Module);
  EXPECT_EQ(ws2emu_find_export("OLE32.DLL", "StringFromGUID2"),
            reinterpret_cast<void *>(&StringFromGUID2));
  EXPECT_EQ(ws2emu_find_export("ole32", "CoInitializeEx"), nullptr);
}

TEST(Ole32, CoCreateGuidMakesDistinctVersion4Guids) {
  auto create = FIND("ole32", CoCreateGuid);
  GUID a, b;
  ASSERT_EQ(create(&a), S_OK);
  ASSERT_EQ(create(&b), S_OK);
  ExpectVersion4(a);
  ExpectVersion4(b);
  EXPECT_FALSE(Equal(a, b));
  EXPECT_EQ(create(nullptr), E_INVALIDARG);
}

TEST(Ole32, StringFromGUID2WritesBracedUpperCaseAndCountsTheTerminator) {
  auto to_string = FIND("ole32", StringFromGUID2);
  char16_t text[64];
  std::fill(std::begin(text), std::end(text), u'#');
  ASSERT_EQ(to_string(&kSample, text, 64), 39);
  EXPECT_EQ(std::u16string(text), kSampleBraced);
  EXPECT_EQ(text[39], u'#');  // nothing written past the terminator

  std::fill(std::begin(text), std::end(text), u'#');
  EXPECT_EQ(to_string(&kSample, text, 39), 39);
  EXPECT_EQ(std::u16string(text), kSampleBraced);
}

TEST(Ole32, StringFromGUID2WritesNothingWhenTheBufferIsTooSmall) {
  char16_t text[64];
  std::fill(std::begin(text), std::end(text), u'#');
  EXPECT_EQ(StringFromGUID2(&kSample, text, 38), 0);
  EXPECT_EQ(StringFromGUID2(&kSample, text, 0), 0);
  EXPECT_EQ(StringFromGUID2(&kSample, text, -1), 0);
  EXPECT_EQ(text[0], u'#');
  EXPECT_EQ(StringFromGUID2(nullptr, text, 64), 0);
}

TEST(Ole32, StringFromCLSIDAllocatesWithCoTaskMemAlloc) {
  LPOLESTR text = nullptr;
  ASSERT_EQ(FIND("ole32", StringFromCLSID)(&kSample, &text), S_OK);
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(std::u16string(text), kSampleBraced);
  FIND("ole32", CoTaskMemFree)(text);
  ASSERT_EQ(FIND("ole32", StringFromIID)(&kSample, &text), S_OK);
  EXPECT_EQ(std::u16string(text), kSampleBraced);
  CoTaskMemFree(text);
  EXPECT_EQ(StringFromCLSID(&kSample, nullptr), E_INVALIDARG);
}

TEST(Ole32, CLSIDFromStringReadsTheBracedFormInEitherCase) {
  auto from_string = FIND("ole32", CLSIDFromString);
  CLSID c{};
  ASSERT_EQ(from_string(kSampleBraced, &c), S_OK);
  EXPECT_TRUE(Equal(c, kSample));
  c = {};
  ASSERT_EQ(from_string(u"{6b29fc40-ca47-1067-b31d-00dd010662da}", &c), S_OK);
  EXPECT_TRUE(Equal(c, kSample));
  c = kSample;
  EXPECT_EQ(from_string(nullptr, &c), S_OK);  // null: CLSID_NULL
  EXPECT_TRUE(IsNil(c));
  EXPECT_EQ(from_string(kSampleBraced, nullptr), E_INVALIDARG);
}

TEST(Ole32, CLSIDFromStringRefusesWhatIsNotABracedGuidWithClassString) {
  const char16_t *bad[] = {
      u"6B29FC40-CA47-1067-B31D-00DD010662DA",     // no braces: rpcrt4's form
      u"{6B29FC40-CA47-1067-B31D-00DD010662DA",    // unclosed
      u"{6B29FC40-CA47-1067-B31D-00DD010662DA}x",  // trailing text
      u"{6B29FC40-CA47-1067-B31D-00DD010662DZ}",   // not hex
      u"Provider.Installer.1",                     // a ProgID: there is no registry
      u"",
  };
  for (const char16_t *text : bad) {
    CLSID c = kSample;
    EXPECT_EQ(CLSIDFromString(text, &c), CO_E_CLASSSTRING);
    EXPECT_TRUE(IsNil(c)) << "CLSID_NULL on failure";
  }
}

TEST(Ole32, IIDFromStringTellsAWrongLengthFromABadGuid) {
  auto from_string = FIND("ole32", IIDFromString);
  IID iid{};
  ASSERT_EQ(from_string(kSampleBraced, &iid), S_OK);
  EXPECT_TRUE(Equal(iid, kSample));
  EXPECT_EQ(from_string(u"{6B29FC40-CA47-1067-B31D-00DD010662DA}0", &iid), E_INVALIDARG);
  EXPECT_EQ(from_string(u"{6B29FC40}", &iid), E_INVALIDARG);
  EXPECT_EQ(from_string(u"", &iid), E_INVALIDARG);
  EXPECT_EQ(from_string(u"(6B29FC40-CA47-1067-B31D-00DD010662DA)", &iid), CO_E_IIDSTRING);
  EXPECT_EQ(from_string(u"{6B29FC40+CA47-1067-B31D-00DD010662DA}", &iid), CO_E_IIDSTRING);
  EXPECT_TRUE(Equal(iid, kSample)) << "untouched on failure";
  EXPECT_EQ(from_string(nullptr, &iid), S_OK);  // null: IID_NULL
  EXPECT_TRUE(IsNil(iid));
}

TEST(Ole32, TaskMemoryAllocatesReallocatesAndFrees) {
  auto co_alloc = FIND("ole32", CoTaskMemAlloc);
  auto co_realloc = FIND("ole32", CoTaskMemRealloc);
  auto co_free = FIND("ole32", CoTaskMemFree);
  auto *p = static_cast<char *>(co_alloc(16));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u);  // Windows x64 heap alignment
  std::memcpy(p, "provider", 9);
  p = static_cast<char *>(co_realloc(p, 4096));
  ASSERT_NE(p, nullptr);
  EXPECT_STREQ(p, "provider");
  EXPECT_EQ(co_realloc(p, 0), nullptr);  // frees the block
  void *q = co_realloc(nullptr, 32);     // null block: allocates
  ASSERT_NE(q, nullptr);
  co_free(q);
  co_free(nullptr);  // a no-op, as on Windows
}

}  // namespace
}  // namespace ws2emu::emu
