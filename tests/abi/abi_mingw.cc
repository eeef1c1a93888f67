// The same checks as abi_mingw.c, compiled as C++ by x86_64-w64-mingw32-g++: the GUID entries
// of abi_list.h are constant expressions only in C++.
#include "abi_mingw.c"
