// lib/base_provider/extensions.cc — see the header and meson.build for what this file holds.
