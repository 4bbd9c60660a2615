/**
 * Reads one file out of a .tar.gz (the TensorFlow hosted models are published as archives):
 * gunzip with the browser's DecompressionStream, then walk the tar headers. A tar archive is a
 * sequence of 512-byte headers, each followed by the file's data padded to 512 bytes; the name
 * is at bytes 0-99 (with a ustar prefix at 345-499), the size in octal at 124-135, the type at 156.
 */

/** Returns the bytes of the archive member whose file name (last path part) is `member`; throws if absent. */
export async function extractTarGzMember(
  archive: Uint8Array,
  member: string,
  what: string,
): Promise<Uint8Array> {
  const stream = new Blob([archive as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  const tar = new Uint8Array(await new Response(stream).arrayBuffer());
  const text = (from: number, len: number) => {
    const bytes = tar.subarray(from, from + len);
    const end = bytes.indexOf(0);
    return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
  };
  let at = 0;
  while (at + 512 <= tar.length) {
    const name = text(at, 100);
    if (name === '') break; // two zero blocks end the archive
    const prefix = text(at + 345, 155);
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(tar[at + 156]!);
    const path = prefix ? `${prefix}/${name}` : name;
    const dataStart = at + 512;
    if ((type === '0' || type === '\0') && path.split('/').pop() === member) {
      if (dataStart + size > tar.length) break;
      return tar.slice(dataStart, dataStart + size);
    }
    at = dataStart + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${what}: the archive has no file named ${member}`);
}
