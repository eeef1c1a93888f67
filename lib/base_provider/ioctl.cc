// lib/base_provider/ioctl.cc — see the header and meson.build for what this file holds.
