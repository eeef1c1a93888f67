// Windows' wildcard matching of file names (FindFirstFile's patterns, emu/win32/
// kernel32_find_files.cc), case by case as a Windows file system answers them.
#include <string>

#include "gtest/gtest.h"
#include "win32/kernel32_find_files.h"

namespace ws2emu::emu::win32 {
namespace {

bool Matches(const char16_t *pattern, const char16_t *name, bool exact = false) {
  return WildcardMatch(pattern, name, exact);
}

TEST(WildcardMatch, StarMatchesAnyRun) {
  EXPECT_TRUE(Matches(u"*", u"anything.at.all"));
  EXPECT_TRUE(Matches(u"*", u"."));
  EXPECT_TRUE(Matches(u"a*z", u"az"));
  EXPECT_TRUE(Matches(u"a*z", u"a.b.z"));
  EXPECT_FALSE(Matches(u"a*z", u"a.b.zz."));
}

TEST(WildcardMatch, StarDotStarMatchesNamesWithoutADot) {
  EXPECT_TRUE(Matches(u"*.*", u"README"));
  EXPECT_TRUE(Matches(u"*.*", u"a.b.c"));
  EXPECT_TRUE(Matches(u"foo.*", u"foo"));
  EXPECT_TRUE(Matches(u"foo.*", u"foo.bar"));
  EXPECT_FALSE(Matches(u"foo.*", u"foobar"));
}

TEST(WildcardMatch, StarDotMatchesNamesWithoutAnExtension) {
  EXPECT_TRUE(Matches(u"*.", u"README"));
  EXPECT_FALSE(Matches(u"*.", u"a.txt"));
  EXPECT_FALSE(Matches(u"*.", u"a.b.c"));
  EXPECT_TRUE(Matches(u"name.", u"name"));
}

TEST(WildcardMatch, StarBeforeADotStopsAtTheLastDot) {
  EXPECT_TRUE(Matches(u"*.txt", u"a.b.txt"));
  EXPECT_TRUE(Matches(u"*.txt", u".txt"));
  EXPECT_FALSE(Matches(u"*.txt", u"a.txt.bak"));
  EXPECT_TRUE(Matches(u"*.b*", u"a.b.c.bz"));
}

TEST(WildcardMatch, QuestionMarkIsOneCharacterOrNoneAtADotOrTheEnd) {
  EXPECT_TRUE(Matches(u"a?c", u"abc"));
  EXPECT_FALSE(Matches(u"a?c", u"ac"));
  EXPECT_FALSE(Matches(u"a?c", u"a.c"));
  EXPECT_TRUE(Matches(u"ab??", u"ab"));
  EXPECT_TRUE(Matches(u"ab??", u"abcd"));
  EXPECT_FALSE(Matches(u"ab??", u"abcde"));
  EXPECT_TRUE(Matches(u"a??.txt", u"a.txt"));
  EXPECT_TRUE(Matches(u"a??.txt", u"ab.txt"));
  EXPECT_FALSE(Matches(u"?", u"ab"));
}

TEST(WildcardMatch, CaseInsensitiveUnlessAskedBeyondAscii) {
  EXPECT_TRUE(Matches(u"README.TXT", u"readme.txt"));
  EXPECT_FALSE(Matches(u"README.TXT", u"readme.txt", /*exact=*/true));
  EXPECT_TRUE(Matches(u"README.TXT", u"README.TXT", true));
  EXPECT_TRUE(Matches(u"\u00c9T\u00c9", u"\u00e9t\u00e9"));      // Latin-1
  EXPECT_TRUE(Matches(u"\u0410\u0411", u"\u0430\u0431"));        // Cyrillic
  EXPECT_TRUE(Matches(u"\u0391*", u"\u03b1\u03b2"));             // Greek
  EXPECT_TRUE(Matches(u"\u0141\u00d3D\u0179", u"\u0142\u00f3d\u017a"));  // Latin Extended-A
  EXPECT_FALSE(Matches(u"\u00c9", u"E"));
}

TEST(WildcardMatch, ManyStarsStayCheap) {
  // Memoised: a pattern of stars against a long name that fails at the end.
  const std::u16string name(255, u'a');
  EXPECT_FALSE(Matches(u"*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", name.c_str()));
}

}  // namespace
}  // namespace ws2emu::emu::win32
