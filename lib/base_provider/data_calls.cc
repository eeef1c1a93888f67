// lib/base_provider/data_calls.cc — see the header and meson.build for what this file holds.
