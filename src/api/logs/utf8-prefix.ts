/**
 * How many leading bytes of `bytes` are whole UTF-8 characters: a log read while it is written
 * may end inside a character, whose rest comes with the next read.
 */
export function wholeUtf8Length(bytes: Buffer): number {
  // A character is at most 4 bytes: its lead byte is among the last 4.
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.length - back : bytes.length;
  }
  // Only continuation bytes: not UTF-8; nothing to wait for.
  return bytes.length;
}
