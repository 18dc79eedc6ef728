import { describe, expect, it } from 'vitest';
import { samplePdf, sampleJpeg, samplePng, sampleHeic, textRenamedPdf } from '../../../test/support/files.js';
import { cleanFileName, detectAcceptedType } from './file-type.js';

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
});
