#!/usr/bin/env python3
"""Marks one version need of an ELF shared object weak (VER_FLG_WEAK), so ld.so loads it where the version is absent.

TorchSharp 0.107's libLibTorchSharp.so is built with GCC 13 and needs GLIBCXX_3.4.32 for exactly one symbol,
_ZSt21ios_base_library_initv (GCC 13 moved the iostream initialiser into libstdc++); Debian 12's libstdc++ stops at
GLIBCXX_3.4.30. A weak need no longer fails the load, and libios-shim.so (LD_PRELOAD) provides the symbol, unversioned.
Usage: weak-glibcxx.py FILE VERSION   (edits FILE in place; ELF64 little-endian only)
"""
import struct
import sys

VER_FLG_WEAK = 0x2
SHT_GNU_VERNEED = 0x6FFFFFFE


def main(path, version):
    data = bytearray(open(path, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit(f"{path}: not a little-endian ELF64 file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    patched = 0
    for _name, kind, _flags, _addr, offset, _size, link, info, _align, _entsize in sections:
        if kind != SHT_GNU_VERNEED:
            continue
        strtab = sections[link][4]
        entry = offset
        for _ in range(info):  # sh_info = number of Verneed entries
            _ver, cnt, _file, aux, nxt = struct.unpack_from("<HHIII", data, entry)
            a = entry + aux
            for _ in range(cnt):
                _hash, flags, _other, name, anext = struct.unpack_from("<IHHII", data, a)
                end = data.index(b"\0", strtab + name)
                if data[strtab + name:end].decode() == version:
                    struct.pack_into("<H", data, a + 4, flags | VER_FLG_WEAK)
                    patched += 1
                a += anext
            if nxt == 0:
                break
            entry += nxt
    if patched == 0:
        sys.exit(f"{path}: no version need named {version}")
    open(path, "wb").write(data)
    print(f"{path}: {version} need marked weak ({patched} entry)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
