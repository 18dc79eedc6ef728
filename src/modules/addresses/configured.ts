import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../platform/db/kysely.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { decodeCsvBytes, formatLineErrors, parseRanges } from './csv-import.js';
import { AddressRepository } from './repository.js';
import { forgetRangeStats } from './service.js';

export class AddressRangesFileError extends Error {}

/**
 * STU-2 at start-up: each district whose configuration names an `addressRanges` file and that has
 * no ranges yet gets the file's. A missing or bad file stops the start with every bad line.
 * A district that already has ranges keeps them (imported later by the CLI or the staff page).
 */
export async function importConfiguredRanges(db: Db, configs: DistrictConfig[], districtsDir: string): Promise<{ district: string; imported: number }[]> {
  const repo = new AddressRepository(db);
  const withFile = configs.filter((d) => d.addressRanges);
  if (withFile.length === 0) return [];
  const done: { district: string; imported: number }[] = [];
  const problems: string[] = [];
  for (const d of withFile) {
    if (await repo.hasAny(d.slug)) continue;
    const file = path.join(districtsDir, d.addressRanges!);
    let text: string;
    try {
      text = decodeCsvBytes(fs.readFileSync(file));
    } catch (e) {
      problems.push(`${d.addressRanges} (addressRanges of ${d.slug}): cannot be read: ${(e as Error).message}`);
      continue;
    }
    const parsed = parseRanges(text, d);
    if (!parsed.ok) {
      problems.push(formatLineErrors(parsed.errors).split('\n').map((l) => `${d.addressRanges}: ${l}`).join('\n'));
      continue;
    }
    const n = await repo.replaceDistrict(d.slug, parsed.rows, { onlyIfEmpty: true });
    if (n !== null) done.push({ district: d.slug, imported: n });
  }
  if (done.length) forgetRangeStats(db);
  if (problems.length) throw new AddressRangesFileError(`Invalid address ranges; nothing was imported from these files:\n${problems.join('\n')}`);
  return done;
}
