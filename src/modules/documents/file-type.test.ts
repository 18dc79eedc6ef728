import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { samplePdf, sampleJpeg, samplePng, sampleHeic, textRenamedPdf } from '../../../test/support/files.js';
import { cleanFileName, detectAcceptedType, readHead } from './file-type.js';

const ftyp = (brand: string) => Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from(`ftyp${brand}`), Buffer.alloc(4), Buffer.from('mif1heic'), Buffer.alloc(64)]);

describe('file types (DOC-6)', () => {
  it('DOC-6 knows PDF, JPEG, PNG and HEIC from their first bytes', async () => {
    expect(await detectAcceptedType(samplePdf())).toEqual({ mime: 'application/pdf', ext: 'pdf' });
    expect(await detectAcceptedType(sampleJpeg())).toEqual({ mime: 'image/jpeg', ext: 'jpg' });
    expect(await detectAcceptedType(samplePng())).toEqual({ mime: 'image/png', ext: 'png' });
    expect(await detectAcceptedType(sampleHeic())).toEqual({ mime: 'image/heic', ext: 'heic' });
  });

  it('DOC-6 takes the HEIF brands phones write, including ones the library calls MP4', async () => {
    expect((await detectAcceptedType(ftyp('heic')))?.mime).toBe('image/heic');
    expect((await detectAcceptedType(ftyp('heim')))?.mime).toBe('image/heic');
    expect((await detectAcceptedType(ftyp('heis')))?.mime).toBe('image/heic');
    expect((await detectAcceptedType(ftyp('mif1')))?.mime).toBe('image/heif');
  });

  it('DOC-6 refuses text renamed .pdf, videos, archives, HTML and nothing at all', async () => {
    expect(await detectAcceptedType(textRenamedPdf())).toBeNull();
    expect(await detectAcceptedType(ftyp('isom'))).toBeNull(); // an MP4 video
    expect(await detectAcceptedType(Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00', 'latin1'))).toBeNull();
    expect(await detectAcceptedType(Buffer.from('<!DOCTYPE html><script>alert(1)</script>'))).toBeNull();
    expect(await detectAcceptedType(Buffer.alloc(0))).toBeNull();
  });

  it('keeps only the base name of a file, without control characters, at most 200 characters', () => {
    expect(cleanFileName('C:\\fakepath\\Pay stub.pdf')).toBe('Pay stub.pdf');
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('  report\u0000\u202e card .pdf ')).toBe('report card .pdf');
    expect(cleanFileName('carta de liberación.pdf')).toBe('carta de liberación.pdf');
    expect([...cleanFileName(`${'ñ'.repeat(300)}.pdf`)]).toHaveLength(200);
    expect(cleanFileName(undefined)).toBe('');
  });

  describe('readHead', () => {
    /** The rest of a stream, read by a pipeline as storage reads it. */
    async function rest(stream: Readable): Promise<Buffer> {
      const chunks: Buffer[] = [];
      await pipeline(stream, new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }));
      return Buffer.concat(chunks);
    }
    const chunksOf = (data: Buffer, size: number) => Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size));

    it('returns whole chunks up to at least the bytes asked for, and leaves the rest in the paused stream', async () => {
      const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));
      const source = Readable.from(chunksOf(data, 1500), { objectMode: false });
      const head = await readHead(source, 4100);
      expect(head.length).toBe(4500); // three chunks of 1,500
      expect(source.isPaused()).toBe(true);
      expect(Buffer.concat([head, await rest(source)]).equals(data)).toBe(true);
    });

    it('returns all of a file shorter than that, or nothing of an empty one', async () => {
      const short = Readable.from([Buffer.from('%PDF-1.7'), Buffer.from('\n')], { objectMode: false });
      expect((await readHead(short, 4100)).toString()).toBe('%PDF-1.7\n');
      expect((await rest(short)).length).toBe(0);
      expect((await readHead(Readable.from([], { objectMode: false }), 4100)).length).toBe(0);
    });

    it('fails, never hangs, when the file breaks off: before it is read, or while it is', async () => {
      const broken = new Error('Part terminated early');
      // Already failed before anyone listened, as the multipart parser can leave a part.
      const failed = new PassThrough();
      failed.on('error', () => undefined);
      failed.write('%PDF');
      failed.destroy(broken);
      await new Promise((r) => setImmediate(r));
      await expect(readHead(failed, 4100)).rejects.toBe(broken);
      // Destroyed without an error: the request went away.
      const gone = new PassThrough();
      gone.destroy();
      await new Promise((r) => setImmediate(r));
      await expect(readHead(gone, 4100)).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
      // Cut short while the head is being read.
      const cut = new PassThrough();
      const reading = readHead(cut, 4100);
      cut.write(Buffer.alloc(100));
      setImmediate(() => cut.destroy(broken));
      await expect(reading).rejects.toBe(broken);
    });
  });
});
