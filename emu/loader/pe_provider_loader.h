// emu/loader/pe_provider_loader.h — lets lib/'s provider manager load PE provider DLLs through
// the emu loader (lib/ never includes emu/, so emu/ registers itself).
//
//   InstallPeProviderLoader();   // ws2emu-run and the tests call it; libws2emu.so does at load
#ifndef WS2EMU_EMU_LOADER_PE_PROVIDER_LOADER_H_
#define WS2EMU_EMU_LOADER_PE_PROVIDER_LOADER_H_

namespace ws2emu::emu {

void InstallPeProviderLoader();

}  // namespace ws2emu::emu

#endif  // WS2EMU_EMU_LOADER_PE_PROVIDER_LOADER_H_
