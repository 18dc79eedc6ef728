import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { DistrictConfigSchema, type DistrictConfig } from './config-schema.js';

export class DistrictConfigError extends Error {}

/**
 * Reads every `*.yaml` file of the districts folder. A wrong file stops start-up with a
 * message naming the file, the field and what is wrong.
 */
export function loadDistrictConfigs(dir: string): DistrictConfig[] {
  if (!fs.existsSync(dir)) throw new DistrictConfigError(`District configuration folder not found: ${dir}`);
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) throw new DistrictConfigError(`No district configuration (*.yaml) in ${dir}`);
  const configs: DistrictConfig[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const full = path.join(dir, file);
    try {
      configs.push(parseDistrictConfig(fs.readFileSync(full, 'utf8'), file));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  const slugs = new Map<string, string>();
  configs.forEach((c, i) => {
    const prev = slugs.get(c.slug);
    if (prev) problems.push(`${files[i]}: slug: "${c.slug}" is already used by ${prev}`);
    slugs.set(c.slug, files[i]);
  });
  if (problems.length) throw new DistrictConfigError(`Invalid district configuration:\n${problems.join('\n')}`);
  return configs;
}

export function parseDistrictConfig(text: string, fileName: string): DistrictConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` (line ${e.linePos[0].line})` : '';
    throw new DistrictConfigError(`${fileName}${where}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = DistrictConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${fileName}: ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`);
    throw new DistrictConfigError(lines.join('\n'));
  }
  return parsed.data;
}
