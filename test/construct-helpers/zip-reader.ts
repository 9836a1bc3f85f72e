import * as zlib from 'node:zlib';

/** One entry of an archive as its central directory and local header describe it. */
export interface ReadEntry {
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly data: Buffer;
  /** The entry's MS-DOS date and time, as written. */
  readonly dosDate: number;
  readonly dosTime: number;
}

/**
 * Reads a ZIP archive the way an unzipper does (APPNOTE.TXT): from the end of central directory
 * record, through the central directory, to each local header and its data; checks that both
 * headers agree and each entry's CRC-32 (node:zlib's, not the writer's). Independent of
 * src/engines/registry-type/zip-archive.ts on purpose: it is what tests check that writer against.
 */
export function readZip(archive: Buffer): ReadEntry[] {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('no end of central directory record');
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const entries: ReadEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(at) !== 0x02014b50) throw new Error(`central directory entry ${i} has a bad signature`);
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const compressed = archive.readUInt32LE(at + 20);
    const size = archive.readUInt32LE(at + 24);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const local = archive.readUInt32LE(at + 42);
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (archive.readUInt32LE(local) !== 0x04034b50) throw new Error(`${name}: bad local header signature`);
    const localName = archive.subarray(local + 30, local + 30 + archive.readUInt16LE(local + 26)).toString('utf8');
    if (localName !== name) throw new Error(`${name}: the local header names ${localName}`);
    if (archive.readUInt32LE(local + 14) !== crc) throw new Error(`${name}: the headers disagree on the CRC`);
    const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const raw = archive.subarray(start, start + compressed);
    const data = method === 0 ? Buffer.from(raw) : zlib.inflateRawSync(raw);
    if (data.length !== size) throw new Error(`${name}: ${data.length} bytes, the directory says ${size}`);
    if (zlib.crc32(data) !== crc) throw new Error(`${name}: CRC-32 mismatch`);
    entries.push({ name, method, data, dosDate: archive.readUInt16LE(at + 14), dosTime: archive.readUInt16LE(at + 12) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
