#include "loader/pe_provider_loader.h"

#include "loader/loader.h"
#include "providers/manager.h"

namespace ws2emu::emu {
namespace {

class PeProviderLoader final : public providers::ImageLoader {
 public:
  absl::StatusOr<providers::LoadedImage> Load(const std::string &linux_path) override {
    absl::StatusOr<Module *> m = Loader::Get().Load(linux_path);
    if (!m.ok()) return m.status();
    providers::LoadedImage image;
    image.handle = *m;
    image.startup = reinterpret_cast<LPWSPSTARTUP>(
        const_cast<void *>((*m)->GetProcAddress(std::string("WSPStartup"))));
    return image;
  }
  void Unload(void *handle) override { Loader::Get().Free(static_cast<Module *>(handle)); }
};

// In libws2emu.so (linked whole) this registers the loader when the library is loaded, so a
// host that starts providers through the catalog gets PE providers without asking.
[[maybe_unused]] const bool g_installed_at_load = [] {
  InstallPeProviderLoader();
  return true;
}();

}  // namespace

void InstallPeProviderLoader() {
  static PeProviderLoader *const loader = new PeProviderLoader();
  providers::SetPeImageLoader(loader);
}

}  // namespace ws2emu::emu
