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
    local.writeUInt16LE(VERSION, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, entry.data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_DIRECTORY_HEADER, 0);
    central.writeUInt16LE(VERSION, 4);
    central.writeUInt16LE(VERSION, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(size, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    // extra field, comment, disk number, internal attributes: none
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
