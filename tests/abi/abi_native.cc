// The same checks as abi_native.c, compiled as C++20.
#include "abi_native.c"
