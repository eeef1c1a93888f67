// The kernel32 calls on kernel objects: events, semaphores, mutexes (named or not), file
// mappings and their views, the waits, APCs, thread ids, CloseHandle and DuplicateHandle.
// Windows semantics over the core objects; names go to named_objects/ (named_object.h says how
// they are shared between processes).
#include <sys/syscall.h>
#include <unistd.h>

#include "boundary/last_error.h"
#include "iocp/port.h"
#include "kernel_objects/lookup.h"
#include "named_objects/named_object.h"
#include "named_objects/section.h"
#include "sync/event.h"
#include "sync/process_object.h"
#include "sync/semaphore.h"
#include "threads/mutex_object.h"
#include "threads/thread.h"
#include "threads/wait.h"
#include "ws2emu/ws2emu.h"

namespace ws2emu {
namespace {

HandleTable &Table() { return HandleTable::Get(); }

bool HasName(LPCWSTR lpName) { return lpName != nullptr && lpName[0] != 0; }

// A handle for a named create/open: the last error is ERROR_ALREADY_EXISTS when a create found
// the name and 0 on a fresh create (programs test GetLastError() == ERROR_ALREADY_EXISTS after
// a successful create, so a stale value must not survive), or the failure's error.
HANDLE NamedHandle(named::Opened opened) {
  if (!opened.object) {
    SetThreadLastError(opened.error);
    return nullptr;
  }
  uint64_t h = HandleTable::Get().Insert(opened.object.release());
  if (h == 0) {
    SetThreadLastError(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  SetThreadLastError(opened.existed ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
  return ToHandle(h);
}

// Open* with a null name: ERROR_INVALID_PARAMETER [inference: nothing to open]; an empty one
// names nothing: ERROR_FILE_NOT_FOUND [inference].
bool CheckOpenName(LPCWSTR lpName) {
  if (lpName == nullptr) {
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return false;
  }
  if (lpName[0] == 0) {
    SetThreadLastError(ERROR_FILE_NOT_FOUND);
    return false;
  }
  return true;
}

// The Ex create forms' dwFlags and access masks: the flags must be the documented ones; the
// access mask is accepted and not enforced [inference, named_object.h].
constexpr DWORD kEventFlags = CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET;
constexpr DWORD kMutexFlags = CREATE_MUTEX_INITIAL_OWNER;

// A handle for a newly created object, or NULL with the last error: ERROR_INVALID_PARAMETER
// when the creation refused its arguments, ERROR_NOT_ENOUGH_MEMORY when it or the table ran
// out.
template <typename T>
HANDLE NewHandle(absl::StatusOr<Ref<T>> object) {
  if (!object.ok()) {
    SetThreadLastError(object.status().code() == absl::StatusCode::kInvalidArgument
                           ? ERROR_INVALID_PARAMETER
                           : ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  uint64_t h = HandleTable::Get().Insert(object->release());
  if (h == 0) {
    SetThreadLastError(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  return ToHandle(h);
}

}  // namespace

Ref<Object> LookupObject(HANDLE h, ObjectType type, uint32_t *error) {
  const uint64_t value = HandleValue(h);
  Ref<Object> object;
  int err = 0;
  if (value == kCurrentThreadPseudo) {
    if (type == ObjectType::kThread || type == ObjectType::kAny) {
      if (Thread *self = Thread::Current(&err)) object = Ref<Object>::Share(self);
    }
  } else if (value == kCurrentProcessPseudo) {
    if (type == ObjectType::kProcess || type == ObjectType::kAny) {
      Ref<ProcessObject> process = ProcessObject::Current(&err);
      object = Ref<Object>::Adopt(process.release());
    }
  } else {
    object = Table().Lookup(value, type);
  }
  if (!object && error != nullptr) *error = err != 0 ? ResourceError(err) : ERROR_INVALID_HANDLE;
  return object;
}

bool LookupWaitables(const HANDLE *handles, uint32_t count, Ref<Object> *refs,
                     Waitable **objects) {
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t error = ERROR_INVALID_HANDLE;
    refs[i] = LookupObject(handles[i], ObjectType::kAny, &error);
    if (!refs[i] || !IsWaitableType(refs[i]->type())) {
      SetThreadLastError(refs[i] ? ERROR_INVALID_HANDLE : error);
      return false;
    }
    objects[i] = static_cast<Waitable *>(refs[i].get());
  }
  return true;
}

DWORD WaitHandles(DWORD count, const HANDLE *handles, BOOL wait_all, DWORD ms, BOOL alertable) {
  if (count == 0 || count > MAXIMUM_WAIT_OBJECTS || handles == nullptr) {
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return WAIT_FAILED;
  }
  Ref<Object> refs[MAXIMUM_WAIT_OBJECTS];
  Waitable *objects[MAXIMUM_WAIT_OBJECTS];
  if (!LookupWaitables(handles, count, refs, objects)) return WAIT_FAILED;
  int err = 0;
  uint32_t r = WaitForObjects(objects, count, wait_all != FALSE, ms, alertable != FALSE, &err);
  if (r == kWaitFailed) SetThreadLastError(ResourceError(err));  // no thread object
  return r;
}

}  // namespace ws2emu

using namespace ws2emu;  // NOLINT: the boundary functions below are extern "C"

extern "C" {

// CloseHandle: any kernel object type. Closing a completion port wakes its waiters with
// ERROR_ABANDONED_WAIT_0, as on Windows. An HWND is a user object, not a kernel handle:
// CloseHandle refuses it (DestroyWindow destroys a window). A SOCKET is not a kernel handle
// either [inference, sockets/socket_record.h]: kAny never names one, so CloseHandle fails with
// ERROR_INVALID_HANDLE and the socket stays open (closesocket closes it, through its provider).
BOOL WINAPI ws2emu_CloseHandle(HANDLE hObject) {
  if (IsPseudoHandle(hObject)) return TRUE;  // as on Windows: nothing to close
  uint64_t h = HandleValue(hObject);
  const ObjectType type = Table().TypeOf(h);
  if (type == ObjectType::kWindow) {
    SetThreadLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  if (type == ObjectType::kPort) {
    if (Ref<Port> port = Table().LookupAs<Port>(h)) port->Shutdown();
  }
  if (!Table().Close(h, ObjectType::kAny)) {
    SetThreadLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  return TRUE;
}

// Unnamed creates keep the last error as it was on success (only named creates define it).
HANDLE WINAPI ws2emu_CreateEventW(LPSECURITY_ATTRIBUTES, BOOL bManualReset, BOOL bInitialState,
                                  LPCWSTR lpName) {
  if (HasName(lpName)) {
    return NamedHandle(
        named::CreateEvent(lpName, true, bManualReset != FALSE, bInitialState != FALSE));
  }
  return NewHandle(Event::Create(bManualReset != FALSE, bInitialState != FALSE));
}

HANDLE WINAPI ws2emu_CreateEventExW(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCWSTR lpName,
                                    DWORD dwFlags, DWORD dwDesiredAccess) {
  (void)dwDesiredAccess;
  if ((dwFlags & ~kEventFlags) != 0) {
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  return ws2emu_CreateEventW(lpEventAttributes, (dwFlags & CREATE_EVENT_MANUAL_RESET) != 0,
                             (dwFlags & CREATE_EVENT_INITIAL_SET) != 0, lpName);
}

HANDLE WINAPI ws2emu_OpenEventW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName) {
  (void)dwDesiredAccess;
  (void)bInheritHandle;
  if (!CheckOpenName(lpName)) return nullptr;
  return NamedHandle(named::CreateEvent(lpName, false, false, false));
}

HANDLE WINAPI ws2emu_CreateSemaphoreW(LPSECURITY_ATTRIBUTES, LONG lInitialCount,
                                      LONG lMaximumCount, LPCWSTR lpName) {
  if (HasName(lpName)) {
    return NamedHandle(named::CreateSemaphore(lpName, true, lInitialCount, lMaximumCount));
  }
  return NewHandle(Semaphore::Create(lInitialCount, lMaximumCount));
}

HANDLE WINAPI ws2emu_CreateSemaphoreExW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
                                        LONG lInitialCount, LONG lMaximumCount, LPCWSTR lpName,
                                        DWORD dwFlags, DWORD dwDesiredAccess) {
  (void)dwDesiredAccess;
  if (dwFlags != 0) {  // reserved, must be 0
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  return ws2emu_CreateSemaphoreW(lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName);
}

HANDLE WINAPI ws2emu_OpenSemaphoreW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName) {
  (void)dwDesiredAccess;
  (void)bInheritHandle;
  if (!CheckOpenName(lpName)) return nullptr;
  return NamedHandle(named::CreateSemaphore(lpName, false, 0, 0));
}

BOOL WINAPI ws2emu_ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount,
                                    LPLONG lpPreviousCount) {
  Ref<Semaphore> s = Table().LookupAs<Semaphore>(HandleValue(hSemaphore));
  if (!s) {
    SetThreadLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  if (lReleaseCount <= 0) {
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  int32_t previous = 0;
  if (!s->ReleaseCount(lReleaseCount, &previous)) {
    SetThreadLastError(ERROR_TOO_MANY_POSTS);  // beyond the maximum: nothing changed
    return FALSE;
  }
  if (lpPreviousCount != nullptr) *lpPreviousCount = previous;
  return TRUE;
}

HANDLE WINAPI ws2emu_CreateMutexW(LPSECURITY_ATTRIBUTES, BOOL bInitialOwner, LPCWSTR lpName) {
  if (HasName(lpName)) return NamedHandle(named::CreateMutex(lpName, true, bInitialOwner != FALSE));
  return NewHandle(MutexObject::Create(bInitialOwner != FALSE));
}

HANDLE WINAPI ws2emu_CreateMutexExW(LPSECURITY_ATTRIBUTES lpMutexAttributes, LPCWSTR lpName,
                                    DWORD dwFlags, DWORD dwDesiredAccess) {
  (void)dwDesiredAccess;
  if ((dwFlags & ~kMutexFlags) != 0) {
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  return ws2emu_CreateMutexW(lpMutexAttributes, (dwFlags & CREATE_MUTEX_INITIAL_OWNER) != 0,
                             lpName);
}

HANDLE WINAPI ws2emu_OpenMutexW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName) {
  (void)dwDesiredAccess;
  (void)bInheritHandle;
  if (!CheckOpenName(lpName)) return nullptr;
  return NamedHandle(named::CreateMutex(lpName, false, false));
}

// File mappings. The lib form takes only INVALID_HANDLE_VALUE (the paging file): a file HANDLE
// belongs to emu's file table, whose CreateFileMappingW resolves it to a descriptor and calls
// ws2emu_CreateFileMappingFd; a native host passes its own descriptor there.
HANDLE WINAPI ws2emu_CreateFileMappingFd(int fd, LPSECURITY_ATTRIBUTES, DWORD flProtect,
                                         DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
                                         LPCWSTR lpName) {
  const uint64_t size = (static_cast<uint64_t>(dwMaximumSizeHigh) << 32) | dwMaximumSizeLow;
  named::Opened opened = named::CreateSection(lpName, fd, flProtect, size);
  if (!HasName(lpName)) {
    if (!opened.object) {
      SetThreadLastError(opened.error);
      return nullptr;
    }
    uint64_t h = Table().Insert(opened.object.release());
    if (h == 0) {
      SetThreadLastError(ERROR_NOT_ENOUGH_MEMORY);
      return nullptr;
    }
    SetThreadLastError(ERROR_SUCCESS);
    return ToHandle(h);
  }
  return NamedHandle(std::move(opened));
}

HANDLE WINAPI ws2emu_CreateFileMappingW(HANDLE hFile, LPSECURITY_ATTRIBUTES lpAttributes,
                                        DWORD flProtect, DWORD dwMaximumSizeHigh,
                                        DWORD dwMaximumSizeLow, LPCWSTR lpName) {
  if (hFile != INVALID_HANDLE_VALUE) {
    SetThreadLastError(ERROR_INVALID_HANDLE);
    return nullptr;
  }
  return ws2emu_CreateFileMappingFd(-1, lpAttributes, flProtect, dwMaximumSizeHigh,
                                    dwMaximumSizeLow, lpName);
}

HANDLE WINAPI ws2emu_OpenFileMappingW(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                      LPCWSTR lpName) {
  (void)dwDesiredAccess;
  (void)bInheritHandle;
  if (!CheckOpenName(lpName)) return nullptr;
  return NamedHandle(named::OpenSection(lpName));
}

LPVOID WINAPI ws2emu_MapViewOfFileEx(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
                                     DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
                                     SIZE_T dwNumberOfBytesToMap, LPVOID lpBaseAddress) {
  Ref<named::Section> s = Table().LookupAs<named::Section>(HandleValue(hFileMappingObject));
  if (!s) {
    SetThreadLastError(ERROR_INVALID_HANDLE);
    return nullptr;
  }
  const uint64_t offset = (static_cast<uint64_t>(dwFileOffsetHigh) << 32) | dwFileOffsetLow;
  uint32_t error = 0;
  void *p = named::MapView(*s, dwDesiredAccess, offset, dwNumberOfBytesToMap, lpBaseAddress,
                           &error);
  if (p == nullptr) SetThreadLastError(error);
  return p;
}

LPVOID WINAPI ws2emu_MapViewOfFile(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
                                   DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
                                   SIZE_T dwNumberOfBytesToMap) {
  return ws2emu_MapViewOfFileEx(hFileMappingObject, dwDesiredAccess, dwFileOffsetHigh,
                                dwFileOffsetLow, dwNumberOfBytesToMap, nullptr);
}

BOOL WINAPI ws2emu_UnmapViewOfFile(LPCVOID lpBaseAddress) {
  uint32_t error = 0;
  if (!named::UnmapView(lpBaseAddress, &error)) {
    SetThreadLastError(error);
    return FALSE;
  }
  return TRUE;
}

BOOL WINAPI ws2emu_FlushViewOfFile(LPCVOID lpBaseAddress, SIZE_T dwNumberOfBytesToFlush) {
  uint32_t error = 0;
  if (!named::FlushView(lpBaseAddress, dwNumberOfBytesToFlush, &error)) {
    SetThreadLastError(error);
    return FALSE;
  }
  return TRUE;
}

BOOL WINAPI ws2emu_ReleaseMutex(HANDLE hMutex) {
  Ref<MutexObject> m = Table().LookupAs<MutexObject>(HandleValue(hMutex));
  if (!m) {
    SetThreadLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  if (!m->ReleaseOwnership()) {
    SetThreadLastError(ERROR_NOT_OWNER);
    return FALSE;
  }
  return TRUE;
}

BOOL WINAPI ws2emu_SetEvent(HANDLE hEvent) {
  if (!Table().WithPinned<Event>(HandleValue(hEvent), [](Event &e) { e.Set(); })) {
    SetThreadLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  return TRUE;
}

BOOL WINAPI ws2emu_ResetEvent(HANDLE hEvent) {
  if (!Table().WithPinned<Event>(HandleValue(hEvent), [](Event &e) { e.Reset(); })) {
    SetThreadLastError(ERROR_INVALID_HANDLE);
    return FALSE;
  }
  return TRUE;
}

DWORD WINAPI ws2emu_WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable) {
  return WaitHandles(1, &hHandle, FALSE, dwMilliseconds, bAlertable);
}

DWORD WINAPI ws2emu_WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles,
                                             BOOL bWaitAll, DWORD dwMilliseconds,
                                             BOOL bAlertable) {
  return WaitHandles(nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable);
}

// SleepEx cannot fail: on a thread whose object cannot be created it sleeps all the same (see
// WaitForObjects: no APC can be queued to such a thread).
DWORD WINAPI ws2emu_SleepEx(DWORD dwMilliseconds, BOOL bAlertable) {
  uint32_t r = WaitForObjects(nullptr, 0, false, dwMilliseconds, bAlertable != FALSE);
  return r == kWaitIoCompletion ? WAIT_IO_COMPLETION : 0;
}

DWORD WINAPI ws2emu_QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData) {
  uint32_t error = ERROR_INVALID_HANDLE;
  Ref<Thread> t = LookupObjectAs<Thread>(hThread, &error);
  if (!t) {
    SetThreadLastError(error);
    return 0;
  }
  if (pfnAPC == nullptr) {
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return 0;
  }
  int queue_error = 0;
  if (!t->QueueApc(reinterpret_cast<LPWSAUSERAPC>(pfnAPC), dwData, &queue_error)) {
    // The thread has exited, or no memory for the queue entry.
    SetThreadLastError(queue_error == ENOMEM ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_HANDLE);
    return 0;
  }
  return 1;
}

// GetCurrentThreadId cannot fail: the id is the Linux thread id, which the thread object (made
// here so that OpenThread finds the thread) carries, and which gettid gives without one.
DWORD WINAPI ws2emu_GetCurrentThreadId(void) {
  if (Thread *self = Thread::Current()) return self->id();
  return static_cast<DWORD>(syscall(SYS_gettid));
}

HANDLE WINAPI ws2emu_GetCurrentThread(void) { return ToHandle(kCurrentThreadPseudo); }
HANDLE WINAPI ws2emu_GetCurrentProcess(void) { return ToHandle(kCurrentProcessPseudo); }

DWORD WINAPI ws2emu_GetThreadId(HANDLE Thread) {
  uint32_t error = ERROR_INVALID_HANDLE;
  Ref<ws2emu::Thread> t = LookupObjectAs<ws2emu::Thread>(Thread, &error);
  if (!t) {
    SetThreadLastError(error);
    return 0;
  }
  return t->id();
}

// DuplicateHandle within the one process there is: both process handles must name it (the
// pseudo-handle or a handle duplicated from it). The duplicate is a new handle to the same
// object; the pseudo-handles duplicate into real handles to the calling thread or the process.
// Access masks and inheritance do not exist here and are ignored [inference: every handle has
// all access]. A SOCKET is not a kernel handle (sockets/socket_record.h); duplicating one is
// refused with ERROR_NOT_SUPPORTED (WSADuplicateSocket is the Winsock way). DUPLICATE_CLOSE_SOURCE closes
// the source even when the call fails, as Windows documents.
BOOL WINAPI ws2emu_DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
                                   HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
                                   DWORD dwDesiredAccess, BOOL bInheritHandle,
                                   DWORD dwOptions) {
  (void)dwDesiredAccess;
  (void)bInheritHandle;
  const bool close_source = (dwOptions & DUPLICATE_CLOSE_SOURCE) != 0;
  auto fail = [&](uint32_t error) {
    if (close_source) ws2emu_CloseHandle(hSourceHandle);
    SetThreadLastError(error);
    return FALSE;
  };
  uint32_t error = ERROR_INVALID_HANDLE;
  if (!LookupObject(hSourceProcessHandle, ObjectType::kProcess, &error) ||
      !LookupObject(hTargetProcessHandle, ObjectType::kProcess, &error)) {
    return fail(error);
  }
  if ((dwOptions & ~(DUPLICATE_CLOSE_SOURCE | DUPLICATE_SAME_ACCESS)) != 0) {
    return fail(ERROR_INVALID_PARAMETER);
  }
  const ObjectType type = IsPseudoHandle(hSourceHandle)
                              ? ObjectType::kAny
                              : Table().TypeOf(HandleValue(hSourceHandle));
  if (type == ObjectType::kSocket) return fail(ERROR_NOT_SUPPORTED);
  Ref<Object> object;
  error = ERROR_INVALID_HANDLE;
  if (type != ObjectType::kWindow) object = LookupObject(hSourceHandle, ObjectType::kAny, &error);
  if (!object) return fail(error);
  if (lpTargetHandle == nullptr) {
    // Windows makes the duplicate and returns nothing (kept "for backward compatibility"); in
    // one process an unreachable handle is only a leak, so none is made.
    if (close_source) ws2emu_CloseHandle(hSourceHandle);
    return TRUE;
  }
  uint64_t h = Table().Insert(object.release());
  if (h == 0) return fail(ERROR_NOT_ENOUGH_MEMORY);
  if (close_source) ws2emu_CloseHandle(hSourceHandle);
  *lpTargetHandle = ToHandle(h);
  return TRUE;
}

HANDLE WINAPI ws2emu_OpenThread(DWORD, BOOL, DWORD dwThreadId) {
  Ref<Thread> t = Thread::FindById(dwThreadId);
  if (!t) {
    SetThreadLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  uint64_t h = Table().Insert(t.release());
  if (h == 0) {
    SetThreadLastError(ERROR_NOT_ENOUGH_MEMORY);
    return nullptr;
  }
  return ToHandle(h);
}

}  // extern "C"
