#include "base/annotated_mutex.h"
#include "messages/window_class.h"

namespace ws2emu {

WindowClasses &WindowClasses::Get() {
  // Never destroyed: windows of threads that outlive static destruction still hold classes.
  static WindowClasses *classes = new WindowClasses();
  return *classes;
}

std::u16string WindowClasses::Fold(const char16_t *name) {
  std::u16string key;
  for (const char16_t *p = name; *p != 0; ++p)
    key.push_back(*p >= u'a' && *p <= u'z' ? static_cast<char16_t>(*p - u'a' + u'A') : *p);
  return key;
}

std::map<ATOM, WindowClasses::AtomEntry>::iterator WindowClasses::FindLocked(
    LPCWSTR name_or_atom) {
  if (name_or_atom == nullptr) return by_atom_.end();
  if (IS_INTRESOURCE(name_or_atom))
    return by_atom_.find(static_cast<ATOM>(reinterpret_cast<uintptr_t>(name_or_atom)));
  auto it = by_name_.find(Fold(name_or_atom));
  return it == by_name_.end() ? by_atom_.end() : by_atom_.find(it->second->atom());
}

absl::StatusOr<ATOM> WindowClasses::Register(const char16_t *name, WNDPROC wndproc,
                                             HINSTANCE instance) {
  std::u16string key = Fold(name);
  StdMutexLock lock(&mu_);
  if (by_name_.contains(key)) return absl::AlreadyExistsError("class already registered");
  // The first free atom at or after next_atom_, wrapping once through the range.
  constexpr uint32_t kAtoms = 0x10000u - kFirstAtom;
  for (uint32_t tried = 0; tried < kAtoms; ++tried) {
    auto atom = static_cast<ATOM>(next_atom_);
    next_atom_ = next_atom_ == 0xFFFF ? kFirstAtom : next_atom_ + 1;
    if (by_atom_.contains(atom)) continue;
    by_atom_.emplace(atom, AtomEntry{key, 0});
    by_name_.emplace(key, Ref<WindowClass>::Adopt(new WindowClass(name, atom, wndproc, instance)));
    return atom;
  }
  return absl::ResourceExhaustedError("no class atom left");
}

absl::Status WindowClasses::Unregister(LPCWSTR name_or_atom) {
  StdMutexLock lock(&mu_);
  auto it = FindLocked(name_or_atom);
  if (it == by_atom_.end()) return absl::NotFoundError("no such class");
  if (it->second.windows != 0) return absl::FailedPreconditionError("class has windows");
  by_name_.erase(it->second.key);
  by_atom_.erase(it);
  return absl::OkStatus();
}

Ref<WindowClass> WindowClasses::AcquireForWindow(LPCWSTR name_or_atom) {
  StdMutexLock lock(&mu_);
  auto it = FindLocked(name_or_atom);
  if (it == by_atom_.end()) return {};
  ++it->second.windows;
  return by_name_.at(it->second.key);
}

void WindowClasses::ReleaseWindow(WindowClass *cls) {
  StdMutexLock lock(&mu_);
  // A class with windows cannot be unregistered, so its atom is still in the registry.
  auto it = by_atom_.find(cls->atom());
  if (it != by_atom_.end() && it->second.windows > 0) --it->second.windows;
}

}  // namespace ws2emu
