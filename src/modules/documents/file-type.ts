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
  // Some phones write HEIF brands file-type does not name; the ISO box says so plainly.
  const brand = head.length >= 12 && head.subarray(4, 8).toString('latin1') === 'ftyp' ? head.subarray(8, 12).toString('latin1') : '';
  if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx'].includes(brand)) return { mime: 'image/heic', ext: 'heic' };
  if (['mif1', 'msf1'].includes(brand)) return { mime: 'image/heif', ext: 'heif' };
  return null;
}
