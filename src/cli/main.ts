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
import { AuditLog } from '../modules/access/audit-log.js';
import { RollScope } from '../modules/access/roll-scope.js';
import { attendanceContext } from '../modules/attendance/context.js';
import { Sections } from '../modules/attendance/sections.js';
import { SectionsImport } from '../modules/attendance/sections-import.js';

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
  import-sections --district <slug> --school <code> --as <staff email> [--year <year>] <file.csv>
      Imports a school's class sections and their students (issue 16) from the student
      information system's CSV: section_code,section_name,period,teacher_email,
      student_source_id,from_date,to_date (docs/guide-for-attendance.md), for the school year
      given or the current one. All or nothing: if any line is wrong, every bad line is printed
      and nothing is imported. --as names the school office or district administrator it is
      done for (their schools, in the audit log). The same file twice changes nothing.
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
  if (command === 'import-sections') {
    const { values, positionals } = parseArgs({ args: rest, options: { district: { type: 'string' }, school: { type: 'string' }, as: { type: 'string' }, year: { type: 'string' } }, allowPositionals: true });
    if (!values.district || !values.school || !values.as || positionals.length !== 1) {
      process.stderr.write(`import-sections needs --district <slug>, --school <code>, --as <staff email> and one CSV file\n\n${USAGE}`);
      return 2;
    }
    const text = decodeCsvBytes(fs.readFileSync(positionals[0]));
    const deps = await wire(loadConfig());
    try {
      const t = translator(loadCatalogs(), 'en').t;
      const member = await deps.db.selectFrom('staff').select(['id', 'district_id', 'email', 'first_name', 'last_name', 'role'])
        .where('district_id', '=', values.district).where('email', '=', values.as.toLowerCase()).executeTakeFirst();
      if (!member) {
        process.stderr.write(`No staff member ${values.as} in ${values.district}\n`);
        return 1;
      }
      const staff = { id: member.id, districtId: member.district_id, email: member.email, firstName: member.first_name, lastName: member.last_name, role: member.role };
      const audit = new AuditLog(deps.db, deps.clock);
      const sections = new Sections(attendanceContext(deps, audit, new RollScope(deps.db), []));
      const r = await new SectionsImport(sections.context, sections).importFile(staff, `${values.district}:${values.school}`, values.year ?? '', text, 'cli');
      if (!r.ok) {
        const p = r.problem as { lines?: { line: number; problems: { key: string; params?: Record<string, string | number> }[] }[]; badLines?: number };
        if (!p.lines) {
          await audit.refused(staff, 'attendance.sections.import', { type: 'school', id: `${values.district}:${values.school}` }, 'cli', r.problem.code);
          process.stderr.write(r.problem.code === 'not-found' ? `${values.district}:${values.school} is not a school of ${values.as}\n` : `${t(r.problem.messageKey, r.problem.params)}\n`);
          return 1;
        }
        await audit.record(staff, 'attendance.sections.import', { type: 'school', id: `${values.district}:${values.school}` }, 'cli', { file: path.basename(positionals[0]), result: 'refused', badLines: p.badLines ?? 0 });
        const lines = p.lines.map((l) => `  ${l.line ? `line ${l.line}` : 'the file'}: ${l.problems.map((x) => t(x.key, x.params)).join(' ')}`);
        process.stderr.write(`${path.basename(positionals[0])}: ${p.badLines} bad line${p.badLines === 1 ? '' : 's'}; nothing was imported.\n${lines.join('\n')}\n`);
        return 1;
      }
      const o = r.value;
      process.stdout.write(`Imported ${o.rows} lines for ${values.district}:${values.school}: ${o.sectionsCreated} sections added, ${o.sectionsChanged} changed; ${o.membershipsAdded} students added to sections, ${o.membershipsEnded} given a last day; ${o.unchanged} already as in the file.\n`);
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
