// lib/base_provider/options.cc — see the header and meson.build for what this file holds.
