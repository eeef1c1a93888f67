/*
 * ws2emu/win_base.h — the Windows base types the SPI is written in, with their Windows x64 sizes.
 *
 * What it is for: provider source written for Windows uses DWORD, HANDLE, WCHAR, GUID and
 * OVERLAPPED. On LP64 Linux `long` is 8 bytes and `wchar_t` is 4, so every type here is spelled
 * with a fixed-width integer (as DXVK's windows_base.h and Wine's windef.h do) and keeps the
 * LLP64 size it has on Windows x64.
 *
 * The calling convention: on x86_64, WINAPI, WSAAPI, WSPAPI and CALLBACK are
 * __attribute__((ms_abi)) in every build, native or PE, so a native provider (.so) and a PE
 * provider (.dll) have one and the same table types. On other architectures they expand to
 * nothing and only native providers exist.
 *
 * Compiles as C99 and as C++20. Included by ws2spi.h; rarely included directly.
 */
#ifndef WS2EMU_WIN_BASE_H_
#define WS2EMU_WIN_BASE_H_

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)
#define WS2EMU_MS_ABI __attribute__((ms_abi))
#else
#define WS2EMU_MS_ABI
#endif

#ifndef WINAPI
#define WINAPI WS2EMU_MS_ABI
#endif
#ifndef CALLBACK
#define CALLBACK WS2EMU_MS_ABI
#endif
#ifndef WSAAPI
#define WSAAPI WS2EMU_MS_ABI
#endif
#ifndef WSPAPI
#define WSPAPI WSAAPI
#endif

/* Anonymous unions and structs are C11; mingw-w64 marks them the same way for C99 builds. */
#if defined(__GNUC__) || defined(__clang__)
#define WS2EMU_NAMELESS __extension__
#else
#define WS2EMU_NAMELESS
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef void VOID;
typedef void *PVOID, *LPVOID;
typedef const void *LPCVOID;
typedef char CHAR;
typedef unsigned char UCHAR, BYTE, *PBYTE, *LPBYTE;
typedef int16_t SHORT;
typedef uint16_t USHORT, WORD, *PWORD, *LPWORD;
typedef int32_t INT, *PINT, *LPINT;
typedef uint32_t UINT, *PUINT;
typedef int32_t LONG, *PLONG, *LPLONG;   /* Windows `long` is 32 bits */
typedef uint32_t ULONG, *PULONG;
typedef uint32_t DWORD, *PDWORD, *LPDWORD;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG, DWORD64;
typedef int BOOL, *PBOOL, *LPBOOL;
typedef BOOL WINBOOL;
typedef int64_t INT_PTR, LONG_PTR;
typedef uint64_t UINT_PTR, ULONG_PTR, DWORD_PTR, SIZE_T;
typedef ULONG_PTR *PULONG_PTR;
typedef DWORD_PTR *PDWORD_PTR;

/* WCHAR is UTF-16 (16 bits), never Linux's 32-bit wchar_t. In C++ it is char16_t so that
 * u"..." literals can be used; in C it is uint16_t. Both have the same size and alignment. */
#if defined(__cplusplus)
typedef char16_t WCHAR;
#else
typedef uint16_t WCHAR;
#endif
typedef WCHAR *PWCHAR, *LPWCH, *PWSTR, *LPWSTR;
typedef const WCHAR *LPCWSTR, *PCWSTR;
typedef CHAR *LPSTR, *PSTR;
typedef const CHAR *LPCSTR, *PCSTR;

typedef void *HANDLE;
typedef HANDLE *PHANDLE, *LPHANDLE;
typedef struct HWND__ *HWND;
typedef struct HINSTANCE__ *HINSTANCE;
typedef HINSTANCE HMODULE;
typedef UINT_PTR WPARAM;
typedef LONG_PTR LPARAM;
typedef LONG_PTR LRESULT;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#ifndef MAKEWORD
#define MAKEWORD(low, high) ((WORD)(((BYTE)((DWORD_PTR)(low) & 0xff)) | ((WORD)((BYTE)((DWORD_PTR)(high) & 0xff))) << 8))
#endif
#ifndef LOBYTE
#define LOBYTE(w) ((BYTE)((DWORD_PTR)(w) & 0xff))
#endif
#ifndef HIBYTE
#define HIBYTE(w) ((BYTE)((((DWORD_PTR)(w)) >> 8) & 0xff))
#endif
#ifndef LOWORD
#define LOWORD(l) ((WORD)((DWORD_PTR)(l) & 0xffff))
#endif
#ifndef HIWORD
#define HIWORD(l) ((WORD)((((DWORD_PTR)(l)) >> 16) & 0xffff))
#endif

/* GUID: size 16, alignment 4 (SPEC.md §3.5). */
#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
  DWORD Data1;
  WORD Data2;
  WORD Data3;
  BYTE Data4[8];
} GUID;
#endif
typedef GUID *LPGUID;
typedef const GUID *LPCGUID;

/* OVERLAPPED (= WSAOVERLAPPED): size 32, alignment 8 (SPEC.md §3.2). Internal and InternalHigh
 * belong to whoever implements the I/O; Offset and OffsetHigh to the provider alone. */
typedef struct _OVERLAPPED {
  ULONG_PTR Internal;
  ULONG_PTR InternalHigh;
  WS2EMU_NAMELESS union {
    WS2EMU_NAMELESS struct {
      DWORD Offset;
      DWORD OffsetHigh;
    };
    PVOID Pointer;
  };
  HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

/* OVERLAPPED_ENTRY: one completion packet of GetQueuedCompletionStatusEx, size 32. */
typedef struct _OVERLAPPED_ENTRY {
  ULONG_PTR lpCompletionKey;
  LPOVERLAPPED lpOverlapped;
  ULONG_PTR Internal;
  DWORD dwNumberOfBytesTransferred;
} OVERLAPPED_ENTRY, *LPOVERLAPPED_ENTRY;

typedef VOID(WINAPI *PAPCFUNC)(ULONG_PTR Parameter);
typedef INT_PTR(WINAPI *FARPROC)(void);
typedef struct _SECURITY_ATTRIBUTES {
  DWORD nLength;
  LPVOID lpSecurityDescriptor;
  BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)
#define INFINITE 0xFFFFFFFF
#define WAIT_OBJECT_0 0x00000000
#define WAIT_ABANDONED_0 0x00000080
#define WAIT_IO_COMPLETION 0x000000C0
#define WAIT_TIMEOUT 258
#define WAIT_FAILED 0xFFFFFFFF
#define MAXIMUM_WAIT_OBJECTS 64
#define THREAD_SET_CONTEXT 0x0010
#define THREAD_ALL_ACCESS 0x001FFFFF
#define SYNCHRONIZE 0x00100000

/* winerror.h values the WSA_* aliases are defined in terms of. */
#define ERROR_SUCCESS 0
#define ERROR_INVALID_HANDLE 6
#define ERROR_TOO_MANY_OPEN_FILES 4
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_INVALID_PARAMETER 87
#define ERROR_OPERATION_ABORTED 995
#define ERROR_IO_INCOMPLETE 996
#define ERROR_IO_PENDING 997
#define ERROR_INVALID_FUNCTION 1
#define ERROR_NO_MORE_ITEMS 259
#define ERROR_ACCESS_DENIED 5
#define ERROR_ABANDONED_WAIT_0 735
#define ERROR_NOT_OWNER 288
#define ERROR_TOO_MANY_POSTS 298
#define ERROR_INVALID_WINDOW_HANDLE 1400
#define ERROR_NOT_SUPPORTED 50
/* winerror.h values the emulated kernel32 reports through SetLastError. */
#define ERROR_PATH_NOT_FOUND 3
#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_MOD_NOT_FOUND 126
#define ERROR_PROC_NOT_FOUND 127
#define ERROR_BAD_EXE_FORMAT 193
#define ERROR_ENVVAR_NOT_FOUND 203
#define ERROR_INVALID_ADDRESS 487
#define ERROR_NO_UNICODE_TRANSLATION 1113
#define ERROR_DLL_INIT_FAILED 1114

/* Named kernel objects and file mappings (CreateEvent ... CreateFileMapping, MapViewOfFile). */
#ifndef ERROR_FILE_NOT_FOUND
#define ERROR_FILE_NOT_FOUND 2
#endif
#ifndef ERROR_ALREADY_EXISTS
#define ERROR_ALREADY_EXISTS 183
#endif
#define ERROR_FILENAME_EXCED_RANGE 206
#define ERROR_FILE_INVALID 1006
#define ERROR_MAPPED_ALIGNMENT 1132
#define ERROR_NOT_ENOUGH_QUOTA 1816
#define CREATE_EVENT_MANUAL_RESET 0x00000001
#define CREATE_EVENT_INITIAL_SET 0x00000002
#define CREATE_MUTEX_INITIAL_OWNER 0x00000001
#define EVENT_MODIFY_STATE 0x0002
#define EVENT_ALL_ACCESS 0x001F0003
#define MUTEX_MODIFY_STATE 0x0001
#define MUTEX_ALL_ACCESS 0x001F0001
#define SEMAPHORE_MODIFY_STATE 0x0002
#define SEMAPHORE_ALL_ACCESS 0x001F0003
#define PAGE_READONLY 0x02
#define PAGE_READWRITE 0x04
#define PAGE_WRITECOPY 0x08
#define PAGE_EXECUTE_READ 0x20
#define PAGE_EXECUTE_READWRITE 0x40
#define PAGE_EXECUTE_WRITECOPY 0x80
#define SEC_IMAGE 0x01000000
#define SEC_RESERVE 0x04000000
#define SEC_COMMIT 0x08000000
#define SEC_NOCACHE 0x10000000
#define SEC_WRITECOMBINE 0x40000000
#define SEC_LARGE_PAGES 0x80000000
#define FILE_MAP_COPY 0x0001
#define FILE_MAP_WRITE 0x0002
#define FILE_MAP_READ 0x0004
#define FILE_MAP_EXECUTE 0x0020
#define FILE_MAP_ALL_ACCESS 0x000F001F

/* DuplicateHandle's dwOptions. */
#define DUPLICATE_CLOSE_SOURCE 0x00000001
#define DUPLICATE_SAME_ACCESS 0x00000002

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WS2EMU_WIN_BASE_H_ */
