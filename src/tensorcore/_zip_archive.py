"""The zip container of PyTorch's checkpoint format, read and written here.

torch.save (since 1.6) writes a zip archive whose records are all STORED
(uncompressed): `<archive>/data.pkl` (the pickled object tree),
`<archive>/data/<key>` (one record per storage, its raw little-endian bytes),
`<archive>/byteorder`, `<archive>/version` and a few small markers. Record
data starts on a 64-byte boundary (PyTorch pads the local header's extra field
with an "FB" block of 'Z's) so a reader can mmap the file and use the bytes in
place.

Note [zip records are validated before use]
Nothing read from the central directory is trusted: every offset and size is
checked against the file size (with Python's unbounded ints, so no overflow),
each record's local header must agree with the central directory, names must
be unique, and `ZipReader.read_into` verifies the CRC-32 of every record it
reads (PyTorch does not: a flipped byte in a weight would load silently).
Violations raise `BadZipArchive`, which the caller turns into
pickle.UnpicklingError.

We parse the zip ourselves (rather than with `zipfile`) so that a storage is
read straight into its final buffer with `readinto` (no intermediate bytes
object: loading peaks at about 1x the file size) and so that mmap'ed loading
knows each record's data offset.
"""
import os
import struct
import zlib

__all__ = ["BadZipArchive", "ZipReader", "ZipWriter", "ZIP_MAGIC", "ALIGNMENT"]

ZIP_MAGIC = b"PK\x03\x04"
ALIGNMENT = 64  # data offset alignment, as PyTorch writes it

_LOCAL = struct.Struct("<4sHHHHHIIIHH")  # local file header, 30 bytes
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")  # central directory header, 46 bytes
_EOCD = struct.Struct("<4sHHHHIIH")  # end of central directory, 22 bytes
_EOCD64_LOCATOR = struct.Struct("<4sIQI")  # 20 bytes
_EOCD64 = struct.Struct("<4sQHHIIQQQQ")  # 56 bytes
_U32 = 0xFFFFFFFF
_U16 = 0xFFFF
_MAX_COMMENT = 0xFFFF
_PAD_BLOCK_ID = 0x4246  # "FB": PyTorch's padding extra field
_ZIP64_ID = 0x0001
_FLAG_DATA_DESCRIPTOR = 0x0008
_FLAG_UTF8 = 0x0800
_CHUNK = 16 << 20  # bytes per write/CRC step when streaming a record out


class BadZipArchive(Exception):
    """The file is not a well-formed zip archive of the kind PyTorch writes."""


class _Record:
    __slots__ = ("name", "crc", "size", "header_offset", "data_offset")

    def __init__(self, name, crc, size, header_offset):
        self.name, self.crc, self.size, self.header_offset = name, crc, size, header_offset
        self.data_offset = None  # known once the local header was read


def _parse_zip64_extra(extra, usize, csize, offset):
    """Returns (usize, csize, offset) with the 0xFFFFFFFF placeholders replaced
    from the zip64 extended information field."""
    pos = 0
    while pos + 4 <= len(extra):
        tag, n = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4:pos + 4 + n]
        if len(body) != n:
            raise BadZipArchive("corrupt extra field in the central directory")
        if tag == _ZIP64_ID:
            vals, p = [], 0
            for v in (usize, csize, offset):
                if v == _U32:
                    if p + 8 > n:
                        raise BadZipArchive("corrupt zip64 extra field")
                    v = struct.unpack_from("<Q", body, p)[0]
                    p += 8
                vals.append(v)
            return tuple(vals)
        pos += 4 + n
    if _U32 in (usize, csize, offset):
        raise BadZipArchive("a record needs a zip64 extra field but has none")
    return usize, csize, offset


class ZipReader:
    """Random access to the STORED records of a zip archive in a seekable
    binary file `fh` (positions are relative to `base`, where the archive
    starts). The central directory is parsed and validated on construction."""

    def __init__(self, fh, base=0, size=None):
        self.fh, self.base = fh, base
        if size is None:
            size = fh.seek(0, os.SEEK_END) - base
        self.size = size
        self.records = {}
        self._parse()

    def _pread(self, offset, n):
        if offset < 0 or n < 0 or offset + n > self.size:
            raise BadZipArchive(f"file is truncated: needs bytes {offset}..{offset + n} but holds {self.size}")
        self.fh.seek(self.base + offset)
        data = self.fh.read(n)
        if len(data) != n:
            raise BadZipArchive("file is truncated (short read)")
        return data

    def _parse(self):
        tail_len = min(self.size, _EOCD.size + _MAX_COMMENT)
        tail = self._pread(self.size - tail_len, tail_len)
        pos = tail.rfind(b"PK\x05\x06")
        while pos >= 0 and not (pos + _EOCD.size <= len(tail) and
                                pos + _EOCD.size + struct.unpack_from("<H", tail, pos + 20)[0] == len(tail)):
            pos = tail.rfind(b"PK\x05\x06", 0, pos)
        if pos < 0:
            raise BadZipArchive("no end-of-central-directory record (the file is truncated or not a zip archive)")
        eocd_at = self.size - tail_len + pos
        _, disk, cd_disk, n_disk, n_total, cd_size, cd_offset, _ = _EOCD.unpack_from(tail, pos)
        if n_total == _U16 or cd_size == _U32 or cd_offset == _U32:
            if eocd_at < _EOCD64_LOCATOR.size:
                raise BadZipArchive("zip64 end-of-central-directory locator is missing")
            sig, _, eocd64_at, _ = _EOCD64_LOCATOR.unpack(self._pread(eocd_at - _EOCD64_LOCATOR.size,
                                                                         _EOCD64_LOCATOR.size))
            if sig != b"PK\x06\x07":
                raise BadZipArchive("zip64 end-of-central-directory locator is missing")
            sig, _, _, _, disk, cd_disk, n_disk, n_total, cd_size, cd_offset = _EOCD64.unpack(
                self._pread(eocd64_at, _EOCD64.size))
            if sig != b"PK\x06\x06":
                raise BadZipArchive("corrupt zip64 end-of-central-directory record")
            cd_end_limit = eocd64_at
        else:
            cd_end_limit = eocd_at
        if disk != 0 or cd_disk != 0 or n_disk != n_total:
            raise BadZipArchive("multi-disk zip archives are not supported")
        if cd_offset + cd_size > cd_end_limit:
            raise BadZipArchive("the central directory lies outside the file (truncated or corrupt)")
        if n_total * _CENTRAL.size > cd_size:
            raise BadZipArchive(f"the central directory claims {n_total} records but holds only {cd_size} bytes")
        cd = self._pread(cd_offset, cd_size)
        p = 0
        for _ in range(n_total):
            if p + _CENTRAL.size > len(cd):
                raise BadZipArchive("the central directory is truncated")
            (sig, _, _, flags, method, _, _, crc, csize, usize, name_len, extra_len, comment_len, _, _, _,
             offset) = _CENTRAL.unpack_from(cd, p)
            if sig != b"PK\x01\x02":
                raise BadZipArchive("corrupt central directory entry")
            p += _CENTRAL.size
            if p + name_len + extra_len + comment_len > len(cd):
                raise BadZipArchive("the central directory is truncated")
            raw_name = cd[p:p + name_len]
            extra = cd[p + name_len:p + name_len + extra_len]
            p += name_len + extra_len + comment_len
            usize, csize, offset = _parse_zip64_extra(extra, usize, csize, offset)
            try:
                name = raw_name.decode("utf-8" if flags & _FLAG_UTF8 else "cp437")
            except UnicodeDecodeError:
                raise BadZipArchive("a record name is not valid UTF-8") from None
            if method != 0:
                raise BadZipArchive(f"record '{name}' is compressed (method {method}); checkpoints store records "
                                    "uncompressed")
            if csize != usize:
                raise BadZipArchive(f"record '{name}' has inconsistent sizes")
            if offset + _LOCAL.size + usize > cd_offset:
                raise BadZipArchive(f"record '{name}' lies outside the file's data area (truncated or corrupt)")
            if name in self.records:
                raise BadZipArchive(f"duplicate record '{name}'")
            self.records[name] = _Record(name, crc, usize, offset)
        self.data_end = cd_offset

    def names(self):
        return list(self.records)

    def has(self, name):
        return name in self.records

    def _locate(self, rec):
        """Reads the local header: the data starts after its name and extra field."""
        if rec.data_offset is None:
            sig, _, _, _, _, _, _, _, _, name_len, extra_len = _LOCAL.unpack(self._pread(rec.header_offset,
                                                                                     _LOCAL.size))
            if sig != b"PK\x03\x04":
                raise BadZipArchive(f"corrupt local header for record '{rec.name}'")
            name = self._pread(rec.header_offset + _LOCAL.size, name_len)
            if name.decode("utf-8", "replace") != rec.name:
                raise BadZipArchive(f"local header of record '{rec.name}' names a different record")
            start = rec.header_offset + _LOCAL.size + name_len + extra_len
            if start + rec.size > self.data_end:
                raise BadZipArchive(f"record '{rec.name}' runs past the end of the data (truncated or corrupt)")
            rec.data_offset = start
        return rec

    def record(self, name):
        rec = self.records.get(name)
        if rec is None:
            raise KeyError(name)
        return self._locate(rec)

    def read(self, name):
        """The bytes of a (small) record, CRC-checked."""
        rec = self.record(name)
        data = self._pread(rec.data_offset, rec.size)
        check_crc(rec, data)
        return data

    def read_into(self, name, out):
        """Reads record `name` straight into the writable buffer `out` (whose
        length must equal the record's size) and checks its CRC."""
        rec = self.record(name)
        mv = memoryview(out).cast("B")
        if mv.nbytes != rec.size:
            raise BadZipArchive(f"record '{name}' holds {rec.size} bytes, expected {mv.nbytes}")
        self.fh.seek(self.base + rec.data_offset)
        got = 0
        readinto = getattr(self.fh, "readinto", None)
        while got < rec.size:
            if readinto is not None:
                n = readinto(mv[got:])
            else:
                chunk = self.fh.read(min(rec.size - got, _CHUNK))
                n = len(chunk)
                mv[got:got + n] = chunk
            if not n:
                raise BadZipArchive(f"file is truncated inside record '{name}'")
            got += n
        check_crc(rec, mv)


def check_crc(rec, buf):
    if zlib.crc32(buf) != rec.crc:
        raise BadZipArchive(f"CRC-32 mismatch in record '{rec.name}': the file is corrupted")


class ZipWriter:
    """Streams STORED records into a binary file object, each record's data
    aligned to ALIGNMENT bytes, as PyTorch's writer does. The CRC is computed
    while the data is written and follows it in a data descriptor, so the
    target need not be seekable. Zip64 structures are used where a size or an
    offset does not fit in 32 bits."""

    def __init__(self, fh, force_zip64=False):
        self.fh = fh
        self.pos = 0
        self.force_zip64 = force_zip64  # zip64 structures even where 32 bits suffice (to test them)
        self.entries = []  # (name bytes, crc, size, header offset)

    def _write(self, b):
        self.fh.write(b)
        self.pos += len(b)

    def _needs_zip64(self, size, offset):
        return self.force_zip64 or size >= _U32 or offset >= _U32

    def write_record(self, name, data):
        """`data`: bytes or any C-contiguous buffer (written without a copy)."""
        name_b = name.encode("utf-8")
        mv = memoryview(data).cast("B")
        size = mv.nbytes
        header_offset = self.pos
        zip64 = self._needs_zip64(size, header_offset)
        # sizes follow in the data descriptor; a zip64 entry announces 8-byte ones with a zip64 field
        extra = struct.pack("<HHQQ", _ZIP64_ID, 16, 0, 0) if zip64 else b""
        pad = -(header_offset + _LOCAL.size + len(name_b) + len(extra) + 4) % ALIGNMENT
        extra += struct.pack("<HH", _PAD_BLOCK_ID, pad) + b"Z" * pad
        self._write(_LOCAL.pack(b"PK\x03\x04", 45 if zip64 else 20, _FLAG_DATA_DESCRIPTOR | _FLAG_UTF8, 0, 0, 0,
                                0, 0, 0, len(name_b), len(extra)))
        self._write(name_b)
        self._write(extra)
        crc = 0
        for i in range(0, size, _CHUNK):
            chunk = mv[i:i + _CHUNK]
            crc = zlib.crc32(chunk, crc)
            self.fh.write(chunk)
        self.pos += size
        if zip64:
            self._write(struct.pack("<4sIQQ", b"PK\x07\x08", crc, size, size))
        else:
            self._write(struct.pack("<4sIII", b"PK\x07\x08", crc, size, size))
        self.entries.append((name_b, crc, size, header_offset))

    def finish(self):
        cd_offset = self.pos
        for name_b, crc, size, offset in self.entries:
            zip64 = self._needs_zip64(size, offset)
            extra = b""
            if zip64:
                extra = struct.pack("<HHQQQ", _ZIP64_ID, 24, size, size, offset)
            self._write(_CENTRAL.pack(b"PK\x01\x02", 45 if zip64 else 20, 45 if zip64 else 20,
                                      _FLAG_DATA_DESCRIPTOR | _FLAG_UTF8, 0, 0, 0, crc,
                                      _U32 if zip64 else size, _U32 if zip64 else size, len(name_b), len(extra),
                                      0, 0, 0, 0, _U32 if zip64 else offset))
            self._write(name_b)
            self._write(extra)
        cd_size = self.pos - cd_offset
        n = len(self.entries)
        if self.force_zip64 or n >= _U16 or cd_offset >= _U32 or cd_size >= _U32:
            eocd64_at = self.pos
            self._write(_EOCD64.pack(b"PK\x06\x06", _EOCD64.size - 12, 45, 45, 0, 0, n, n, cd_size, cd_offset))
            self._write(_EOCD64_LOCATOR.pack(b"PK\x06\x07", 0, eocd64_at, 1))
            self._write(_EOCD.pack(b"PK\x05\x06", 0, 0, _U16, _U16, _U32, _U32, 0))
        else:
            self._write(_EOCD.pack(b"PK\x05\x06", 0, 0, n, n, cd_size, cd_offset, 0))
