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
