// lib/base/wsa_errors.h — names of the WSA and Win32 error codes the SPI reports, for messages
// ("WSAEINVAL (10022)"); ws2emu-run and ws2emu-catalog print errors with it.
#ifndef WS2EMU_LIB_BASE_WSA_ERRORS_H_
#define WS2EMU_LIB_BASE_WSA_ERRORS_H_

#include <string>

namespace ws2emu {

// "WSAEINVAL (10022)" for a known code, "error N" otherwise.
std::string WsaErrorName(int code);

}  // namespace ws2emu

#endif  // WS2EMU_LIB_BASE_WSA_ERRORS_H_
