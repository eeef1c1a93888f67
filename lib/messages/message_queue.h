// lib/messages/message_queue.h — a thread's message queue (the posted and sent messages of
// user32's THREADINFO): what PostMessage and SendMessage append to and GetMessage, PeekMessage
// and MsgWaitForMultipleObjects read.
//
//   MessageQueue *q = MessageQueue::Current();            // created on first use
//   Ref<MessageQueue> other = MessageQueue::FindByThreadId(tid);
//   other->Post(msg);                                      // any thread; wakes the owner
//   MSG m;
//   q->Get(MessageQueue::Filter{}, &m);                    // the owner; blocks
//   uint32_t r = q->Wait(objects, n, /*wait_all=*/false, timeout_ms, QS_ALLINPUT,
//                        /*input_available=*/false, /*alertable=*/true);
//
// Order: posted messages leave in FIFO order (the first that matches a filter), and WM_QUIT from
// PostQuit is a flag, returned only when no other matching message is queued, as on Windows.
//
// "New" input. As on Windows, the queue keeps two sets of QS_ bits: status bits (a posted
// message or a quit is there: QS_POSTMESSAGE | QS_ALLPOSTMESSAGE) and changed bits (posted
// since the owner last looked). Peek clears the changed QS_POSTMESSAGE bit, and
// QS_ALLPOSTMESSAGE too when it does not filter; a Wait that returns for input clears the
// changed bits it waited for. A Wait without input_available returns only for changed bits,
// with it for status bits too (MWMO_INPUTAVAILABLE). Every posted message counts as
// QS_POSTMESSAGE and QS_ALLPOSTMESSAGE, every sent one as QS_SENDMESSAGE; the runtime has no
// other kind of input.
//
// Sent messages (SendMessage from another thread). A sender queues a SentMessage on the
// window's queue (Send) and waits for it to be done; the owner thread runs it (calls the window
// procedure) in DispatchSent, which Get and Peek's callers run before they look at posted
// messages, as Windows processes sent messages inside GetMessage and PeekMessage. A pending
// sent message sets QS_SENDMESSAGE (status and changed), so it wakes a Get or a Wait for it.
// What the owner can no longer run (its thread exits, the window is destroyed) is done as
// failed. Sent messages go first, in FIFO order, and never leave through Peek.
//
// Concurrency and lifetime. One mutex guards the messages, the bits and the masks. The queue
// is a Waitable, waited on by its owner only: for the length of one wait the owner sets which
// bits signal it (BeginWait/EndWait, inside Get and Wait), and the queue keeps its eventfd
// readable exactly while those bits are set, so a post from any thread wakes a blocked owner
// (GetMessage, MsgWaitForMultipleObjects) and nothing else makes the fd readable. The thread
// holds one reference in a thread_local holder and windows hold one each; when the thread exits
// the holder destroys the thread's windows (without messages: the thread can no longer run a
// window procedure), drops the queued messages, and posts fail from then on.
#ifndef WS2EMU_LIB_MESSAGES_MESSAGE_QUEUE_H_
#define WS2EMU_LIB_MESSAGES_MESSAGE_QUEUE_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "base/annotated_mutex.h"
#include "sync/event.h"
#include "sync/waitable.h"
#include "ws2emu/winuser.h"

namespace ws2emu {

// One message sent from another thread: shared by the sender, which waits on `done`, and the
// owner's queue. `state` and `result` are written before `done` is set.
struct SentMessage {
  enum State : int { kPending, kDone, kFailed };
  MSG msg = {};
  Ref<Event> done;  // manual-reset, set once the message is done or failed
  std::atomic<int> state{kPending};
  std::atomic<LRESULT> result{0};
  void Finish(State s, LRESULT r) {
    result.store(r, std::memory_order_relaxed);
    state.store(s, std::memory_order_release);
    done->Set();
  }
};

class MessageQueue final : public Waitable {
 public:
  // The QS_ bits a posted message (or a quit) sets.
  static constexpr uint32_t kPostedBits = QS_POSTMESSAGE | QS_ALLPOSTMESSAGE;

  // Which messages Peek and Get take, as GetMessage's hWnd, wMsgFilterMin, wMsgFilterMax.
  struct Filter {
    static constexpr uint64_t kThreadMessages = ~uint64_t{0};  // hWnd (HWND)-1
    uint64_t hwnd = 0;  // 0: any; kThreadMessages: only messages without a window
    uint32_t min = 0;   // min and max both 0: any message
    uint32_t max = 0;
    bool unfiltered() const { return hwnd == 0 && min == 0 && max == 0; }
    bool Matches(const MSG &msg) const;
  };

  // The calling thread's queue, created on first use (with the thread object, which it
  // needs). Null if it cannot be created now or the thread is exiting; *error (if not null) then
  // holds the errno: EMFILE or ENFILE (no descriptor), ENOMEM, or ESRCH (exiting). A failure is
  // not remembered: the next call tries again.
  static MessageQueue *Current(int *error = nullptr);
  // The calling thread's queue if it has one; never creates it.
  static MessageQueue *CurrentIfAny();
  // The queue of the live thread with Linux thread id `tid`, if that thread has one.
  static Ref<MessageQueue> FindByThreadId(uint32_t tid);

  ~MessageQueue() override = default;

  uint32_t thread_id() const { return tid_; }

  // Records a window of this queue's thread; posts to it are accepted from then on. False once
  // the thread has exited.
  bool AddWindow(uint64_t hwnd);
  // Forgets the window and drops its queued messages; posts to it fail from then on.
  void RemoveWindow(uint64_t hwnd);

  // Appends `msg` (msg.hwnd 0 or a window of this queue) and wakes the owner. Any thread.
  // kGone if the thread has exited or the window was removed; kNoMemory if the queue could
  // not grow (nothing is queued then: PostMessage fails with ERROR_NOT_ENOUGH_MEMORY).
  enum class PostResult { kPosted, kGone, kNoMemory };
  PostResult Post(const MSG &msg);
  // Queues a message sent from another thread to a window of this queue (msg.hwnd). kGone if
  // the thread has exited or the window was removed, kNoMemory if the queue could not grow.
  PostResult Send(std::shared_ptr<SentMessage> sent);
  // Takes back a sent message that is still pending (the sender gave up: SendMessageTimeout);
  // false if the owner has already taken it.
  bool CancelSent(const SentMessage *sent);
  // The owner thread only: runs every pending sent message (the window procedure, on this
  // thread) and marks each done. Returns how many it ran.
  int DispatchSent();
  // Sets the quit flag (PostQuitMessage): the last exit code wins.
  void PostQuit(int exit_code);

  // The owner thread only. The first message that matches, removed if `remove`; WM_QUIT when
  // none matches and the quit flag is set (cleared if `remove`). False if there is nothing.
  bool Peek(const Filter &filter, bool remove, MSG *out);
  // Runs sent messages and blocks (not alertable) until Peek(filter, remove=true) finds a
  // message.
  void Get(const Filter &filter, MSG *out);
  // WaitForObjects over `objects` (count 0..64) and this queue as object `count`, which is
  // signaled by new posted or sent input of `wake_mask` (or any queued, with input_available).
  // Returns as WaitForObjects does; wait_all needs every object and input at once.
  uint32_t Wait(Waitable *const *objects, uint32_t count, bool wait_all, uint32_t timeout_ms,
                uint32_t wake_mask, bool input_available, bool alertable);

  // Waitable, for the owner's waits: signaled while the bits of the current wait are set.
  int fd() const override { return event_->fd(); }
  bool IsSignaled() const override;
  bool TryAcquire() override { return IsSignaled(); }

 private:
  class Holder;

  MessageQueue(uint32_t tid, Ref<Event> event);
  // At thread exit: marks the queue gone, drops every message, and returns the windows.
  std::vector<uint64_t> Shutdown();
  void BeginWait(uint32_t wake_mask, uint32_t changed_mask);
  void EndWait(uint32_t seen_bits);

  uint32_t StatusBitsLocked() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return (!messages_.empty() || quit_ ? kPostedBits : 0) |
           (!sent_.empty() ? uint32_t{QS_SENDMESSAGE} : 0);
  }
  bool SignaledLocked() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return (StatusBitsLocked() & wake_mask_) != 0 || (changed_bits_ & changed_mask_) != 0;
  }
  void UpdateEventLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const uint32_t tid_;
  const Ref<Event> event_;  // manual-reset; set exactly while SignaledLocked()
  mutable StdMutex mu_;  // on every post and peek: see base/annotated_mutex.h
  std::deque<MSG> messages_ ABSL_GUARDED_BY(mu_);
  std::deque<std::shared_ptr<SentMessage>> sent_ ABSL_GUARDED_BY(mu_);
  // Set by Send, cleared (under mu_) by the DispatchSent that finds sent_ empty and has cleared
  // the changed QS_SENDMESSAGE bit: while false, DispatchSent has nothing to do. A Send racing
  // with the check also signals the queue (QS_SENDMESSAGE), so a waiting Get comes back for it.
  std::atomic<bool> send_work_{false};
  absl::flat_hash_set<uint64_t> windows_ ABSL_GUARDED_BY(mu_);
  bool quit_ ABSL_GUARDED_BY(mu_) = false;
  int quit_code_ ABSL_GUARDED_BY(mu_) = 0;
  bool gone_ ABSL_GUARDED_BY(mu_) = false;  // the thread has exited
  uint32_t changed_bits_ ABSL_GUARDED_BY(mu_) = 0;
  uint32_t wake_mask_ ABSL_GUARDED_BY(mu_) = 0;     // status bits that signal the current wait
  uint32_t changed_mask_ ABSL_GUARDED_BY(mu_) = 0;  // changed bits that signal the current wait
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_MESSAGES_MESSAGE_QUEUE_H_
