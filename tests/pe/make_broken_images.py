#!/usr/bin/env python3
"""Writes the corpus of broken PE images used by the parser tests (and as fuzzing seeds): each
one is the good sample DLL with one thing wrong. Usage: make_broken_images.py GOOD.dll OUTDIR
Writes OUTDIR/<name>.dll and OUTDIR/MANIFEST (name<TAB>text the parser's error must contain)."""
import os
import struct
import sys


def u16(b, o): return struct.unpack_from("<H", b, o)[0]
def u32(b, o): return struct.unpack_from("<I", b, o)[0]
def put16(b, o, v): struct.pack_into("<H", b, o, v)
def put32(b, o, v): struct.pack_into("<I", b, o, v)
def put64(b, o, v): struct.pack_into("<Q", b, o, v)


def layout(b):
    pe = u32(b, 0x3C)
    coff = pe + 4
    opt = coff + 20
    nsec = u16(b, coff + 2)
    sec = opt + u16(b, coff + 16)
    return pe, coff, opt, nsec, sec


def directory(opt, index):
    return opt + 112 + index * 8  # offset of DataDirectory[index] in the PE32+ optional header


def section(b, name):
    pe, coff, opt, nsec, sec = layout(b)
    for i in range(nsec):
        o = sec + i * 40
        if b[o:o + 8].rstrip(b"\0") == name:
            return o
    raise KeyError(name)


def rva_to_offset(b, rva):
    pe, coff, opt, nsec, sec = layout(b)
    for i in range(nsec):
        o = sec + i * 40
        va, raw, rawptr = u32(b, o + 12), u32(b, o + 16), u32(b, o + 20)
        if va <= rva < va + raw:
            return rawptr + rva - va
    raise KeyError(hex(rva))


def main():
    good = open(sys.argv[1], "rb").read()
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    pe, coff, opt, nsec, sec = layout(good)
    size_of_image = u32(good, opt + 56)
    cases = []

    def case(name, expect, mutate):
        b = bytearray(good)
        result = mutate(b)
        if result is not None:  # a mutation that returns bytes replaces the image
            b = result
        cases.append((name, expect, bytes(b)))

    case("empty", "truncated", lambda b: bytearray())
    case("dos-only", "truncated", lambda b: b[:40])
    case("no-mz", "no MZ signature", lambda b: put16(b, 0, 0x1234))
    case("lfanew-past-end", "e_lfanew", lambda b: put32(b, 0x3C, len(b) + 100))
    case("lfanew-negative", "e_lfanew", lambda b: put32(b, 0x3C, 0x80000000))
    case("no-pe-signature", "no PE signature", lambda b: put32(b, pe, 0))
    case("machine-i386", "wrong machine type 0x14c", lambda b: put16(b, coff, 0x14C))
    case("machine-arm64", "wrong machine type 0xaa64", lambda b: put16(b, coff, 0xAA64))
    case("pe32-magic", "is PE32 (32-bit)", lambda b: put16(b, opt, 0x10B))
    case("truncated-headers", "truncated", lambda b: b[:opt + 40])
    case("truncated-in-headers", "SizeOfHeaders", lambda b: b[:sec + 20])
    case("too-many-rva-sizes", "NumberOfRvaAndSizes", lambda b: put32(b, opt + 108, 17))
    case("bad-alignment", "bad alignment", lambda b: put32(b, opt + 32, 0x1001))
    case("huge-image", "larger than 1 GiB", lambda b: put32(b, opt + 56, 0x7FFF0000))
    case("zero-sections", "no sections", lambda b: put16(b, coff + 2, 0))
    case("too-many-sections", "limit of 96", lambda b: put16(b, coff + 2, 200))
    case("entry-outside", "entry point", lambda b: put32(b, opt + 16, size_of_image + 0x1000))
    text = section(good, b".text")
    data = section(good, b".data")
    case("section-outside-image", "outside the image",
         lambda b: put32(b, text + 8, size_of_image * 4))
    case("section-raw-outside-file", "outside the file",
         lambda b: put32(b, text + 20, len(good) * 2))
    case("overlapping-sections", "overlaps section",
         lambda b: put32(b, data + 12, u32(good, text + 12)))
    case("misaligned-section", "not section-aligned", lambda b: put32(b, data + 12, u32(good, data + 12) + 8))
    imp = directory(opt, 1)
    case("import-dir-outside", "import directory", lambda b: put32(b, imp, size_of_image - 4))
    imp_rva = u32(good, imp)
    imp_off = rva_to_offset(good, imp_rva)
    case("import-name-outside", "DLL name", lambda b: put32(b, imp_off + 12, 0x7FFFFFF0))
    case("import-thunk-outside", "outside the image", lambda b: put32(b, imp_off, 0x7FFFFFF0))
    reloc = directory(opt, 5)
    reloc_off = rva_to_offset(good, u32(good, reloc))
    case("reloc-block-too-big", "SizeOfBlock", lambda b: put32(b, reloc_off + 4, 0x10000))
    case("reloc-bad-type", "not supported on x86_64",
         lambda b: put16(b, reloc_off + 8, (3 << 12) | (u16(good, reloc_off + 8) & 0xFFF)))
    exp = directory(opt, 0)
    exp_off = rva_to_offset(good, u32(good, exp))
    case("export-too-many", "limit of 65536", lambda b: put32(b, exp_off + 20, 0x100000))
    case("export-name-ordinal-outside", "points at function",
         lambda b: put16(b, rva_to_offset(good, u32(good, exp_off + 36)), 0x7FFF))
    tls = directory(opt, 9)
    if u32(good, tls):
        tls_off = rva_to_offset(good, u32(good, tls))
        case("tls-index-outside", "TLS index", lambda b: put64(b, tls_off + 16, 0x10))
        case("tls-callbacks-outside", "TLS callback array",
             lambda b: put64(b, tls_off + 24, 0x7FFFFFFF0000))

    with open(os.path.join(out, "MANIFEST"), "w") as m:
        for name, expect, data_bytes in cases:
            with open(os.path.join(out, name + ".dll"), "wb") as f:
                f.write(data_bytes)
            m.write("%s\t%s\n" % (name, expect))


if __name__ == "__main__":
    main()
