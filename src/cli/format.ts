/** Number formatting for terminal output: counts, bytes and compact magnitudes. */

/** Returns an integer with thousands separators: 508786 -> "508,786". */
export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Returns a compact magnitude: 41030528 -> "41.0M", 5400 -> "5.4K", 12 -> "12". */
export function formatCount(n: number): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [scale, unit] of units) if (Math.abs(n) >= scale) return `${(n / scale).toFixed(1)}${unit}`;
  return String(Math.round(n));
}

/** Returns a byte size in binary units: 508786 -> "496.9 KiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}
