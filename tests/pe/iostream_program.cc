// iostream_program.exe DIR: C++ streams with the static libstdc++ (cout, wcout, locales,
// stringstream, ofstream/ifstream in DIR), whose msvcrt imports (setlocale, strcoll, strxfrm,
// strftime, _gmtime64, towupper, iswctype, getwc/putwc, fgetpos, _fstat64, _lseeki64, ...) must
// all be built in. Prints what it checks; exits 0 when all hold.
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <locale>
#include <sstream>
#include <string>

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  int failures = 0;
  auto check = [&](bool ok, const char *what) {
    if (!ok) {
      std::cout << "iostream_program: FAILED " << what << std::endl;
      ++failures;
    }
  };
  std::locale c("C");
  check(c.name() == "C", "std::locale(\"C\")");
  std::cout.imbue(std::locale::classic());
  std::stringstream ss;
  ss << 42 << ' ' << 3.5 << ' ' << std::hex << 255;
  check(ss.str() == "42 3.5 ff", "stringstream");
  int n = 0;
  std::istringstream("123 rest") >> n;
  check(n == 123, "istringstream");
  check(std::use_facet<std::ctype<wchar_t>>(c).toupper(L'q') == L'Q', "ctype<wchar_t>");
  check(std::use_facet<std::collate<char>>(c).compare("a", "a" + 1, "b", "b" + 1) < 0,
        "collate<char>");
  std::time_t when = 795184889;  // 1995-03-14 12:41:29 UTC
  std::ostringstream date;
  date << std::put_time(std::gmtime(&when), "%Y-%m-%d %H:%M");
  check(date.str() == "1995-03-14 12:41", "put_time(gmtime)");
  check(std::localtime(&when) != nullptr, "localtime");
  check(std::stoi("-17") == -17 && std::to_string(5) == "5", "stoi/to_string");
  const std::string path = std::string(argv[1]) + "/stream.txt";
  {
    std::ofstream out(path);
    out << "line one\n" << 77 << '\n';
    check(static_cast<bool>(out), "ofstream");
  }
  {
    std::ifstream in(path);
    std::string first;
    int value = 0;
    std::getline(in, first);
    in >> value;
    check(first == "line one" && value == 77, "ifstream");
    in.clear();
    in.seekg(0, std::ios::end);
    check(in.tellg() == std::streampos(12), "ifstream seekg/tellg");
  }
  std::wcout << L"wide " << 7 << std::endl;
  std::cout << "narrow " << 8 << std::endl;
  if (failures == 0) std::cout << "iostream_program: all checks passed" << std::endl;
  return failures == 0 ? 0 : 1;
}
