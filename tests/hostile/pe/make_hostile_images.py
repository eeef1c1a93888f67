#!/usr/bin/env python3
"""Writes the hostile PE images of suite `hostile` (tests/hostile/pe): images built to make the
parser or the loader spend time or memory out of proportion to their size, to map at address 0,
or to send a forwarder round in a cycle. Most are written from scratch (a minimal PE32+ DLL, one
section); the ImageBase 0 ones are the mingw-built sample DLL, rebased to 0.
Usage: make_hostile_images.py SAMPLE.dll OUTDIR"""
import os
import struct
import sys

SECTION_ALIGNMENT = 0x1000
FILE_ALIGNMENT = 0x200
HEADERS_SIZE = 0x400
ORDINAL_FLAG = 1 << 63
DIR_EXPORT, DIR_IMPORT, DIR_BASERELOC = 0, 1, 5
RWX_CODE = 0xE0000020  # code, execute, read, write
READ_DATA = 0x40000040


def align(v, a):
    return (v + a - 1) // a * a


class Section:
    """The contents of one section being laid out: add() returns the RVA of what it placed."""

    def __init__(self, rva=SECTION_ALIGNMENT):
        self.rva = rva
        self.data = bytearray()

    def add(self, blob, alignment=8):
        self.data += b"\0" * (align(len(self.data), alignment) - len(self.data))
        at = self.rva + len(self.data)
        self.data += blob
        return at

    def put32(self, rva, v):
        struct.pack_into("<I", self.data, rva - self.rva, v)


def build(sections, directories, image_base, size_of_image=None, dll=True):
    """sections: [(name, rva, raw bytes, virtual size, characteristics)];
    directories: {index: (rva, size)}. Returns the image file's bytes."""
    out = bytearray(HEADERS_SIZE)
    out[0:2] = b"MZ"
    struct.pack_into("<I", out, 0x3C, 0x40)
    out[0x40:0x44] = b"PE\0\0"
    characteristics = 0x0022 | (0x2000 if dll else 0)  # executable, large-address-aware, DLL
    struct.pack_into("<HHIIIHH", out, 0x44, 0x8664, len(sections), 0, 0, 0, 240, characteristics)
    opt = 0x58
    end = max(rva + vsize for _, rva, _, vsize, _ in sections)
    if size_of_image is None:
        size_of_image = align(end, SECTION_ALIGNMENT)
    struct.pack_into("<H", out, opt, 0x20B)
    struct.pack_into("<Q", out, opt + 24, image_base)
    struct.pack_into("<II", out, opt + 32, SECTION_ALIGNMENT, FILE_ALIGNMENT)
    struct.pack_into("<HH", out, opt + 48, 6, 0)  # subsystem version 6.0
    struct.pack_into("<II", out, opt + 56, size_of_image, HEADERS_SIZE)
    struct.pack_into("<HH", out, opt + 68, 3, 0x0160)  # console; high-entropy VA, dynamic base, NX
    struct.pack_into("<QQQQ", out, opt + 72, 0x100000, 0x1000, 0x100000, 0x1000)
    struct.pack_into("<I", out, opt + 108, 16)
    for index, (rva, size) in directories.items():
        struct.pack_into("<II", out, opt + 112 + index * 8, rva, size)
    table = opt + 240
    raw_at = HEADERS_SIZE
    body = bytearray()
    for i, (name, rva, raw, vsize, chars) in enumerate(sections):
        raw_size = align(len(raw), FILE_ALIGNMENT)
        struct.pack_into("<8sIIIIIIHHI", out, table + i * 40, name, vsize, rva, raw_size,
                         raw_at if raw_size else 0, 0, 0, 0, 0, chars)
        body += raw + b"\0" * (raw_size - len(raw))
        raw_at += raw_size
    return bytes(out + body)


def empty_relocations(sec):
    """A relocation directory with one block and no entries: the image may be moved."""
    rva = sec.add(struct.pack("<II", sec.rva, 8), 4)
    return rva, 8


def name_blob(text):
    return text.encode() + b"\0"


def imports(sec, dlls):
    """dlls: [(dll name, [function names])]. Lays out descriptors, lookup tables, IATs and
    names; returns the import directory (rva, size)."""
    tables = []
    for dll, functions in dlls:
        hint_names = [sec.add(struct.pack("<H", 0) + name_blob(f), 2) for f in functions]
        lookup = sec.add(b"".join(struct.pack("<Q", h) for h in hint_names) + bytes(8))
        iat = sec.add(b"".join(struct.pack("<Q", h) for h in hint_names) + bytes(8))
        tables.append((sec.add(name_blob(dll), 1), lookup, iat))
    desc = b"".join(struct.pack("<IIIII", lookup, 0, 0, name, iat) for name, lookup, iat in tables)
    desc += bytes(20)
    return sec.add(desc, 4), len(desc)


def exports(sec, dll, functions):
    """functions: [(name, rva or forwarder string)]. Forwarder strings are placed inside the
    directory, as the format wants. Returns the export directory (rva, size)."""
    directory = sec.add(bytes(40), 4)
    name_rva = sec.add(name_blob(dll), 1)
    values = []
    for _, target in functions:
        values.append(sec.add(name_blob(target), 1) if isinstance(target, str) else target)
    names = [sec.add(name_blob(n), 1) for n, _ in functions]
    eat = sec.add(b"".join(struct.pack("<I", v) for v in values), 4)
    npt = sec.add(b"".join(struct.pack("<I", n) for n in names), 4)
    ordinals = sec.add(b"".join(struct.pack("<H", i) for i in range(len(functions))), 2)
    struct.pack_into("<IIHHIIIIIII", sec.data, directory - sec.rva, 0, 0, 0, 0, name_rva, 1,
                     len(functions), len(functions), eat, npt, ordinals)
    return directory, sec.rva + len(sec.data) - directory


def dll_image(name, base, export_list=(), import_list=(), code=False):
    sec = Section()
    code_rva = sec.add(b"\xC3" * 16, 16) if code else 0  # `ret`: what a real export runs
    dirs = {}
    resolved = [(n, code_rva if t is None else t) for n, t in export_list]
    if resolved:
        dirs[DIR_EXPORT] = exports(sec, name, resolved)
    if import_list:
        dirs[DIR_IMPORT] = imports(sec, import_list)
    dirs[DIR_BASERELOC] = empty_relocations(sec)
    raw = bytes(sec.data)
    return build([(b".text", sec.rva, raw, align(len(raw), 16), RWX_CODE)], dirs, base)


def forwarders(out):
    """fwd_a.dll!f -> fwd_b.dll!g -> fwd_a.dll!f, with fwd_a importing fwd_b.dll!h (so both are
    loaded together) and fwd_user.dll importing fwd_a.dll!f; fwd_self.dll!s forwards to itself;
    fwd_chain.dll!t -> fwd_b.dll!h ends in real code."""
    os.makedirs(out, exist_ok=True)
    images = {
        "fwd_b.dll": dll_image("fwd_b.dll", 0x7E1000000, [("h", None), ("g", "fwd_a.f")],
                               code=True),
        "fwd_a.dll": dll_image("fwd_a.dll", 0x7E1100000, [("f", "fwd_b.g")],
                               [("fwd_b.dll", ["h"])]),
        "fwd_user.dll": dll_image("fwd_user.dll", 0x7E1200000, [], [("fwd_a.dll", ["f"])]),
        "fwd_self.dll": dll_image("fwd_self.dll", 0x7E1300000, [("s", "fwd_self.s")]),
        "fwd_self_user.dll": dll_image("fwd_self_user.dll", 0x7E1400000, [],
                                       [("fwd_self.dll", ["s"])]),
        "fwd_chain.dll": dll_image("fwd_chain.dll", 0x7E1500000, [("t", "fwd_b.h")]),
        "fwd_chain_user.dll": dll_image("fwd_chain_user.dll", 0x7E1600000, [],
                                        [("fwd_chain.dll", ["t"])]),
    }
    for name, data in images.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


def shared_table_imports(descriptors, names, entries):
    """`descriptors` import descriptors (DLL names cycling through `names`) that all share one
    lookup table and IAT of `entries` ordinals: a small file that lists descriptors x entries
    imports."""
    sec = Section()
    table = sec.add(b"".join(struct.pack("<Q", ORDINAL_FLAG | (i % 0xFFFF + 1))
                             for i in range(entries)) + bytes(8))
    name_rvas = [sec.add(name_blob(n), 1) for n in names]
    desc = b"".join(struct.pack("<IIIII", 0, 0, 0, name_rvas[i % len(names)], table)
                    for i in range(descriptors)) + bytes(20)
    dirs = {DIR_IMPORT: (sec.add(desc, 4), len(desc)), DIR_BASERELOC: empty_relocations(sec)}
    raw = bytes(sec.data)
    return build([(b".idata", sec.rva, raw, len(raw), 0xC0000040)], dirs, 0x7E2000000)


def shared_name_imports(descriptors, entries, length):
    """`descriptors` x `entries` imports by name, every one naming the same `length`-byte name:
    a 40 KB file whose names add up to descriptors x entries x length bytes."""
    sec = Section()
    hint_name = sec.add(struct.pack("<H", 0) + b"N" * length + b"\0", 2)
    table = sec.add(struct.pack("<Q", hint_name) * entries + bytes(8))
    dll = sec.add(name_blob("x.dll"), 1)
    desc = struct.pack("<IIIII", 0, 0, 0, dll, table) * descriptors + bytes(20)
    dirs = {DIR_IMPORT: (sec.add(desc, 4), len(desc)), DIR_BASERELOC: empty_relocations(sec)}
    raw = bytes(sec.data)
    return build([(b".idata", sec.rva, raw, len(raw), 0xC0000040)], dirs, 0x7E2100000)


def huge_relocations():
    """A 1 GiB image whose relocation directory spans its one section: 512 bytes of file data,
    then zero fill that reads as half a billion padding entries of one block."""
    size = 1 << 30
    vsize = size - SECTION_ALIGNMENT
    block = struct.pack("<II", SECTION_ALIGNMENT, vsize)
    dirs = {DIR_BASERELOC: (SECTION_ALIGNMENT, vsize)}
    return build([(b".reloc", SECTION_ALIGNMENT, block, vsize, READ_DATA)], dirs, 0x7E2200000,
                 size_of_image=size)


def zero_block_relocations():
    """A relocation directory in file data whose first block says SizeOfBlock 0."""
    sec = Section()
    rva = sec.add(struct.pack("<II", SECTION_ALIGNMENT, 0) + bytes(56), 4)
    raw = bytes(sec.data)
    return build([(b".reloc", sec.rva, raw, len(raw), READ_DATA)],
                 {DIR_BASERELOC: (rva, 64)}, 0x7E2300000)


def rebased_to_zero(good, keep_relocations):
    """The sample DLL with ImageBase 0: every DIR64 relocation target rewritten as if linked at
    0, so that it runs wherever it is relocated to. Without relocations it can only run at 0."""
    b = bytearray(good)
    pe = struct.unpack_from("<I", b, 0x3C)[0]
    nsec = struct.unpack_from("<H", b, pe + 6)[0]
    opt = pe + 24
    table = opt + struct.unpack_from("<H", b, pe + 20)[0]
    base = struct.unpack_from("<Q", b, opt + 24)[0]
    secs = [struct.unpack_from("<IIII", b, table + i * 40 + 8) for i in range(nsec)]

    def offset(rva):
        for vsize, va, raw_size, raw_ptr in secs:
            if va <= rva < va + min(vsize, raw_size):
                return raw_ptr + rva - va
        raise KeyError(hex(rva))

    reloc_rva, reloc_size = struct.unpack_from("<II", b, opt + 112 + DIR_BASERELOC * 8)
    at = offset(reloc_rva)
    end = at + reloc_size
    while at + 8 <= end:
        page, block_size = struct.unpack_from("<II", b, at)
        if block_size < 8:
            break
        for i in range((block_size - 8) // 2):
            entry = struct.unpack_from("<H", b, at + 8 + i * 2)[0]
            if entry >> 12 == 10:  # IMAGE_REL_BASED_DIR64
                o = offset(page + (entry & 0xFFF))
                struct.pack_into("<Q", b, o, struct.unpack_from("<Q", b, o)[0] - base)
        at += block_size
    struct.pack_into("<Q", b, opt + 24, 0)
    if not keep_relocations:
        struct.pack_into("<II", b, opt + 112 + DIR_BASERELOC * 8, 0, 0)
        characteristics = struct.unpack_from("<H", b, opt + 70)[0]
        struct.pack_into("<H", b, opt + 70, characteristics & ~0x0060)  # no dynamic base
    return bytes(b)


def main():
    good = open(sys.argv[1], "rb").read()
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    images = {
        # 4095 descriptors x 65,535 ordinals, one shared table: 268 million imports in 600 KB.
        "import-shared-table.dll": shared_table_imports(4095, ["x.dll"], 65535),
        # 64 distinct DLL names x 65,535 ordinals: 4.2 million imports.
        "import-many-dlls.dll": shared_table_imports(
            64, ["lib%02d.dll" % i for i in range(64)], 65535),
        # 16 x 4096 imports within the count limit, all naming one 4000-byte name: 268 MB.
        "import-shared-name.dll": shared_name_imports(16, 4096, 4000),
        "reloc-huge.dll": huge_relocations(),
        "reloc-zero-block.dll": zero_block_relocations(),
        "imagebase0.dll": rebased_to_zero(good, True),
        "imagebase0-norelocs.dll": rebased_to_zero(good, False),
        # Import names that are terminal escape sequences: --check must print them escaped.
        "escape-names.dll": dll_image("escape-names.dll", 0x180000000,
                                      import_list=[("bad\x1b[2J.dll", ["f\x1b]0;title\x07"])]),
    }
    for name, data in images.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    forwarders(os.path.join(out, "forwarders"))


if __name__ == "__main__":
    main()
