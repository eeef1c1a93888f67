// KERNEL32.dll: the primitives the core implements (events, waits, APCs, threads, completion
// ports, last error), plus the plain forms of the Ex calls.
#include "exports/builtin.h"
#include "win32/kernel32.h"
#include "msvcrt/msvcrt.h"
#include "win32/kernel32_disk_files.h"
#include "win32/kernel32_files.h"
#include "win32/kernel32_find_files.h"
#include "win32/kernel32_process_handles.h"
#include "win32/kernel32_toolhelp.h"
#include "win32/ntdll_unwind.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu::emu {
namespace {

VOID WINAPI Sleep(DWORD dwMilliseconds) { ws2emu_SleepEx(dwMilliseconds, FALSE); }

DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds) {
  return ws2emu_WaitForSingleObjectEx(hHandle, dwMilliseconds, FALSE);
}

DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                    DWORD dwMilliseconds) {
  return ws2emu_WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, FALSE);
}

// The A forms take an 8-bit name; like the W forms, only unnamed objects exist.
HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES attributes, LONG initial, LONG maximum,
                               LPCSTR lpName) {
  if (lpName != nullptr && lpName[0] != 0) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  return ws2emu_CreateSemaphoreW(attributes, initial, maximum, nullptr);
}

HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES attributes, BOOL initial_owner, LPCSTR lpName) {
  if (lpName != nullptr && lpName[0] != 0) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  return ws2emu_CreateMutexW(attributes, initial_owner, nullptr);
}

// CreateEventA: the A form takes an 8-bit name; like the W form, only unnamed events exist.
HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES attributes, BOOL bManualReset,
                           BOOL bInitialState, LPCSTR lpName) {
  if (lpName != nullptr && lpName[0] != 0) {
    ws2emu_SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  return ws2emu_CreateEventW(attributes, bManualReset, bInitialState, nullptr);
}

using namespace win32;  // NOLINT

#define EXPORT(name, fn) {name, 0, reinterpret_cast<const void *>(&fn)}
const BuiltinExport kExports[] = {
    EXPORT("CloseHandle", CloseHandle),
    EXPORT("CreateThread", CreateThread),
    EXPORT("DeleteCriticalSection", DeleteCriticalSection),
    EXPORT("DisableThreadLibraryCalls", DisableThreadLibraryCalls),
    EXPORT("EnterCriticalSection", EnterCriticalSection),
    EXPORT("ExitThread", ExitThread),
    EXPORT("GetCurrentProcessId", GetCurrentProcessId),
    EXPORT("InitializeCriticalSection", InitializeCriticalSection),
    EXPORT("InitializeCriticalSectionAndSpinCount", InitializeCriticalSectionAndSpinCount),
    EXPORT("InitializeCriticalSectionEx", InitializeCriticalSectionEx),
    EXPORT("LeaveCriticalSection", LeaveCriticalSection),
    EXPORT("SuspendThread", SuspendThread),
    EXPORT("TlsAlloc", TlsAlloc),
    EXPORT("TlsFree", TlsFree),
    EXPORT("TlsGetValue", TlsGetValue),
    EXPORT("TlsSetValue", TlsSetValue),
    EXPORT("TryEnterCriticalSection", TryEnterCriticalSection),
    EXPORT("InitializeSListHead", InitializeSListHead),
    EXPORT("InterlockedFlushSList", InterlockedFlushSList),
    EXPORT("InterlockedPopEntrySList", InterlockedPopEntrySList),
    EXPORT("InterlockedPushEntrySList", InterlockedPushEntrySList),
    EXPORT("InterlockedPushListSListEx", InterlockedPushListSListEx),
    EXPORT("QueryDepthSList", QueryDepthSList),
    EXPORT("VirtualProtect", VirtualProtect),
    EXPORT("VirtualQuery", VirtualQuery),
    EXPORT("CreateEventA", CreateEventA),
    EXPORT("CreateEventW", ws2emu_CreateEventW),
    EXPORT("CreateIoCompletionPort", ws2emu_CreateIoCompletionPort),
    EXPORT("GetCurrentThreadId", ws2emu_GetCurrentThreadId),
    EXPORT("GetCurrentThread", ws2emu_GetCurrentThread),
    EXPORT("GetCurrentProcess", ws2emu_GetCurrentProcess),
    EXPORT("GetThreadId", ws2emu_GetThreadId),
    EXPORT("DuplicateHandle", DuplicateHandle),
    EXPORT("GetExitCodeThread", GetExitCodeThread),
    EXPORT("GetSystemTimeAsFileTime", GetSystemTimeAsFileTime),
    EXPORT("GetTickCount", GetTickCount),
    EXPORT("GetTickCount64", GetTickCount64),
    EXPORT("GetLastError", ws2emu_GetLastError),
    EXPORT("GetQueuedCompletionStatus", ws2emu_GetQueuedCompletionStatus),
    EXPORT("GetQueuedCompletionStatusEx", ws2emu_GetQueuedCompletionStatusEx),
    EXPORT("OpenThread", ws2emu_OpenThread),
    EXPORT("PostQueuedCompletionStatus", ws2emu_PostQueuedCompletionStatus),
    EXPORT("GetOverlappedResult", ws2emu_GetOverlappedResult),
    EXPORT("CancelIo", ws2emu_CancelIo),
    EXPORT("CancelIoEx", ws2emu_CancelIoEx),
    EXPORT("SetFileCompletionNotificationModes", ws2emu_SetFileCompletionNotificationModes),
    EXPORT("QueryPerformanceCounter", QueryPerformanceCounter),
    EXPORT("QueryPerformanceFrequency", QueryPerformanceFrequency),
    EXPORT("QueueUserAPC", ws2emu_QueueUserAPC),
    EXPORT("ResetEvent", ws2emu_ResetEvent),
    EXPORT("ResumeThread", ResumeThread),
    EXPORT("SetEvent", ws2emu_SetEvent),
    EXPORT("SetLastError", ws2emu_SetLastError),
    EXPORT("Sleep", Sleep),
    EXPORT("SleepEx", ws2emu_SleepEx),
    EXPORT("WaitForMultipleObjects", WaitForMultipleObjects),
    EXPORT("WaitForMultipleObjectsEx", ws2emu_WaitForMultipleObjectsEx),
    EXPORT("WaitForSingleObject", WaitForSingleObject),
    EXPORT("WaitForSingleObjectEx", ws2emu_WaitForSingleObjectEx),
    EXPORT("FreeLibrary", FreeLibrary),
    EXPORT("GetModuleFileNameA", GetModuleFileNameA),
    EXPORT("GetModuleFileNameW", GetModuleFileNameW),
    EXPORT("GetModuleHandleA", GetModuleHandleA),
    EXPORT("GetModuleHandleW", GetModuleHandleW),
    EXPORT("GetProcAddress", GetProcAddress),
    EXPORT("LoadLibraryA", LoadLibraryA),
    EXPORT("LoadLibraryExA", LoadLibraryExA),
    EXPORT("LoadLibraryExW", LoadLibraryExW),
    EXPORT("LoadLibraryW", LoadLibraryW),
    EXPORT("ExitProcess", ExitProcess),
    EXPORT("GetCommandLineA", GetCommandLineA),
    EXPORT("GetCommandLineW", GetCommandLineW),
    EXPORT("GetStartupInfoA", GetStartupInfoA),
    EXPORT("GetStartupInfoW", GetStartupInfoW),
    EXPORT("SetUnhandledExceptionFilter", SetUnhandledExceptionFilter),
    EXPORT("GetProcessHeap", GetProcessHeap),
    EXPORT("HeapAlloc", HeapAlloc),
    EXPORT("HeapCreate", HeapCreate),
    EXPORT("HeapDestroy", HeapDestroy),
    EXPORT("HeapFree", HeapFree),
    EXPORT("HeapReAlloc", HeapReAlloc),
    EXPORT("HeapSize", HeapSize),
    EXPORT("VirtualAlloc", VirtualAlloc),
    EXPORT("VirtualFree", VirtualFree),
    EXPORT("CreateMutexA", CreateMutexA),
    EXPORT("CreateMutexW", ws2emu_CreateMutexW),
    EXPORT("CreateSemaphoreA", CreateSemaphoreA),
    EXPORT("CreateSemaphoreW", ws2emu_CreateSemaphoreW),
    EXPORT("ReleaseMutex", ws2emu_ReleaseMutex),
    EXPORT("ReleaseSemaphore", ws2emu_ReleaseSemaphore),
    EXPORT("DebugBreak", DebugBreak),
    EXPORT("ExpandEnvironmentStringsA", ExpandEnvironmentStringsA),
    EXPORT("ExpandEnvironmentStringsW", ExpandEnvironmentStringsW),
    EXPORT("GetSystemDirectoryA", GetSystemDirectoryA),
    EXPORT("GetSystemDirectoryW", GetSystemDirectoryW),
    EXPORT("GetWindowsDirectoryA", GetWindowsDirectoryA),
    EXPORT("GetWindowsDirectoryW", GetWindowsDirectoryW),
    EXPORT("GetSystemWindowsDirectoryA", GetWindowsDirectoryA),
    EXPORT("GetSystemWindowsDirectoryW", GetWindowsDirectoryW),
    EXPORT("GetACP", GetACP),
    EXPORT("GetEnvironmentVariableA", GetEnvironmentVariableA),
    EXPORT("GetEnvironmentVariableW", GetEnvironmentVariableW),
    EXPORT("GetOEMCP", GetOEMCP),
    EXPORT("GetSystemInfo", GetSystemInfo),
    // A 64-bit process on x64: the native system is the one GetSystemInfo describes.
    EXPORT("GetNativeSystemInfo", GetSystemInfo),
    EXPORT("GetVersionExA", GetVersionExA),
    EXPORT("GetVersionExW", GetVersionExW),
    EXPORT("IsDBCSLeadByteEx", IsDBCSLeadByteEx),
    EXPORT("MultiByteToWideChar", MultiByteToWideChar),
    EXPORT("OutputDebugStringA", OutputDebugStringA),
    EXPORT("OutputDebugStringW", OutputDebugStringW),
    EXPORT("SetEnvironmentVariableA", SetEnvironmentVariableA),
    EXPORT("SetEnvironmentVariableW", SetEnvironmentVariableW),
    EXPORT("WideCharToMultiByte", WideCharToMultiByte),
    EXPORT("lstrcatA", lstrcatA),
    EXPORT("lstrcatW", lstrcatW),
    EXPORT("lstrcmpA", lstrcmpA),
    EXPORT("lstrcmpW", lstrcmpW),
    EXPORT("lstrcmpiA", lstrcmpiA),
    EXPORT("lstrcmpiW", lstrcmpiW),
    EXPORT("lstrcpyA", lstrcpyA),
    EXPORT("lstrcpyW", lstrcpyW),
    EXPORT("lstrlenA", lstrlenA),
    EXPORT("lstrlenW", lstrlenW),
    EXPORT("LocalAlloc", LocalAlloc),
    EXPORT("LocalFree", LocalFree),
    EXPORT("LocalHandle", LocalHandle),
    EXPORT("LocalLock", LocalLock),
    EXPORT("LocalReAlloc", LocalReAlloc),
    EXPORT("LocalSize", LocalSize),
    EXPORT("LocalUnlock", LocalUnlock),
    // Win32's Global* are the Local* functions (GMEM_* and LMEM_* flags have the same values).
    EXPORT("GlobalAlloc", LocalAlloc),
    EXPORT("GlobalFree", LocalFree),
    EXPORT("GlobalHandle", LocalHandle),
    EXPORT("GlobalLock", LocalLock),
    EXPORT("GlobalReAlloc", LocalReAlloc),
    EXPORT("GlobalSize", LocalSize),
    EXPORT("GlobalUnlock", LocalUnlock),
    EXPORT("IsBadCodePtr", IsBadCodePtr),
    EXPORT("IsBadReadPtr", IsBadReadPtr),
    EXPORT("IsBadStringPtrA", IsBadStringPtrA),
    EXPORT("IsBadStringPtrW", IsBadStringPtrW),
    EXPORT("IsBadWritePtr", IsBadWritePtr),
    EXPORT("FormatMessageA", FormatMessageA),
    EXPORT("FormatMessageW", FormatMessageW),
    EXPORT("GetThreadPriority", GetThreadPriority),
    EXPORT("SetThreadPriority", SetThreadPriority),
    EXPORT("TerminateThread", TerminateThread),
    EXPORT("RaiseException", emu_unwind_RaiseException),
    EXPORT("AddVectoredContinueHandler", AddVectoredContinueHandler),
    EXPORT("AddVectoredExceptionHandler", AddVectoredExceptionHandler),
    EXPORT("RemoveVectoredContinueHandler", RemoveVectoredContinueHandler),
    EXPORT("RemoveVectoredExceptionHandler", RemoveVectoredExceptionHandler),
    EXPORT("RtlCaptureContext", emu_unwind_RtlCaptureContext),
    EXPORT("RtlLookupFunctionEntry", RtlLookupFunctionEntry),
    EXPORT("RtlUnwindEx", emu_unwind_RtlUnwindEx),
    EXPORT("RtlVirtualUnwind", RtlVirtualUnwind),
    // Windows' kernel32 forwards it to ntdll: the same language handler msvcrt exports.
    EXPORT("__C_specific_handler", msvcrt::__C_specific_handler),
    // Console handles and the computer's name (win32/kernel32_files.cc).
    EXPORT("GetComputerNameA", GetComputerNameA),
    EXPORT("GetComputerNameExA", GetComputerNameExA),
    EXPORT("GetComputerNameExW", GetComputerNameExW),
    EXPORT("GetComputerNameW", GetComputerNameW),
    EXPORT("FreeConsole", FreeConsole),
    EXPORT("GetConsoleScreenBufferInfo", GetConsoleScreenBufferInfo),
    EXPORT("GetFileType", GetFileType),
    EXPORT("CreateFileA", CreateFileA),
    EXPORT("CreateFileW", CreateFileW),
    EXPORT("GetFileSize", GetFileSize),
    EXPORT("GetFileSizeEx", GetFileSizeEx),
    EXPORT("SetFilePointer", SetFilePointer),
    EXPORT("SetFilePointerEx", SetFilePointerEx),
    EXPORT("SetEndOfFile", SetEndOfFile),
    EXPORT("FlushFileBuffers", FlushFileBuffers),
    EXPORT("DeleteFileA", DeleteFileA),
    EXPORT("DeleteFileW", DeleteFileW),
    EXPORT("SetConsoleTextAttribute", SetConsoleTextAttribute),
    EXPORT("GetStdHandle", GetStdHandle),
    EXPORT("ReadFile", ReadFile),
    EXPORT("WriteFile", WriteFile),
    // Tool Help snapshots over /proc (win32/kernel32_toolhelp.cc) and folder listings
    // (win32/kernel32_find_files.cc): what LSPs and their installers import.
    EXPORT("CreateToolhelp32Snapshot", CreateToolhelp32Snapshot),
    EXPORT("Process32First", Process32First),
    EXPORT("Process32FirstW", Process32FirstW),
    EXPORT("Process32Next", Process32Next),
    EXPORT("Process32NextW", Process32NextW),
    EXPORT("Thread32First", Thread32First),
    EXPORT("Thread32Next", Thread32Next),
    EXPORT("Module32First", Module32First),
    EXPORT("Module32FirstW", Module32FirstW),
    EXPORT("Module32Next", Module32Next),
    EXPORT("Module32NextW", Module32NextW),
    EXPORT("FindFirstFileA", FindFirstFileA),
    EXPORT("FindFirstFileW", FindFirstFileW),
    EXPORT("FindFirstFileExA", FindFirstFileExA),
    EXPORT("FindFirstFileExW", FindFirstFileExW),
    EXPORT("FindNextFileA", FindNextFileA),
    EXPORT("FindNextFileW", FindNextFileW),
    EXPORT("FindClose", FindClose),
    // OpenProcess and the calls PaperAirplane makes on it (win32/kernel32_process_handles.cc).
    EXPORT("OpenProcess", OpenProcess),
    EXPORT("TerminateProcess", TerminateProcess),
    EXPORT("VirtualProtectEx", VirtualProtectEx),
};
#undef EXPORT

}  // namespace

const BuiltinModule kKernel32Module = {"KERNEL32.dll", kExports,
                                       sizeof(kExports) / sizeof(kExports[0])};

}  // namespace ws2emu::emu
