import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Small real files of each type a parent may send (DOC-6): see test/fixtures/files/README.md. */
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/files');
const read = (name: string): Buffer => fs.readFileSync(path.join(dir, name));

/**
 * A real one-page PDF. `variant` adds a PDF comment after the end marker (readers ignore it),
 * so two uploads can differ in content and hash when a test needs that.
 */
export const samplePdf = (variant?: string): Buffer => (variant ? Buffer.concat([read('pay-stub.pdf'), Buffer.from(`%${variant}\n`)]) : read('pay-stub.pdf'));
export const sampleJpeg = (): Buffer => read('photo.jpg');
export const samplePng = (): Buffer => read('scan.png');
export const sampleHeic = (): Buffer => read('phone.heic');
export const textRenamedPdf = (): Buffer => read('notes.pdf');
