// lib/base_provider/overlapped.cc — see the header and meson.build for what this file holds.
