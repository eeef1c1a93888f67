// lib/base/data_home.h — where ws2emu keeps its per-user data (the catalog, drive C:).
//
// The XDG base directory rule, as both the catalog (catalog/store.cc) and the drive map
// (paths/paths.cc) apply it:
//
//   $XDG_DATA_HOME            when it is set and absolute (the XDG spec says to ignore a
//                             relative value);
//   $HOME/.local/share        otherwise, when HOME is set and not empty;
//   ""                        when neither is usable: the caller reports that it has no place.
//
// The environment is read on every call, so a test or a child that changes it sees its own.
#ifndef WS2EMU_LIB_BASE_DATA_HOME_H_
#define WS2EMU_LIB_BASE_DATA_HOME_H_

#include <string>

namespace ws2emu {

std::string DataHome();

}  // namespace ws2emu

#endif  // WS2EMU_LIB_BASE_DATA_HOME_H_
