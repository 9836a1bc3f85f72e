/* eslint-disable no-bitwise -- ZIP headers and CRC-32 are bit fields. */
/**
 * A ZIP archive of stored (uncompressed) entries, written byte for byte the same for the
 * same entries: every entry dated 1980-01-01 00:00 (the earliest DOS date), in the order
 * given. The CloudFormation CLI's `cfn submit` writes its package with ZIP_STORED too, and a
 * reproducible archive keeps the asset's hash, and so the registered type version, unchanged
 * from one synth to the next. Node.js has no ZIP writer, and this library adds no runtime
 * dependency for one (APPNOTE.TXT 6.3.x, sections 4.3.7, 4.3.12 and 4.3.16).
 */

/** One file of an archive: its path inside the archive (forward slashes) and its bytes. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

const LOCAL_FILE_HEADER = 0x04034b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** Version 2.0: the version that introduced stored entries with a data descriptor-free header. */
const VERSION = 20;
/** 1980-01-01 00:00:00 in MS-DOS date and time format. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
/** Bit 11: the entry name is UTF-8. */
const UTF8_NAMES = 1 << 11;

/** The archive of `entries`, stored, in the order given. */
export function zipArchive(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(entry.data);
    const size = entry.data.length;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_FILE_HEADER, 0);
    writeEntryFields(local, 4, crc, size, name.length);
    locals.push(local, name, entry.data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_DIRECTORY_HEADER, 0);
    central.writeUInt16LE((3 << 8) | VERSION, 4); // made by Unix: the external attributes below are a Unix mode
    writeEntryFields(central, 6, crc, size, name.length);
    // comment length, disk number, internal attributes: none
    central.writeUInt32LE(0o100644 << 16 >>> 0, 38); // a regular file, rw-r--r-- (external attributes, Unix)
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + size;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * The 26 bytes that a local file header (from its offset 4) and a central directory header (from
 * its offset 6) share: version needed, flags, method (stored), time, date, CRC-32, both sizes, the
 * name's length, and no extra field.
 */
function writeEntryFields(header: Buffer, at: number, crc: number, size: number, nameLength: number): void {
  header.writeUInt16LE(VERSION, at);
  header.writeUInt16LE(UTF8_NAMES, at + 2);
  header.writeUInt16LE(0, at + 4); // stored
  header.writeUInt16LE(DOS_TIME, at + 6);
  header.writeUInt16LE(DOS_DATE, at + 8);
  header.writeUInt32LE(crc, at + 10);
  header.writeUInt32LE(size, at + 14);
  header.writeUInt32LE(size, at + 18);
  header.writeUInt16LE(nameLength, at + 22);
  header.writeUInt16LE(0, at + 24);
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3), as ZIP checks each entry. zlib.crc32 needs Node.js 20.15; apps may run on 20.0. */
function crc32(data: Buffer): number {
  const table = crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of data) crc = table[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
