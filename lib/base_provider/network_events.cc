// lib/base_provider/network_events.cc — see the header and meson.build for what this file holds.
