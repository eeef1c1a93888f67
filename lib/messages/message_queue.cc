#include "messages/message_queue.h"

#include <errno.h>

#include <algorithm>
#include <new>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "messages/window.h"
#include "threads/wait.h"
#include "threads/thread.h"

namespace ws2emu {
namespace {

struct Registry {
  StdMutex mu;  // looked up on every post to a thread: see base/annotated_mutex.h
  absl::flat_hash_map<uint32_t, MessageQueue *> queues ABSL_GUARDED_BY(mu);  // by thread id
};
Registry &GetRegistry() {
  static Registry *registry = new Registry();
  return *registry;
}

// The calling thread's queue. Plain thread_locals (no destructor), so they stay readable during
// and after the holder's destructor: a late call (from another thread_local's destructor) sees
// "no queue" rather than a destroyed holder.
thread_local MessageQueue *t_queue = nullptr;
thread_local bool t_queue_gone = false;

}  // namespace

// Owns the thread's reference; its destructor runs at thread exit.
class MessageQueue::Holder {
 public:
  ~Holder() {
    t_queue_gone = true;
    t_queue = nullptr;
    if (queue == nullptr) return;
    {
      Registry &r = GetRegistry();
      StdMutexLock lock(&r.mu);
      r.queues.erase(queue->thread_id());
    }
    for (uint64_t hwnd : queue->Shutdown()) {
      if (Ref<Window> w = HandleTable::Get().LookupAs<Window>(hwnd)) w->Destroy();
    }
    queue->Release();
  }
  MessageQueue *queue = nullptr;
};

bool MessageQueue::Filter::Matches(const MSG &msg) const {
  const uint64_t h = reinterpret_cast<uintptr_t>(msg.hwnd);
  if (hwnd == kThreadMessages ? h != 0 : (hwnd != 0 && h != hwnd)) return false;
  return (min == 0 && max == 0) || (msg.message >= min && msg.message <= max);
}

MessageQueue *MessageQueue::Current(int *error) {
  if (t_queue != nullptr) return t_queue;
  int err = ESRCH;
  if (t_queue_gone) {
    if (error != nullptr) *error = err;
    return nullptr;
  }
  // The thread object first: waits on the queue block through it (so they cannot fail once
  // the queue exists).
  Thread *self = Thread::Current(&err);
  if (self == nullptr) {
    if (error != nullptr) *error = err;
    return nullptr;
  }
  Ref<Event> event = Event::TryCreate(/*manual_reset=*/true, /*initial_state=*/false, &err);
  MessageQueue *queue = nullptr;
  if (event) {
    queue = new (std::nothrow) MessageQueue(self->id(), std::move(event));
    err = ENOMEM;  // if the allocation or the registration below fails
  }
  bool registered = false;
  if (queue != nullptr) {
    Registry &r = GetRegistry();
    StdMutexLock lock(&r.mu);
    try {
      r.queues[queue->thread_id()] = queue;
      registered = true;
    } catch (const std::bad_alloc &) {
      // the map could not grow: no queue
    }
  }
  if (!registered) {
    if (queue != nullptr) queue->Release();
    if (error != nullptr) *error = err;
    return nullptr;
  }
  static thread_local Holder holder;  // constructed here: its destructor runs at thread exit
  holder.queue = queue;
  t_queue = queue;
  return queue;
}

MessageQueue *MessageQueue::CurrentIfAny() { return t_queue; }

Ref<MessageQueue> MessageQueue::FindByThreadId(uint32_t tid) {
  Registry &r = GetRegistry();
  StdMutexLock lock(&r.mu);
  auto it = r.queues.find(tid);
  if (it == r.queues.end()) return {};
  return Ref<MessageQueue>::Share(it->second);
}

// Never in the handle table: kNone.
MessageQueue::MessageQueue(uint32_t tid, Ref<Event> event)
    : Waitable(ObjectType::kNone), tid_(tid), event_(std::move(event)) {}

bool MessageQueue::AddWindow(uint64_t hwnd) {
  StdMutexLock lock(&mu_);
  if (gone_) return false;
  windows_.insert(hwnd);
  return true;
}

void MessageQueue::RemoveWindow(uint64_t hwnd) {
  StdMutexLock lock(&mu_);
  windows_.erase(hwnd);
  std::erase_if(messages_,
                [hwnd](const MSG &m) { return reinterpret_cast<uintptr_t>(m.hwnd) == hwnd; });
  // Messages sent to it fail now (their senders stop waiting): Finish only sets an event.
  std::erase_if(sent_, [hwnd](const std::shared_ptr<SentMessage> &sent) {
    if (reinterpret_cast<uintptr_t>(sent->msg.hwnd) != hwnd) return false;
    sent->Finish(SentMessage::kFailed, 0);
    return true;
  });
  UpdateEventLocked();
}

std::vector<uint64_t> MessageQueue::Shutdown() {
  std::deque<std::shared_ptr<SentMessage>> failed;
  std::vector<uint64_t> windows;
  {
    StdMutexLock lock(&mu_);
    gone_ = true;
    messages_.clear();
    failed.swap(sent_);
    quit_ = false;
    windows.assign(windows_.begin(), windows_.end());
    windows_.clear();
    UpdateEventLocked();
  }
  for (auto &sent : failed) sent->Finish(SentMessage::kFailed, 0);
  return windows;
}

MessageQueue::PostResult MessageQueue::Send(std::shared_ptr<SentMessage> sent) {
  StdMutexLock lock(&mu_);
  if (gone_ || !windows_.contains(reinterpret_cast<uintptr_t>(sent->msg.hwnd)))
    return PostResult::kGone;
  try {
    sent_.push_back(std::move(sent));
  } catch (const std::bad_alloc &) {
    return PostResult::kNoMemory;
  }
  changed_bits_ |= QS_SENDMESSAGE;
  send_work_.store(true, std::memory_order_release);
  UpdateEventLocked();
  return PostResult::kPosted;
}

bool MessageQueue::CancelSent(const SentMessage *sent) {
  StdMutexLock lock(&mu_);
  auto it = std::find_if(sent_.begin(), sent_.end(),
                         [sent](const std::shared_ptr<SentMessage> &s) { return s.get() == sent; });
  if (it == sent_.end()) return false;
  sent_.erase(it);
  UpdateEventLocked();
  return true;
}

int MessageQueue::DispatchSent() {
  // Every GetMessage and PeekMessage comes here first; without a Send since the last drain there
  // is nothing to run and no bit to clear, so the queue's lock is not taken.
  if (!send_work_.load(std::memory_order_acquire)) return 0;
  int ran = 0;
  for (;;) {
    std::shared_ptr<SentMessage> sent;
    {
      StdMutexLock lock(&mu_);
      changed_bits_ &= ~static_cast<uint32_t>(QS_SENDMESSAGE);
      if (sent_.empty()) {
        send_work_.store(false, std::memory_order_relaxed);
        UpdateEventLocked();
        return ran;
      }
      sent = std::move(sent_.front());
      sent_.pop_front();
      UpdateEventLocked();
    }
    // Without the lock: the window procedure may post, send or destroy windows.
    const uint64_t hwnd = reinterpret_cast<uintptr_t>(sent->msg.hwnd);
    Ref<Window> w = HandleTable::Get().LookupAs<Window>(hwnd);
    if (w && w->queue() == this) {
      sent->Finish(SentMessage::kDone, w->Send(sent->msg.message, sent->msg.wParam,
                                               sent->msg.lParam));
    } else {
      sent->Finish(SentMessage::kFailed, 0);  // destroyed since it was queued
    }
    ++ran;
  }
}

MessageQueue::PostResult MessageQueue::Post(const MSG &msg) {
  StdMutexLock lock(&mu_);
  if (gone_) return PostResult::kGone;
  if (msg.hwnd != nullptr && !windows_.contains(reinterpret_cast<uintptr_t>(msg.hwnd)))
    return PostResult::kGone;
  try {
    messages_.push_back(msg);  // std::deque: a failed growth leaves the queue as it was
  } catch (const std::bad_alloc &) {
    return PostResult::kNoMemory;
  }
  changed_bits_ |= kPostedBits;
  UpdateEventLocked();
  return PostResult::kPosted;
}

void MessageQueue::PostQuit(int exit_code) {
  StdMutexLock lock(&mu_);
  if (gone_) return;
  quit_ = true;
  quit_code_ = exit_code;
  changed_bits_ |= kPostedBits;
  UpdateEventLocked();
}

bool MessageQueue::Peek(const Filter &filter, bool remove, MSG *out) {
  StdMutexLock lock(&mu_);
  // Looking at the queue makes what is there no longer new (QS_ALLPOSTMESSAGE: only when
  // looking at everything).
  changed_bits_ &= ~static_cast<uint32_t>(filter.unfiltered() ? kPostedBits : QS_POSTMESSAGE);
  auto it = std::find_if(messages_.begin(), messages_.end(),
                         [&filter](const MSG &m) { return filter.Matches(m); });
  bool found = true;
  if (it != messages_.end()) {
    *out = *it;
    if (remove) messages_.erase(it);
  } else if (quit_) {
    // WM_QUIT matches every filter (GetMessage always retrieves it).
    *out = MSG{};
    out->message = WM_QUIT;
    out->wParam = static_cast<WPARAM>(static_cast<int64_t>(quit_code_));
    out->time = static_cast<DWORD>(MonotonicMs());
    if (remove) quit_ = false;
  } else {
    found = false;
  }
  UpdateEventLocked();
  return found;
}

void MessageQueue::Get(const Filter &filter, MSG *out) {
  Waitable *self = this;
  for (;;) {
    DispatchSent();  // sent messages first, as GetMessage runs them
    if (Peek(filter, /*remove=*/true, out)) return;
    // Peek has just cleared the changed QS_POSTMESSAGE bit: the next post sets it; a pending
    // sent message signals through its status bit.
    BeginWait(/*wake_mask=*/QS_SENDMESSAGE, /*changed_mask=*/QS_POSTMESSAGE);
    WaitForObjects(&self, 1, /*wait_all=*/false, kInfinite, /*alertable=*/false);
    EndWait(/*seen_bits=*/0);  // the next Peek looks
  }
}

uint32_t MessageQueue::Wait(Waitable *const *objects, uint32_t count, bool wait_all,
                            uint32_t timeout_ms, uint32_t wake_mask, bool input_available,
                            bool alertable) {
  Waitable *all[kMaxWaitObjects + 1];
  std::copy(objects, objects + count, all);
  all[count] = this;
  // No other input exists here than posted and sent messages.
  const uint32_t bits = wake_mask & (kPostedBits | QS_SENDMESSAGE);
  BeginWait(input_available ? bits : 0, bits);
  uint32_t r = WaitForObjects(all, count + 1, wait_all, timeout_ms, alertable);
  const bool input = r == kWaitObject0 + (wait_all ? 0 : count);
  EndWait(input ? bits : 0);
  return r;
}

bool MessageQueue::IsSignaled() const {
  StdMutexLock lock(&mu_);
  return SignaledLocked();
}

void MessageQueue::BeginWait(uint32_t wake_mask, uint32_t changed_mask) {
  StdMutexLock lock(&mu_);
  wake_mask_ = wake_mask;
  changed_mask_ = changed_mask;
  UpdateEventLocked();
}

void MessageQueue::EndWait(uint32_t seen_bits) {
  StdMutexLock lock(&mu_);
  changed_bits_ &= ~seen_bits;
  wake_mask_ = 0;
  changed_mask_ = 0;
  UpdateEventLocked();
}

void MessageQueue::UpdateEventLocked() {
  // Set and Reset cost no syscall when the event is already in that state: a post to a queue
  // whose owner is not waiting touches no fd.
  if (SignaledLocked()) {
    event_->Set();
  } else {
    event_->Reset();
  }
}

}  // namespace ws2emu
