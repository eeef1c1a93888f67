// lib/messages/window_class.h — the process's window classes (RegisterClassEx), by name or atom.
//
// What it is for: a window is created from a class, which gives it its window procedure.
//
//   WindowClasses &classes = WindowClasses::Get();
//   absl::StatusOr<ATOM> atom = classes.Register(u"AsyncSelect", wndproc, hinstance);
//   Ref<WindowClass> cls = classes.AcquireForWindow(u"asyncselect");  // names ignore case
//   ...
//   classes.ReleaseWindow(cls.get());  // when that window is destroyed
//   absl::Status s = classes.Unregister(MAKEINTATOM(*atom));
//
// Names compare case-insensitively, as Windows' do; the fold is ASCII only (a name that differs
// only in the case of a non-ASCII letter is another class here). Classes are per process and
// hInstance is recorded but not part of the key: one registry serves every module, as if each
// class were registered with CS_GLOBALCLASS. Atoms are the Windows class atom range
// 0xC000..0xFFFF.
//
// Concurrency and lifetime. One mutex guards the registry and every class's count of windows,
// so AcquireForWindow and Unregister cannot cross (Unregister fails while a class has windows,
// as on Windows). A class is reference-counted: a window holds its class, so an unregistered
// class lives until its last window is gone.
#ifndef WS2EMU_LIB_MESSAGES_WINDOW_CLASS_H_
#define WS2EMU_LIB_MESSAGES_WINDOW_CLASS_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "base/annotated_mutex.h"
#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "handles/handle_table.h"
#include "ws2emu/winuser.h"

namespace ws2emu {

class WindowClass final : public Object {
 public:
  // Never named by a handle: kNone.
  WindowClass(std::u16string name, ATOM atom, WNDPROC wndproc, HINSTANCE instance)
      : Object(ObjectType::kNone),
        name_(std::move(name)),
        atom_(atom),
        wndproc_(wndproc),
        instance_(instance) {}

  const std::u16string &name() const { return name_; }
  ATOM atom() const { return atom_; }
  WNDPROC wndproc() const { return wndproc_; }
  HINSTANCE instance() const { return instance_; }

 private:
  const std::u16string name_;  // as registered
  const ATOM atom_;
  const WNDPROC wndproc_;
  const HINSTANCE instance_;
};

class WindowClasses {
 public:
  static constexpr ATOM kFirstAtom = 0xC000;

  static WindowClasses &Get();

  WindowClasses() = default;
  WindowClasses(const WindowClasses &) = delete;
  WindowClasses &operator=(const WindowClasses &) = delete;

  // The class atom, or ALREADY_EXISTS (the name is taken), RESOURCE_EXHAUSTED (no atom left).
  absl::StatusOr<ATOM> Register(const char16_t *name, WNDPROC wndproc, HINSTANCE instance);
  // NOT_FOUND (no such class), FAILED_PRECONDITION (the class still has windows).
  absl::Status Unregister(LPCWSTR name_or_atom);
  // The class named `name_or_atom` (a string or MAKEINTATOM) with its window count raised by
  // one, or null if there is none.
  Ref<WindowClass> AcquireForWindow(LPCWSTR name_or_atom);
  // Lowers the window count AcquireForWindow raised.
  void ReleaseWindow(WindowClass *cls);

 private:
  // What the registry keeps per atom: the class's key in by_name_, and its count of windows
  // (kept here, beside the lock that guards it, rather than in the shared WindowClass).
  struct AtomEntry {
    std::u16string key;
    uint32_t windows = 0;
  };

  static std::u16string Fold(const char16_t *name);
  // The class named `name_or_atom` (a string or MAKEINTATOM), or by_atom_.end().
  std::map<ATOM, AtomEntry>::iterator FindLocked(LPCWSTR name_or_atom)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  StdMutex mu_;
  std::map<std::u16string, Ref<WindowClass>> by_name_ ABSL_GUARDED_BY(mu_);  // key: Fold(name)
  std::map<ATOM, AtomEntry> by_atom_ ABSL_GUARDED_BY(mu_);  // every class of by_name_, by atom
  uint32_t next_atom_ ABSL_GUARDED_BY(mu_) = kFirstAtom;  // where the search for a free atom starts
};

}  // namespace ws2emu

#endif  // WS2EMU_LIB_MESSAGES_WINDOW_CLASS_H_
