/** A number of bytes as a person reads it: `1 GiB`, `1.5 MiB`, `512 bytes`. */
export function byteSize(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let unit = -1;
  let value = bytes;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit < 0 ? `${bytes} bytes` : `${Number(value.toFixed(2))} ${units[unit]}`;
}
