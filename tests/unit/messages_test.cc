// Message-only windows and message queues (ws2emu_RegisterClassExW ... ws2emu_MsgWaitFor-
// MultipleObjectsEx): each documented error a case, then the Windows behaviour a WSAAsyncSelect
// provider and its host rely on: FIFO queues, cross-thread posts that wake GetMessage, WM_QUIT
// last, PeekMessage filters, dispatch to the class's window procedure, the creation and
// destruction messages, window ownership, and MsgWaitForMultipleObjectsEx's "new input" rule.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ws2emu/ws2emu.h"

namespace {

constexpr const WCHAR *kClass = u"ws2emu test window";

struct Call {
  HWND hwnd;
  UINT msg;
  WPARAM wparam;
  LPARAM lparam;
  DWORD thread;
  bool operator==(const Call &o) const = default;
};

// What the window procedure saw of the CREATESTRUCTW (it lives only during the call).
struct SeenCreate {
  LPVOID params = nullptr;
  HWND parent = nullptr;
  int x = 0, y = 0, cx = 0, cy = 0;
  LONG style = 0;
  DWORD ex_style = 0;
  std::u16string name, cls;
};

std::mutex g_mu;
std::vector<Call> g_calls;  // guarded by g_mu
SeenCreate g_seen_create;   // guarded by g_mu
LRESULT g_nccreate_result = TRUE;
LRESULT g_create_result = 0;
bool g_destroy_in_create = false;

std::vector<UINT> SentMessages() {
  std::lock_guard<std::mutex> lock(g_mu);
  std::vector<UINT> out;
  for (const Call &c : g_calls) out.push_back(c.msg);
  return out;
}

void ClearCalls() {
  std::lock_guard<std::mutex> lock(g_mu);
  g_calls.clear();
}

LRESULT CALLBACK RecordingProc(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam) {
  {
    std::lock_guard<std::mutex> lock(g_mu);
    g_calls.push_back({hwnd, msg, wparam, lparam, ws2emu_GetCurrentThreadId()});
    if (msg == WM_NCCREATE) {
      const auto *cs = reinterpret_cast<const CREATESTRUCTW *>(lparam);
      SeenCreate &seen = g_seen_create;
      seen.params = cs->lpCreateParams;
      seen.parent = cs->hwndParent;
      seen.x = cs->x, seen.y = cs->y, seen.cx = cs->cx, seen.cy = cs->cy;
      seen.style = cs->style;
      seen.ex_style = cs->dwExStyle;
      seen.name = cs->lpszName != nullptr ? cs->lpszName : u"";
      seen.cls = IS_INTRESOURCE(cs->lpszClass) ? u"#atom" : cs->lpszClass;
    }
  }
  switch (msg) {
    case WM_NCCREATE:
      return g_nccreate_result;
    case WM_CREATE:
      if (g_destroy_in_create) ws2emu_DestroyWindow(hwnd);
      return g_create_result;
    case WM_APP:
      return static_cast<LRESULT>(wparam + lparam);  // DispatchMessage returns this
    default:
      return ws2emu_DefWindowProcW(hwnd, msg, wparam, lparam);
  }
}

WNDCLASSEXW ClassOf(const WCHAR *name, WNDPROC proc = RecordingProc) {
  WNDCLASSEXW wc = {};
  wc.cbSize = sizeof(wc);
  wc.lpfnWndProc = proc;
  wc.lpszClassName = name;
  return wc;
}

HWND NewWindow(const WCHAR *cls = kClass) {
  return ws2emu_CreateWindowExW(0, cls, nullptr, 0, 0, 0, 0, 0, HWND_MESSAGE, nullptr, nullptr,
                                nullptr);
}

DWORD LastError() { return ws2emu_GetLastError(); }

// Takes every message (and a pending WM_QUIT) off the calling thread's queue.
void DrainQueue() {
  MSG m;
  while (ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE)) {
  }
}

class Messages : public ::testing::Test {
 protected:
  void SetUp() override {
    g_nccreate_result = TRUE;
    g_create_result = 0;
    g_destroy_in_create = false;
    WNDCLASSEXW wc = ClassOf(kClass);
    atom_ = ws2emu_RegisterClassExW(&wc);
    ASSERT_NE(atom_, 0) << LastError();
    DrainQueue();
    ClearCalls();
  }
  void TearDown() override {
    DrainQueue();
    EXPECT_TRUE(ws2emu_UnregisterClassW(kClass, nullptr)) << LastError();
  }
  ATOM atom_ = 0;
};

// ---- Classes ---------------------------------------------------------------------------------

TEST_F(Messages, RegisterClassRejectsAnIncompleteClass) {
  EXPECT_EQ(ws2emu_RegisterClassExW(nullptr), 0);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  WNDCLASSEXW wc = ClassOf(u"incomplete");
  wc.cbSize = sizeof(wc) - 8;
  EXPECT_EQ(ws2emu_RegisterClassExW(&wc), 0);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  wc = ClassOf(u"incomplete", nullptr);
  EXPECT_EQ(ws2emu_RegisterClassExW(&wc), 0);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  wc = ClassOf(nullptr);
  EXPECT_EQ(ws2emu_RegisterClassExW(&wc), 0);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  wc = ClassOf(u"incomplete");
  wc.cbWndExtra = -1;
  EXPECT_EQ(ws2emu_RegisterClassExW(&wc), 0);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  // None of them was registered.
  EXPECT_FALSE(ws2emu_UnregisterClassW(u"incomplete", nullptr));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_CLASS_DOES_NOT_EXIST));
}

TEST_F(Messages, ClassNamesIgnoreCaseAndAreUniquePerProcess) {
  EXPECT_GE(atom_, 0xC000);
  WNDCLASSEXW wc = ClassOf(u"WS2EMU TEST WINDOW");
  EXPECT_EQ(ws2emu_RegisterClassExW(&wc), 0);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_CLASS_ALREADY_EXISTS));
  // Another thread sees the same classes.
  std::thread([] {
    WNDCLASSEXW again = ClassOf(kClass);
    EXPECT_EQ(ws2emu_RegisterClassExW(&again), 0);
    EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_CLASS_ALREADY_EXISTS));
  }).join();
  HWND by_other_case = NewWindow(u"Ws2Emu Test Window");
  ASSERT_NE(by_other_case, nullptr);
  HWND by_atom = NewWindow(MAKEINTATOM(atom_));
  ASSERT_NE(by_atom, nullptr);
  EXPECT_TRUE(ws2emu_DestroyWindow(by_other_case));
  EXPECT_TRUE(ws2emu_DestroyWindow(by_atom));
}

TEST_F(Messages, UnregisterClassByNameOrAtom) {
  WNDCLASSEXW wc = ClassOf(u"short-lived");
  ATOM atom = ws2emu_RegisterClassExW(&wc);
  ASSERT_NE(atom, 0);
  EXPECT_TRUE(ws2emu_UnregisterClassW(MAKEINTATOM(atom), nullptr));
  EXPECT_FALSE(ws2emu_UnregisterClassW(u"short-lived", nullptr));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_CLASS_DOES_NOT_EXIST));
  EXPECT_FALSE(ws2emu_UnregisterClassW(MAKEINTATOM(atom), nullptr));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_CLASS_DOES_NOT_EXIST));
  EXPECT_FALSE(ws2emu_UnregisterClassW(nullptr, nullptr));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_CLASS_DOES_NOT_EXIST));
  // The name can be registered again.
  ASSERT_NE(ws2emu_RegisterClassExW(&wc), 0);
  EXPECT_TRUE(ws2emu_UnregisterClassW(u"SHORT-LIVED", nullptr));
}

TEST_F(Messages, UnregisterClassFailsWhileTheClassHasWindows) {
  HWND w = NewWindow();
  ASSERT_NE(w, nullptr);
  EXPECT_FALSE(ws2emu_UnregisterClassW(kClass, nullptr));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_CLASS_HAS_WINDOWS));
  EXPECT_TRUE(ws2emu_DestroyWindow(w));
  // TearDown unregisters it now that the window is gone.
}

// ---- Creation and destruction -----------------------------------------------------------------

TEST_F(Messages, CreateWindowNeedsARegisteredClass) {
  EXPECT_EQ(NewWindow(u"no such class"), nullptr);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_CANNOT_FIND_WND_CLASS));
  EXPECT_EQ(NewWindow(MAKEINTATOM(0xBEEF)), nullptr);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_CANNOT_FIND_WND_CLASS));
  EXPECT_EQ(NewWindow(nullptr), nullptr);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_CANNOT_FIND_WND_CLASS));
  EXPECT_TRUE(SentMessages().empty());
}

TEST_F(Messages, CreateWindowRejectsAParentThatIsNotAWindow) {
  HWND bad = ws2emu_CreateWindowExW(0, kClass, nullptr, 0, 0, 0, 0, 0,
                                    reinterpret_cast<HWND>(0x5550), nullptr, nullptr, nullptr);
  EXPECT_EQ(bad, nullptr);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
  // NULL, HWND_MESSAGE and a window are all fine; every window is message-only.
  HWND top =
      ws2emu_CreateWindowExW(0, kClass, nullptr, 0, 0, 0, 0, 0, nullptr, nullptr, nullptr, nullptr);
  ASSERT_NE(top, nullptr);
  HWND child =
      ws2emu_CreateWindowExW(0, kClass, nullptr, 0, 0, 0, 0, 0, top, nullptr, nullptr, nullptr);
  ASSERT_NE(child, nullptr);
  EXPECT_TRUE(ws2emu_DestroyWindow(child));
  EXPECT_TRUE(ws2emu_DestroyWindow(top));
}

TEST_F(Messages, CreateSendsNcCreateThenCreateWithTheCreateStruct) {
  int param = 0;
  HWND w = ws2emu_CreateWindowExW(0x20, kClass, u"async", 0x40, 1, 2, 3, 4, HWND_MESSAGE, nullptr,
                                  nullptr, &param);
  ASSERT_NE(w, nullptr);
  EXPECT_TRUE(ws2emu_IsWindow(w));
  EXPECT_EQ(SentMessages(), (std::vector<UINT>{WM_NCCREATE, WM_CREATE}));
  {
    std::lock_guard<std::mutex> lock(g_mu);
    // Sent synchronously, on this thread, to the new HWND.
    for (const Call &c : g_calls) {
      EXPECT_EQ(c.hwnd, w);
      EXPECT_EQ(c.thread, ws2emu_GetCurrentThreadId());
      EXPECT_EQ(c.wparam, 0u);
    }
    EXPECT_EQ(g_calls[0].lparam, g_calls[1].lparam);  // the same CREATESTRUCTW
    EXPECT_EQ(g_seen_create.params, &param);
    EXPECT_EQ(g_seen_create.parent, HWND_MESSAGE);
    EXPECT_EQ(g_seen_create.x, 1);
    EXPECT_EQ(g_seen_create.y, 2);
    EXPECT_EQ(g_seen_create.cx, 3);
    EXPECT_EQ(g_seen_create.cy, 4);
    EXPECT_EQ(g_seen_create.style, 0x40);
    EXPECT_EQ(g_seen_create.ex_style, 0x20u);
    EXPECT_EQ(g_seen_create.name, u"async");
    EXPECT_EQ(g_seen_create.cls, kClass);
  }
  EXPECT_TRUE(ws2emu_DestroyWindow(w));
}

TEST_F(Messages, NcCreateReturningFalseFailsTheCreation) {
  g_nccreate_result = FALSE;
  EXPECT_EQ(NewWindow(), nullptr);
  // The window existed for WM_NCCREATE, got WM_NCDESTROY, and is gone.
  EXPECT_EQ(SentMessages(), (std::vector<UINT>{WM_NCCREATE, WM_NCDESTROY}));
  std::lock_guard<std::mutex> lock(g_mu);
  EXPECT_FALSE(ws2emu_IsWindow(g_calls[0].hwnd));
}

TEST_F(Messages, CreateReturningMinusOneFailsTheCreation) {
  g_create_result = -1;
  EXPECT_EQ(NewWindow(), nullptr);
  EXPECT_EQ(SentMessages(), (std::vector<UINT>{WM_NCCREATE, WM_CREATE, WM_NCDESTROY}));
  std::lock_guard<std::mutex> lock(g_mu);
  EXPECT_FALSE(ws2emu_IsWindow(g_calls[0].hwnd));
}

TEST_F(Messages, WindowThatDestroysItselfInCreateIsNotReturned) {
  g_destroy_in_create = true;
  EXPECT_EQ(NewWindow(), nullptr);
  EXPECT_EQ(SentMessages(), (std::vector<UINT>{WM_NCCREATE, WM_CREATE, WM_DESTROY, WM_NCDESTROY}));
}

TEST_F(Messages, DestroyWindowSendsDestroyThenNcDestroyThenTheHandleIsInvalid) {
  HWND w = NewWindow();
  ASSERT_NE(w, nullptr);
  ClearCalls();
  EXPECT_TRUE(ws2emu_DestroyWindow(w));
  EXPECT_EQ(SentMessages(), (std::vector<UINT>{WM_DESTROY, WM_NCDESTROY}));
  EXPECT_FALSE(ws2emu_IsWindow(w));
  EXPECT_FALSE(ws2emu_DestroyWindow(w));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
  EXPECT_FALSE(ws2emu_PostMessageW(w, WM_USER, 0, 0));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
  EXPECT_FALSE(ws2emu_DestroyWindow(nullptr));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
}

TEST_F(Messages, DestroyWindowDropsTheWindowsQueuedMessages) {
  HWND doomed = NewWindow(), kept = NewWindow();
  ASSERT_TRUE(doomed && kept);
  EXPECT_TRUE(ws2emu_PostMessageW(doomed, WM_USER, 1, 0));
  EXPECT_TRUE(ws2emu_PostMessageW(kept, WM_USER, 2, 0));
  EXPECT_TRUE(ws2emu_PostMessageW(doomed, WM_USER, 3, 0));
  EXPECT_TRUE(ws2emu_DestroyWindow(doomed));
  MSG m;
  ASSERT_TRUE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
  EXPECT_EQ(m.hwnd, kept);
  EXPECT_EQ(m.wParam, 2u);
  EXPECT_FALSE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
  EXPECT_TRUE(ws2emu_DestroyWindow(kept));
}

TEST_F(Messages, OnlyTheOwnerThreadDestroysOrDispatchesToAWindow) {
  HWND w = NewWindow();
  ASSERT_NE(w, nullptr);
  ClearCalls();
  std::thread([w] {
    EXPECT_TRUE(ws2emu_IsWindow(w));  // any thread may look
    EXPECT_FALSE(ws2emu_DestroyWindow(w));
    EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
    MSG m = {};
    m.hwnd = w;
    m.message = WM_APP;
    EXPECT_EQ(ws2emu_DispatchMessageW(&m), 0);
    EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_ACCESS_DENIED));
  }).join();
  EXPECT_TRUE(SentMessages().empty());  // the window procedure never ran on the other thread
  EXPECT_TRUE(ws2emu_IsWindow(w));
  EXPECT_TRUE(ws2emu_DestroyWindow(w));
}

TEST_F(Messages, WindowsAreDestroyedWhenTheirThreadExits) {
  HWND a = nullptr, b = nullptr;
  DWORD tid = 0;
  std::thread([&] {
    a = NewWindow();
    b = NewWindow();
    tid = ws2emu_GetCurrentThreadId();
    EXPECT_TRUE(ws2emu_PostMessageW(a, WM_USER, 0, 0));
  }).join();
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(ws2emu_IsWindow(a));
  EXPECT_FALSE(ws2emu_IsWindow(b));
  EXPECT_FALSE(ws2emu_PostMessageW(a, WM_USER, 0, 0));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
  EXPECT_FALSE(ws2emu_PostThreadMessageW(tid, WM_USER, 0, 0));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_THREAD_ID));
  // No WM_DESTROY: the thread that could have run the window procedure is gone. The class has
  // no windows left (TearDown unregisters it).
  for (UINT msg : SentMessages()) EXPECT_NE(msg, static_cast<UINT>(WM_DESTROY));
}

TEST_F(Messages, CloseHandleIsNotDestroyWindow) {
  HWND w = NewWindow();
  ASSERT_NE(w, nullptr);
  EXPECT_FALSE(ws2emu_CloseHandle(reinterpret_cast<HANDLE>(w)));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_TRUE(ws2emu_IsWindow(w));
  EXPECT_TRUE(ws2emu_DestroyWindow(w));
}

// ---- Posting ----------------------------------------------------------------------------------

TEST_F(Messages, PostToSomethingThatIsNotAWindowFails) {
  for (HWND bad : {reinterpret_cast<HWND>(0x5550), HWND_MESSAGE,
                   reinterpret_cast<HWND>(static_cast<intptr_t>(-1))}) {
    EXPECT_FALSE(ws2emu_PostMessageW(bad, WM_USER, 0, 0));
    EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
    EXPECT_FALSE(ws2emu_IsWindow(bad));
  }
  // An event handle is a handle, not a window.
  HANDLE e = ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr);
  EXPECT_FALSE(ws2emu_PostMessageW(reinterpret_cast<HWND>(e), WM_USER, 0, 0));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
  EXPECT_TRUE(ws2emu_CloseHandle(e));
  // HWND_BROADCAST reaches top-level windows, and there are none: nothing is posted.
  EXPECT_TRUE(ws2emu_PostMessageW(HWND_BROADCAST, WM_USER, 0, 0));
  EXPECT_FALSE(ws2emu_IsWindow(HWND_BROADCAST));
  MSG m;
  EXPECT_FALSE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
}

TEST_F(Messages, PostThreadMessageNeedsAThreadWithAQueue) {
  EXPECT_FALSE(ws2emu_PostThreadMessageW(0, WM_USER, 0, 0));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_THREAD_ID));
  // A live thread that never used a message function has no queue.
  std::atomic<DWORD> tid{0};
  std::atomic<bool> done{false};
  std::thread t([&] {
    tid = ws2emu_GetCurrentThreadId();
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  while (tid == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_FALSE(ws2emu_PostThreadMessageW(tid, WM_USER, 0, 0));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_THREAD_ID));
  done = true;
  t.join();
}

TEST_F(Messages, PostWithoutAWindowGoesToTheCallingThread) {
  EXPECT_TRUE(ws2emu_PostMessageW(nullptr, WM_USER, 1, 10));
  EXPECT_TRUE(ws2emu_PostThreadMessageW(ws2emu_GetCurrentThreadId(), WM_USER, 2, 20));
  MSG m;
  ASSERT_EQ(ws2emu_GetMessageW(&m, nullptr, 0, 0), TRUE);
  EXPECT_EQ(m.hwnd, nullptr);
  EXPECT_EQ(m.message, static_cast<UINT>(WM_USER));
  EXPECT_EQ(m.wParam, 1u);
  EXPECT_EQ(m.lParam, 10);
  ASSERT_EQ(ws2emu_GetMessageW(&m, nullptr, 0, 0), TRUE);
  EXPECT_EQ(m.wParam, 2u);
  // A thread message is not dispatched to any window procedure.
  EXPECT_EQ(ws2emu_DispatchMessageW(&m), 0);
  EXPECT_TRUE(SentMessages().empty());
}

TEST_F(Messages, MessagesLeaveInTheOrderTheyWerePosted) {
  HWND a = NewWindow(), b = NewWindow();
  ASSERT_TRUE(a && b);
  for (WPARAM i = 0; i < 100; ++i) {
    HWND to = i % 3 == 0 ? a : i % 3 == 1 ? b : nullptr;
    ASSERT_TRUE(ws2emu_PostMessageW(to, WM_USER + static_cast<UINT>(i % 7), i,
                                    -1 - static_cast<LPARAM>(i)));
  }
  MSG m;
  for (WPARAM i = 0; i < 100; ++i) {
    ASSERT_EQ(ws2emu_GetMessageW(&m, nullptr, 0, 0), TRUE);
    EXPECT_EQ(m.hwnd, i % 3 == 0 ? a : i % 3 == 1 ? b : nullptr);
    EXPECT_EQ(m.message, WM_USER + static_cast<UINT>(i % 7));
    EXPECT_EQ(m.wParam, i);
    EXPECT_EQ(m.lParam, -1 - static_cast<LPARAM>(i));
  }
  EXPECT_TRUE(ws2emu_DestroyWindow(a));
  EXPECT_TRUE(ws2emu_DestroyWindow(b));
}

TEST_F(Messages, FullWidthParametersArriveIntact) {
  HWND w = NewWindow();
  ASSERT_NE(w, nullptr);
  const WPARAM wparam = 0xfedcba9876543210ull;
  const LPARAM lparam = static_cast<LPARAM>(0x8000000000000001ull);
  ASSERT_TRUE(ws2emu_PostMessageW(w, 0xC123, wparam, lparam));
  MSG m;
  ASSERT_EQ(ws2emu_GetMessageW(&m, w, 0, 0), TRUE);
  EXPECT_EQ(m.message, 0xC123u);
  EXPECT_EQ(m.wParam, wparam);
  EXPECT_EQ(m.lParam, lparam);
  EXPECT_TRUE(ws2emu_DestroyWindow(w));
}

// ---- GetMessage / PeekMessage -----------------------------------------------------------------

TEST_F(Messages, GetAndPeekRejectBadArguments) {
  MSG m;
  EXPECT_EQ(ws2emu_GetMessageW(nullptr, nullptr, 0, 0), -1);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(ws2emu_GetMessageW(&m, reinterpret_cast<HWND>(0x5550), 0, 0), -1);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
  EXPECT_FALSE(ws2emu_PeekMessageW(nullptr, nullptr, 0, 0, PM_REMOVE));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_FALSE(ws2emu_PeekMessageW(&m, reinterpret_cast<HWND>(0x5550), 0, 0, PM_REMOVE));
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
  EXPECT_EQ(ws2emu_DispatchMessageW(nullptr), 0);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  m = {};
  m.hwnd = reinterpret_cast<HWND>(0x5550);
  EXPECT_EQ(ws2emu_DispatchMessageW(&m), 0);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_WINDOW_HANDLE));
}

TEST_F(Messages, GetMessageBlocksUntilAnotherThreadPosts) {
  HWND w = NewWindow();
  ASSERT_NE(w, nullptr);
  std::thread poster([w] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_TRUE(ws2emu_PostMessageW(w, WM_USER + 1, 0, 0));  // filtered out below
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_TRUE(ws2emu_PostMessageW(w, WM_USER + 2, 42, 0));
  });
  MSG m;
  ASSERT_EQ(ws2emu_GetMessageW(&m, w, WM_USER + 2, WM_USER + 2), TRUE);
  EXPECT_EQ(m.hwnd, w);
  EXPECT_EQ(m.message, static_cast<UINT>(WM_USER + 2));
  EXPECT_EQ(m.wParam, 42u);
  poster.join();
  // The filtered-out message is still there.
  ASSERT_TRUE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
  EXPECT_EQ(m.message, static_cast<UINT>(WM_USER + 1));
  EXPECT_TRUE(ws2emu_DestroyWindow(w));
}

TEST_F(Messages, QuitComesOnlyWhenNoOtherMatchingMessageIsQueued) {
  EXPECT_TRUE(ws2emu_PostMessageW(nullptr, WM_USER, 1, 0));
  ws2emu_PostQuitMessage(3);
  ws2emu_PostQuitMessage(7);  // the last exit code wins
  EXPECT_TRUE(ws2emu_PostMessageW(nullptr, WM_USER, 2, 0));
  MSG m;
  ASSERT_EQ(ws2emu_GetMessageW(&m, nullptr, 0, 0), TRUE);
  EXPECT_EQ(m.wParam, 1u);
  // WM_QUIT ignores the range filter, but only once nothing in range is left.
  ASSERT_EQ(ws2emu_GetMessageW(&m, nullptr, WM_USER, WM_USER), TRUE);
  EXPECT_EQ(m.wParam, 2u);
  // PM_NOREMOVE leaves the quit flag set.
  ASSERT_TRUE(ws2emu_PeekMessageW(&m, nullptr, WM_USER, WM_USER, PM_NOREMOVE));
  EXPECT_EQ(m.message, static_cast<UINT>(WM_QUIT));
  ASSERT_EQ(ws2emu_GetMessageW(&m, nullptr, WM_USER, WM_USER), FALSE);
  EXPECT_EQ(m.message, static_cast<UINT>(WM_QUIT));
  EXPECT_EQ(m.hwnd, nullptr);
  EXPECT_EQ(m.wParam, 7u);
  EXPECT_FALSE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));  // returned once
}

TEST_F(Messages, PeekMessageRemovesOnlyWithPmRemove) {
  MSG m;
  EXPECT_FALSE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
  EXPECT_TRUE(ws2emu_PostMessageW(nullptr, WM_USER, 5, 0));
  ASSERT_TRUE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE));
  EXPECT_EQ(m.wParam, 5u);
  ASSERT_TRUE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE | PM_NOYIELD));
  EXPECT_EQ(m.wParam, 5u);
  ASSERT_TRUE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
  EXPECT_EQ(m.wParam, 5u);
  EXPECT_FALSE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
}

TEST_F(Messages, PeekMessageFiltersByWindowAndRange) {
  HWND a = NewWindow(), b = NewWindow();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(ws2emu_PostMessageW(a, WM_USER + 1, 1, 0));
  ASSERT_TRUE(ws2emu_PostMessageW(b, WM_USER + 2, 2, 0));
  ASSERT_TRUE(ws2emu_PostMessageW(nullptr, WM_USER + 3, 3, 0));
  ASSERT_TRUE(ws2emu_PostMessageW(a, WM_APP, 4, 0));
  MSG m;
  // By window: the first of b's.
  ASSERT_TRUE(ws2emu_PeekMessageW(&m, b, 0, 0, PM_NOREMOVE));
  EXPECT_EQ(m.wParam, 2u);
  // (HWND)-1: thread messages only.
  ASSERT_TRUE(
      ws2emu_PeekMessageW(&m, reinterpret_cast<HWND>(static_cast<intptr_t>(-1)), 0, 0, PM_REMOVE));
  EXPECT_EQ(m.wParam, 3u);
  // By range, inclusive at both ends.
  ASSERT_TRUE(ws2emu_PeekMessageW(&m, nullptr, WM_APP, WM_APP, PM_REMOVE));
  EXPECT_EQ(m.wParam, 4u);
  EXPECT_FALSE(ws2emu_PeekMessageW(&m, a, WM_USER + 2, WM_USER + 9, PM_REMOVE));
  // A window of another thread is a valid filter that matches nothing here.
  HWND foreign = nullptr;
  std::atomic<bool> release{false}, created{false};
  std::thread owner([&] {
    foreign = NewWindow();
    created = true;
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ws2emu_DestroyWindow(foreign);
  });
  while (!created) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_FALSE(ws2emu_PeekMessageW(&m, foreign, 0, 0, PM_REMOVE));
  release = true;
  owner.join();
  // What is left, in order.
  ASSERT_TRUE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
  EXPECT_EQ(m.wParam, 1u);
  ASSERT_TRUE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
  EXPECT_EQ(m.wParam, 2u);
  EXPECT_FALSE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
  EXPECT_TRUE(ws2emu_DestroyWindow(a));
  EXPECT_TRUE(ws2emu_DestroyWindow(b));
}

// ---- Dispatch ---------------------------------------------------------------------------------

TEST_F(Messages, DispatchMessageCallsTheClassWindowProcedure) {
  HWND w = NewWindow();
  ASSERT_NE(w, nullptr);
  ClearCalls();
  ASSERT_TRUE(ws2emu_PostMessageW(w, WM_APP, 40, 2));
  MSG m;
  ASSERT_EQ(ws2emu_GetMessageW(&m, nullptr, 0, 0), TRUE);
  EXPECT_FALSE(ws2emu_TranslateMessage(&m));   // nothing to translate
  EXPECT_EQ(ws2emu_DispatchMessageW(&m), 42);  // what the window procedure returned
  {
    std::lock_guard<std::mutex> lock(g_mu);
    ASSERT_EQ(g_calls.size(), 1u);
    EXPECT_EQ(g_calls[0], (Call{w, WM_APP, 40, 2, ws2emu_GetCurrentThreadId()}));
  }
  EXPECT_TRUE(ws2emu_DestroyWindow(w));
}

TEST_F(Messages, DefWindowProcAcceptsCreationAndReturnsZeroOtherwise) {
  EXPECT_EQ(ws2emu_DefWindowProcW(nullptr, WM_NCCREATE, 0, 0), TRUE);
  EXPECT_EQ(ws2emu_DefWindowProcW(nullptr, WM_CREATE, 0, 0), 0);
  EXPECT_EQ(ws2emu_DefWindowProcW(nullptr, WM_USER, 1, 2), 0);
}

// ---- MsgWaitForMultipleObjectsEx ---------------------------------------------------------------

TEST_F(Messages, MsgWaitRejectsBadArguments) {
  HANDLE e = ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr);
  HANDLE many[MAXIMUM_WAIT_OBJECTS];
  for (HANDLE &h : many) h = e;
  // The queue takes one of the 64 slots.
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(MAXIMUM_WAIT_OBJECTS, many, 0, QS_ALLINPUT, 0),
            WAIT_FAILED);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(MAXIMUM_WAIT_OBJECTS - 1, many, 0, QS_ALLINPUT, 0),
            static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(1, nullptr, 0, QS_ALLINPUT, 0), WAIT_FAILED);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(1, &e, 0, QS_ALLINPUT, 0x80), WAIT_FAILED);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  HANDLE bad[2] = {e, reinterpret_cast<HANDLE>(0x5550)};
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(2, bad, 0, QS_ALLINPUT, 0), WAIT_FAILED);
  EXPECT_EQ(LastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  EXPECT_TRUE(ws2emu_CloseHandle(e));
}

TEST_F(Messages, MsgWaitReturnsTheSignaledObjectsIndex) {
  HANDLE e[2] = {ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr),
                 ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr)};
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(2, e, 10, QS_ALLINPUT, 0),
            static_cast<DWORD>(WAIT_TIMEOUT));
  ws2emu_SetEvent(e[1]);
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(2, e, INFINITE, QS_ALLINPUT, 0), WAIT_OBJECT_0 + 1);
  // An object before input: the lowest index wins, and the input stays new.
  ASSERT_TRUE(ws2emu_PostMessageW(nullptr, WM_USER, 0, 0));
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(2, e, INFINITE, QS_ALLINPUT, 0), WAIT_OBJECT_0 + 1);
  ws2emu_ResetEvent(e[1]);
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(2, e, INFINITE, QS_ALLINPUT, 0), WAIT_OBJECT_0 + 2);
  // Without waiting for all, MsgWaitForMultipleObjects is the same call.
  ws2emu_SetEvent(e[0]);
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjects(2, e, FALSE, 0, QS_ALLINPUT), WAIT_OBJECT_0);
  for (HANDLE h : e) EXPECT_TRUE(ws2emu_CloseHandle(h));
}

TEST_F(Messages, MsgWaitReturnsForNewInputAtIndexCount) {
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(0, nullptr, 10, QS_ALLINPUT, 0),
            static_cast<DWORD>(WAIT_TIMEOUT));
  std::thread poster([tid = ws2emu_GetCurrentThreadId()] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_TRUE(ws2emu_PostThreadMessageW(tid, WM_USER, 9, 0));
  });
  HANDLE e = ws2emu_CreateEventW(nullptr, TRUE, FALSE, nullptr);
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(1, &e, 5000, QS_POSTMESSAGE, 0), WAIT_OBJECT_0 + 1);
  poster.join();
  MSG m;
  ASSERT_TRUE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE));
  EXPECT_EQ(m.wParam, 9u);
  EXPECT_TRUE(ws2emu_CloseHandle(e));
}

TEST_F(Messages, MsgWaitWithoutInputAvailableWaitsForInputThatIsNew) {
  ASSERT_TRUE(ws2emu_PostMessageW(nullptr, WM_USER, 0, 0));
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(0, nullptr, 0, QS_ALLINPUT, 0), WAIT_OBJECT_0);
  // That wait looked at the queue: the message is still there but no longer new.
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(0, nullptr, 10, QS_ALLINPUT, 0),
            static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(0, nullptr, 0, QS_ALLINPUT, MWMO_INPUTAVAILABLE),
            WAIT_OBJECT_0);
  // PeekMessage without removing also makes it old.
  ASSERT_TRUE(ws2emu_PostMessageW(nullptr, WM_USER, 1, 0));
  MSG m;
  ASSERT_TRUE(ws2emu_PeekMessageW(&m, nullptr, 0, 0, PM_NOREMOVE));
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(0, nullptr, 10, QS_ALLINPUT, 0),
            static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(0, nullptr, 0, QS_ALLINPUT, MWMO_INPUTAVAILABLE),
            WAIT_OBJECT_0);
  // A filtered PeekMessage clears QS_POSTMESSAGE's "new" but not QS_ALLPOSTMESSAGE's.
  ASSERT_TRUE(ws2emu_PostMessageW(nullptr, WM_USER, 2, 0));
  EXPECT_FALSE(ws2emu_PeekMessageW(&m, nullptr, WM_APP, WM_APP, PM_NOREMOVE));
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(0, nullptr, 0, QS_POSTMESSAGE, 0),
            static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(0, nullptr, 0, QS_ALLPOSTMESSAGE, 0), WAIT_OBJECT_0);
  // A wake mask without posted input never returns for a posted message.
  ASSERT_TRUE(ws2emu_PostMessageW(nullptr, WM_USER, 3, 0));
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(0, nullptr, 20, QS_KEY | QS_TIMER, 0),
            static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(0, nullptr, 0, QS_ALLEVENTS, 0), WAIT_OBJECT_0);
}

TEST_F(Messages, MsgWaitSeesAQuitAsPostedInput) {
  ws2emu_PostQuitMessage(0);
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(0, nullptr, 0, QS_POSTMESSAGE, 0), WAIT_OBJECT_0);
}

VOID CALLBACK CountApc(ULONG_PTR counter) { ++*reinterpret_cast<int *>(counter); }

TEST_F(Messages, MsgWaitRunsApcsOnlyWhenAlertable) {
  HANDLE self = ws2emu_OpenThread(THREAD_SET_CONTEXT, FALSE, ws2emu_GetCurrentThreadId());
  ASSERT_NE(self, nullptr);
  int ran = 0;
  ASSERT_EQ(ws2emu_QueueUserAPC(CountApc, self, reinterpret_cast<ULONG_PTR>(&ran)), 1u);
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(0, nullptr, 10, QS_ALLINPUT, 0),
            static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_EQ(ran, 0);
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(0, nullptr, INFINITE, QS_ALLINPUT, MWMO_ALERTABLE),
            static_cast<DWORD>(WAIT_IO_COMPLETION));
  EXPECT_EQ(ran, 1);
  // An APC from another thread wakes a blocked alertable wait.
  std::thread queuer([self, &ran] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_EQ(ws2emu_QueueUserAPC(CountApc, self, reinterpret_cast<ULONG_PTR>(&ran)), 1u);
  });
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(0, nullptr, 5000, QS_ALLINPUT, MWMO_ALERTABLE),
            static_cast<DWORD>(WAIT_IO_COMPLETION));
  queuer.join();
  EXPECT_EQ(ran, 2);
  EXPECT_TRUE(ws2emu_CloseHandle(self));
}

TEST_F(Messages, MsgWaitAllNeedsEveryObjectAndInput) {
  HANDLE e = ws2emu_CreateEventW(nullptr, TRUE, TRUE, nullptr);
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(1, &e, 10, QS_ALLINPUT, MWMO_WAITALL),
            static_cast<DWORD>(WAIT_TIMEOUT));
  std::thread poster([tid = ws2emu_GetCurrentThreadId()] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_TRUE(ws2emu_PostThreadMessageW(tid, WM_USER, 0, 0));
  });
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjects(1, &e, TRUE, 5000, QS_ALLINPUT), WAIT_OBJECT_0);
  poster.join();
  // Input alone is not enough either.
  ws2emu_ResetEvent(e);
  ASSERT_TRUE(ws2emu_PostMessageW(nullptr, WM_USER, 0, 0));
  EXPECT_EQ(ws2emu_MsgWaitForMultipleObjectsEx(1, &e, 10, QS_ALLINPUT,
                                               MWMO_WAITALL | MWMO_INPUTAVAILABLE),
            static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_TRUE(ws2emu_CloseHandle(e));
}

// ---- WPUPostMessage: what a WSAAsyncSelect provider does --------------------------------------

TEST_F(Messages, WpuPostMessageReachesAWindowOfAnotherThread) {
  const WSPUPCALLTABLE &t = *ws2emu_upcall_table();
  HWND w = nullptr;
  std::atomic<bool> ready{false};
  std::vector<Call> received;
  // The application's thread: a window and a message loop, until WM_QUIT.
  std::thread app([&] {
    w = NewWindow();
    ready = true;
    MSG m;
    while (ws2emu_GetMessageW(&m, nullptr, 0, 0) > 0) {
      received.push_back({m.hwnd, m.message, m.wParam, m.lParam, 0});
      ws2emu_DispatchMessageW(&m);
      if (m.message == WM_USER + 2) ws2emu_PostQuitMessage(0);
    }
    ws2emu_DestroyWindow(w);
  });
  while (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_NE(w, nullptr);
  const SOCKET s = 0x1234;
  EXPECT_TRUE(t.lpWPUPostMessage(w, WM_USER + 1, s, WSAMAKESELECTREPLY(FD_READ, 0)));
  EXPECT_TRUE(t.lpWPUPostMessage(w, WM_USER + 1, s, WSAMAKESELECTREPLY(FD_CLOSE, WSAECONNRESET)));
  EXPECT_TRUE(
      t.lpWPUPostMessage(w, WM_USER + 2, s, WSAMAKESELECTREPLY(FD_CONNECT, WSAECONNREFUSED)));
  app.join();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[0].hwnd, w);
  EXPECT_EQ(received[0].wparam, s);
  EXPECT_EQ(WSAGETSELECTEVENT(received[0].lparam), FD_READ);
  EXPECT_EQ(WSAGETSELECTERROR(received[0].lparam), 0);
  EXPECT_EQ(WSAGETSELECTEVENT(received[1].lparam), FD_CLOSE);
  EXPECT_EQ(WSAGETSELECTERROR(received[1].lparam), WSAECONNRESET);
  EXPECT_EQ(received[2].msg, static_cast<UINT>(WM_USER + 2));
  EXPECT_EQ(WSAGETSELECTEVENT(received[2].lparam), FD_CONNECT);
  EXPECT_EQ(WSAGETSELECTERROR(received[2].lparam), WSAECONNREFUSED);
  // The window procedure saw the same, on the application's thread.
  std::lock_guard<std::mutex> lock(g_mu);
  ASSERT_GE(g_calls.size(), 5u);  // WM_NCCREATE, WM_CREATE, the three posts, ...
  EXPECT_EQ(g_calls[3].msg, static_cast<UINT>(WM_USER + 1));
  EXPECT_EQ(g_calls[3].lparam, WSAMAKESELECTREPLY(FD_CLOSE, WSAECONNRESET));
  EXPECT_NE(g_calls[3].thread, ws2emu_GetCurrentThreadId());
}

}  // namespace
