import { randomBytes } from 'node:crypto';
import { zipArchive } from '../../../src/engines/registry-type/zip-archive';
import { readZip } from '../../construct-helpers/zip-reader';

describe('zipArchive', () => {
  test('an unzipper reads back every entry, in order, stored, with its bytes and a CRC-32 that checks', () => {
    const entries = [
      { name: '.rpdk-config', data: Buffer.from('{"runtime":"nodejs20.x"}\n') },
      { name: 'empty', data: Buffer.alloc(0) },
      { name: 'nested/binary.bin', data: randomBytes(70_000) },
      { name: 'ünïcode.txt', data: Buffer.from('é') },
    ];
    const read = readZip(zipArchive(entries));
    expect(read.map(e => [e.name, e.method])).toEqual(entries.map(e => [e.name, 0]));
    read.forEach((entry, i) => expect(entry.data.equals(entries[i].data)).toBe(true));
  });

  test('is reproducible: the same entries give the same bytes, every entry dated 1980-01-01 00:00', () => {
    const entries = [{ name: 'a', data: Buffer.from('a') }, { name: 'b', data: Buffer.from('b') }];
    expect(zipArchive(entries).equals(zipArchive(entries))).toBe(true);
    expect(readZip(zipArchive(entries)).map(e => [e.dosDate, e.dosTime])).toEqual([[33, 0], [33, 0]]);
  });

  test('an archive inside an archive reads back too (the package holds ResourceProvider.zip)', () => {
    const inner = zipArchive([{ name: 'index.js', data: Buffer.from('exports.handler = async () => ({});') }]);
    const [outer] = readZip(zipArchive([{ name: 'ResourceProvider.zip', data: inner }]));
    expect(readZip(outer.data).map(e => e.data.toString())).toEqual(['exports.handler = async () => ({});']);
  });

  test('no entries is an empty archive an unzipper accepts', () => {
    expect(readZip(zipArchive([]))).toEqual([]);
  });
});
