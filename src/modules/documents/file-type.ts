import { finished, type Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';

/** DOC-6: what we accept, decided from the bytes, never from the name. */
export const ACCEPTED = new Map<string, string>([
  ['application/pdf', 'pdf'],
  ['image/jpeg', 'jpg'],
  ['image/png', 'png'],
  ['image/heic', 'heic'],
  ['image/heif', 'heif'],
  ['image/heic-sequence', 'heic'],
  ['image/heif-sequence', 'heif'],
]);

/** Enough of a file's start for every signature we accept. */
export const SNIFF_BYTES = 4100;

/**
 * The first `bytes` of an uploaded file (in whole chunks, so possibly more), or all of it if it is
 * shorter. The stream is left paused just after them, for storage to read the rest from it
 * directly: no iterator or extra stream in between, and backpressure stays end to end.
 */
export function readHead(file: Readable, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const settle = (e?: Error | null) => {
      file.off('data', onData);
      stop();
      if (e) reject(e);
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= bytes) {
        // Paused inside the 'data' handler: no further chunk is emitted until storage resumes it.
        file.pause();
        settle();
      }
    };
    // The file is shorter than `bytes` (it ended), or it broke off: with an error, or destroyed
    // because the request went away. `finished` also reports a stream that was already destroyed
    // before we looked (the multipart parser can fail a part before it is handed over).
    const stop = finished(file, (e) => settle(e));
    file.on('data', onData);
  });
}

export async function detectAcceptedType(head: Buffer): Promise<{ mime: string; ext: string } | null> {
  const found = await fileTypeFromBuffer(head);
  if (found && ACCEPTED.has(found.mime)) return { mime: found.mime, ext: ACCEPTED.get(found.mime)! };
  // Some phones write HEIF brands file-type does not name (it calls them MP4); the ISO box says
  // so plainly.
  const brand = head.length >= 12 && head.subarray(4, 8).toString('latin1') === 'ftyp' ? head.subarray(8, 12).toString('latin1') : '';
  if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx'].includes(brand)) return { mime: 'image/heic', ext: 'heic' };
  if (['mif1', 'msf1'].includes(brand)) return { mime: 'image/heif', ext: 'heif' };
  return null;
}

/**
 * The name a parent's device gave the file, made safe to show and to print: no folders (old
 * browsers send "C:\fakepath\…"), no control characters, at most 200 characters. It is only
 * ever shown as text; files are stored under their hash, never under this name.
 */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  return [...clean].slice(0, 200).join('');
}
