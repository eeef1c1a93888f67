// The base provider's network events under concurrency (run under -Db_sanitize=thread too):
// the watcher thread evaluates sockets while other threads register, re-register, switch
// between event select and async select, receive (re-enabling) and close them. Exact counts:
// every round sees its FD_READ, and a closed socket signals nothing after its close returned.
#include <sys/socket.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "../base_provider/fixture.h"
#include "base_provider/socket.h"

namespace {

using bp_test::BaseProviderTest;
using ws2emu::base_provider::SocketCall;

constexpr int kThreads = 4;
constexpr int kRounds = 150;
constexpr DWORD kGuardMs = 10000;
constexpr UINT kMessage = 0x8000 + 5;

LRESULT CALLBACK PlainProc(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam) {
  return ws2emu_DefWindowProcW(hwnd, msg, wparam, lparam);
}

class NetworkEventsStress : public BaseProviderTest {
 protected:
  int Fd(SOCKET s) {
    SocketCall call(s, nullptr);
    return call ? call->fd() : -1;
  }
};

TEST_F(NetworkEventsStress, RegistrationsReceivesAndClosesRaceTheWatcher) {
  static const bool registered = [] {  // once per process (--gtest_repeat runs this again)
    WNDCLASSEXW wc = {};
    wc.cbSize = sizeof(wc);
    wc.lpfnWndProc = PlainProc;
    wc.lpszClassName = u"ws2emu network events stress";
    return ws2emu_RegisterClassExW(&wc) != 0;
  }();
  ASSERT_TRUE(registered);
  std::atomic<int> reads_seen{0}, messages_seen{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      WSAEVENT event = WSACreateEvent();
      HWND window = ws2emu_CreateWindowExW(0, u"ws2emu network events stress", nullptr, 0, 0, 0,
                                           0, 0, HWND_MESSAGE, nullptr, nullptr, nullptr);
      if (event == nullptr || window == nullptr) {
        ++failures;
        return;
      }
      for (int round = 0; round < kRounds; ++round) {
        SOCKET client = INVALID_SOCKET, server = INVALID_SOCKET;
        Pair(t % 2 == 0 ? WS_AF_INET : WS_AF_INET6, &client, &server);
        int error = 0;
        // Event select: data sent from this thread while the watcher evaluates the socket.
        if (procs_.lpWSPEventSelect(server, event, FD_READ | FD_WRITE | FD_CLOSE, &error) != 0) {
          ++failures;
          continue;
        }
        if (send(Fd(client), "abc", 3, 0) != 3) ++failures;
        long seen = 0;
        for (int i = 0; i < 100 && (seen & FD_READ) == 0; ++i) {
          if (ws2emu_WaitForSingleObjectEx(event, kGuardMs / 100, FALSE) != WAIT_OBJECT_0) continue;
          WSANETWORKEVENTS events;
          if (procs_.lpWSPEnumNetworkEvents(server, event, &events, &error) != 0) break;
          seen |= events.lNetworkEvents;
        }
        if ((seen & FD_READ) != 0) ++reads_seen;
        // Switch to async select while more data arrives, receive (re-enabling), then close
        // both ends while the watcher may be evaluating them.
        if (procs_.lpWSPAsyncSelect(server, window, kMessage, FD_READ | FD_CLOSE, &error) != 0) {
          ++failures;
        }
        if (send(Fd(client), "d", 1, 0) != 1) ++failures;
        MSG msg;
        bool got = false;
        for (int i = 0; i < 1000 && !got; ++i) {
          while (ws2emu_PeekMessageW(&msg, window, 0, 0, PM_REMOVE)) {
            if (msg.message == kMessage && WSAGETSELECTEVENT(msg.lParam) == FD_READ) got = true;
          }
          if (!got) ws2emu_MsgWaitForMultipleObjects(0, nullptr, FALSE, 10, QS_ALLINPUT);
        }
        if (got) ++messages_seen;
        char sink[16];
        WSABUF buf = {sizeof(sink), sink};
        DWORD received = 0, flags = 0;
        procs_.lpWSPRecv(server, &buf, 1, &received, &flags, nullptr, nullptr, nullptr, &error);
        std::thread closer([&] { Close(client); });
        Close(server);
        closer.join();
        // Nothing for the closed socket after its close returned.
        while (ws2emu_PeekMessageW(&msg, window, 0, 0, PM_REMOVE)) {
        }
        ws2emu_ResetEvent(event);
      }
      ws2emu_DestroyWindow(window);
      WSACloseEvent(event);
    });
  }
  for (std::thread &t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(reads_seen.load(), kThreads * kRounds);
  EXPECT_EQ(messages_seen.load(), kThreads * kRounds);
}

}  // namespace
