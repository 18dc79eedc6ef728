import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { wire } from '../wire.js';
import { loadCatalogs } from '../platform/i18n/catalogs.js';
import { translator } from '../platform/i18n/translator.js';
import { StaffService } from '../modules/staff/service.js';
import { backgroundRunner } from '../modules/index.js';
import type { StaffRole } from '../platform/db/schema.js';
import { backup, restore } from '../platform/ops/backup.js';
import { AddressService } from '../modules/addresses/service.js';
import { decodeCsvBytes, formatLineErrors } from '../modules/addresses/csv-import.js';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  create-staff --district <slug> --email <email> --first <name> --last <name> [--role <role>] [--school <code> ...]
      Creates a staff account and prints its single-use activation link (valid 7 days), on the
      deployment's PUBLIC_URL: run the CLI with the same environment as the server.
      Roles: district_admin (default), permit_staff, site_admin, auditor, school_office (the
      school's attendance and enrollment office), teacher. site_admin, school_office and teacher
      work at given schools: name each with --school <code> (at least one).
      The first district administrator of a district is made this way.
  sweep
      Runs the deadline sweep now (abandonment, deemed denial, closed appeal windows, staff
      reminders, provisional enrollments ending, renewal reminders) and prints what it did.
      The app runs the same sweep every minute; running it again changes nothing more.
  clean-files
      Removes from the file store the files no document names and the temporary files of
      uploads that never finished, when last written over a day ago, and prints what it did.
      The app does the same every hour (FILE_CLEANUP_INTERVAL_MINUTES); running it again, or on
      several machines at once, removes nothing more.
  import-ranges --district <slug> <file.csv>
      Replaces the district's address ranges (STU-2) with the file's: street,from,to,side,zip,
      grades,school (docs/addresses.md). Every row is checked first; if any is wrong, every bad
      line is printed and nothing is imported. Running servers see the new ranges within 30 s.
  backup <folder>
      Copies the SQLite database (a consistent copy, taken while the app runs), the file store
      and a manifest.json into <folder>. Repeat it into the same folder: only new files are copied.
      For PostgreSQL use pg_dump instead (docs/operations.md).
  restore <folder> --data-dir <dir>
      Restores a backup into <dir>, which must be new or empty, as DATA_DIR=<dir> expects it
      (student-permits.sqlite and files/). Checks every byte against the manifest first.
`;

/** Command-line tasks for district IT: uses the same database and rules as the app. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'sweep') {
    const deps = await wire(loadConfig());
    try {
      const r = await backgroundRunner(deps, 'deadlines').runOnce();
      process.stdout.write(`Abandoned: ${r.abandoned}\nDeemed denied: ${r.deemedDenied}\nAppeal windows closed: ${r.appealWindowsClosed}\nStaff reminders: ${r.staffReminders}\nProvisional enrollment warnings: ${r.provisionalWarnings}\nProvisional enrollments ended: ${r.provisionalEnded}\nRenewal reminders: ${r.renewalReminders}\n`);
      return 0;
    } finally {
      await deps.handle.close();
    }
  }
  if (command === 'clean-files') {
    const deps = await wire(loadConfig());
    try {
      const r = await backgroundRunner(deps, 'files').runOnce();
      process.stdout.write(`Files checked: ${r.blobsChecked}\nUnreferenced files removed: ${r.blobsRemoved}\nTemporary files removed: ${r.temporaryFilesRemoved}\n`);
      return 0;
    } finally {
      await deps.handle.close();
    }
  }
  if (command === 'import-ranges') {
    const { values, positionals } = parseArgs({ args: rest, options: { district: { type: 'string' } }, allowPositionals: true });
    if (!values.district || positionals.length !== 1) {
      process.stderr.write(`import-ranges needs --district <slug> and one CSV file\n\n${USAGE}`);
      return 2;
    }
    const text = decodeCsvBytes(fs.readFileSync(positionals[0]));
    const deps = await wire(loadConfig());
    try {
      const r = await new AddressService(deps).importRanges(values.district, text);
      if (!r.ok) {
        const lines = r.problem.lines;
        process.stderr.write(
          lines
            ? `${path.basename(positionals[0])}: ${lines.length} problem${lines.length === 1 ? '' : 's'}; nothing was imported.\n${formatLineErrors(lines)}\n`
            : `${translator(loadCatalogs(), 'en').t(r.problem.messageKey, r.problem.params)}\n`,
        );
        return 1;
      }
      process.stdout.write(`Imported ${r.value.imported} ranges for ${values.district}\n`);
      return 0;
    } finally {
      await deps.handle.close();
    }
  }
  if (command === 'backup') {
    const { positionals } = parseArgs({ args: rest, options: {}, allowPositionals: true });
    if (positionals.length !== 1) {
      process.stderr.write(`backup needs one folder\n\n${USAGE}`);
      return 2;
    }
    const config = loadConfig();
    const m = await backup({ databaseUrl: config.databaseUrl, storageUrl: config.storageUrl, to: positionals[0] });
    const rows = Object.entries(m.database.tables).map(([t, n]) => `${t} ${n}`).join(', ');
    process.stdout.write(
      `Backed up to ${path.resolve(positionals[0])} at ${m.createdAt}\n` +
        `Database: ${m.database.file} (${m.database.bytes} bytes, SHA-256 ${m.database.sha256})\nRows: ${rows}\n` +
        `Files: ${m.files.count} (${m.files.copied} new), ${m.files.bytes} bytes\n`,
    );
    if (m.problems.length) {
      process.stderr.write(`The backup is incomplete:\n${m.problems.map((p) => `  ${p}`).join('\n')}\n`);
      return 1;
    }
    return 0;
  }
  if (command === 'restore') {
    const { values, positionals } = parseArgs({ args: rest, options: { 'data-dir': { type: 'string' } }, allowPositionals: true });
    if (positionals.length !== 1 || !values['data-dir']) {
      process.stderr.write(`restore needs a backup folder and --data-dir <dir>\n\n${USAGE}`);
      return 2;
    }
    const r = await restore({ from: positionals[0], dataDir: values['data-dir'] });
    process.stdout.write(
      `Restored the backup of ${r.manifest.createdAt}\nDatabase: ${r.databaseFile}\nFiles: ${r.files} in ${r.filesDir}\n` +
        `Start the app with DATA_DIR=${path.dirname(r.databaseFile)} (and no DATABASE_URL or STORAGE_URL).\n`,
    );
    return 0;
  }
  if (command !== 'create-staff') {
    process.stdout.write(USAGE);
    return command ? 2 : 0;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      district: { type: 'string' }, email: { type: 'string' }, first: { type: 'string' }, last: { type: 'string' },
      role: { type: 'string', default: 'district_admin' }, school: { type: 'string', multiple: true },
    },
  });
  const missing = ['district', 'email', 'first', 'last'].filter((k) => !values[k as keyof typeof values]);
  if (missing.length) {
    process.stderr.write(`Missing: ${missing.map((m) => `--${m}`).join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const deps = await wire(loadConfig());
  try {
    const r = await new StaffService(deps).create({
      districtSlug: values.district!, email: values.email!, firstName: values.first!, lastName: values.last!,
      role: values.role as StaffRole, schoolCodes: values.school ?? [],
    });
    if (!r.ok) {
      process.stderr.write(`${translator(loadCatalogs(), 'en').t(r.problem.messageKey, r.problem.params)}\n`);
      return 1;
    }
    process.stdout.write(`Created ${values.role} ${values.email} for ${values.district}.\nActivation link (single use, 7 days):\n${r.value.activationLink}\n`);
    return 0;
  } finally {
    await deps.handle.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
