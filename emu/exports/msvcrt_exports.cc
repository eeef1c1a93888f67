// msvcrt.dll: the subset in emu/msvcrt.
#include "exports/builtin.h"
#include "msvcrt/msvcrt.h"

namespace ws2emu::emu {
namespace {

using namespace msvcrt;  // NOLINT

#define EXPORT(name, fn) {name, 0, reinterpret_cast<const void *>(&fn)}
const BuiltinExport kExports[] = {
    EXPORT("__C_specific_handler", __C_specific_handler),
    EXPORT("__getmainargs", __getmainargs),
    {"__initenv", 0, &g_initenv},
    EXPORT("__iob_func", __iob_func),
    EXPORT("__set_app_type", __set_app_type),
    EXPORT("__setusermatherr", __setusermatherr),
    {"_acmdln", 0, &g_acmdln},
    EXPORT("_cexit", _cexit),
    {"_commode", 0, &g_commode},
    {"_fmode", 0, &g_fmode},
    EXPORT("_onexit", _onexit),
    EXPORT("_amsg_exit", _amsg_exit),
    EXPORT("_initterm", _initterm),
    EXPORT("_initterm_e", _initterm_e),
    EXPORT("_lock", _lock),
    EXPORT("_snprintf", _snprintf_),
    EXPORT("_unlock", _unlock),
    EXPORT("_vsnprintf", _vsnprintf_),
    EXPORT("abort", abort_),
    EXPORT("calloc", calloc_),
    EXPORT("exit", exit_),
    EXPORT("fflush", fflush_),
    EXPORT("fprintf", fprintf_),
    EXPORT("fputc", fputc_),
    EXPORT("fputs", fputs_),
    EXPORT("free", free_),
    EXPORT("fwrite", fwrite_),
    EXPORT("malloc", malloc_),
    EXPORT("memcmp", memcmp_),
    EXPORT("memcpy", memcpy_),
    EXPORT("memmove", memmove_),
    EXPORT("memset", memset_),
    EXPORT("printf", printf_),
    EXPORT("puts", puts_),
    EXPORT("realloc", realloc_),
    EXPORT("signal", signal_),
    EXPORT("sprintf", sprintf_),
    EXPORT("strcmp", strcmp_),
    EXPORT("strlen", strlen_),
    EXPORT("strncmp", strncmp_),
    EXPORT("vfprintf", vfprintf_),
    EXPORT("vprintf", vprintf_),
    EXPORT("wcscmp", wcscmp_),
    EXPORT("wcscpy", wcscpy_),
    EXPORT("wcslen", wcslen_),
    EXPORT("wcsncmp", wcsncmp_),
    EXPORT("wcsncpy", wcsncpy_),
    EXPORT("_atoi64", _atoi64_),
    EXPORT("_errno", _errno_),
    EXPORT("_stricmp", _stricmp_),
    EXPORT("_strnicmp", _strnicmp_),
    EXPORT("atoi", atoi_),
    EXPORT("atol", atol_),
    EXPORT("getchar", getchar_),
    EXPORT("isalnum", isalnum_),
    EXPORT("isalpha", isalpha_),
    EXPORT("isdigit", isdigit_),
    EXPORT("isspace", isspace_),
    EXPORT("putchar", putchar_),
    EXPORT("strcat", strcat_),
    EXPORT("strchr", strchr_),
    EXPORT("strcpy", strcpy_),
    EXPORT("strncpy", strncpy_),
    EXPORT("strrchr", strrchr_),
    EXPORT("strstr", strstr_),
    EXPORT("strtol", strtol_),
    EXPORT("strtoul", strtoul_),
    EXPORT("tolower", tolower_),
    EXPORT("toupper", toupper_),
};
#undef EXPORT

}  // namespace

const BuiltinModule kMsvcrtModule = {"msvcrt.dll", kExports,
                                     sizeof(kExports) / sizeof(kExports[0])};

}  // namespace ws2emu::emu
