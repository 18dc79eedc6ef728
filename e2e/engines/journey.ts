import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCatalogs } from '../../src/platform/i18n/catalogs.js';
import { translator } from '../../src/platform/i18n/translator.js';
import { loadDistrictConfigs } from '../../src/modules/districts/loader.js';
import { samplePdf } from '../../test/support/files.js';
import { answerQuestion } from '../journey.js';
import { firstLink, readMail } from '../support/mail.js';
import type { Driver } from './driver.js';

export interface EngineJourneyOptions {
  /** Names the parent's email address and the files saved when a step fails. */
  name: string;
  language: 'en' | 'es';
}

const catalogs = loadCatalogs();
const lausd = loadDistrictConfigs('config/districts').find((d) => d.slug === 'lausd-sample')!;
const CONFIRMATION = /\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]\b/;

/**
 * APP-9: the parent's journey as it must work in every engine, written once against Driver:
 * register → activation email → password → student → guidelines and agreement → the request →
 * confirmation number → a PDF uploaded from the account → the public status page. axe checks every
 * page visited, and every page is in the journey's language. Returns the pages checked.
 */
export async function engineJourney(d: Driver, dataDir: string, o: EngineJourneyOptions, step: (name: string) => void): Promise<string[]> {
  const { t } = translator(catalogs, o.language);
  const L = (x: { en: string; es: string }) => x[o.language];
  const visited: string[] = [];
  const a11y = async (label: string) => {
    const where = new URL(await d.url()).pathname;
    visited.push(`${o.name} ${label}: ${where}`);
    const lang = await d.htmlLang();
    if (lang !== o.language) throw new Error(`${label} (${where}) is in "${lang}", expected "${o.language}"`);
    const violations = await d.axe();
    if (violations.length) {
      const detail = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.targets.join('\n    ')}`).join('\n  ');
      throw new Error(`axe found ${violations.length} WCAG 2.1 AA violation(s) on ${label} (${where}) in ${d.engineName}:\n  ${detail}`);
    }
  };
  const fillLookup = async (confirmation: string) => {
    await d.fill(t('documents.lookup.firstName'), 'Mateo');
    await d.fill(t('documents.lookup.lastName'), 'García');
    await d.select(t('common.month'), '4');
    await d.fill(t('common.day'), '9');
    await d.fill(t('common.year'), '2018');
    await d.fill(t('documents.lookup.confirmation'), confirmation);
  };
  const email = `parent.${o.name.replace(/\W/g, '')}.${Date.now()}@example.org`;
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-e2e-engine-'));
  const releasePdf = path.join(files, 'release-letter.pdf');
  fs.writeFileSync(releasePdf, samplePdf('release'));

  try {
    step('home page');
    await d.goto('/');
    if (o.language === 'es') await d.click('Español');
    await d.waitForHeading(t('home.title'));
    await a11y('home');

    step('register');
    await d.goto('/register');
    await d.waitForHeading(t('accounts.register.title'));
    await d.fill(t('accounts.register.firstName'), 'María');
    await d.fill(t('accounts.register.lastName'), 'García');
    await d.fill(t('accounts.register.email'), email);
    await d.fill(t('accounts.register.emailConfirm'), email);
    // The human check (ACC-1): where the browser can work the proof out, its script does and hides
    // the question, as a parent sees it; where it cannot, the parent answers the question.
    if (await d.read<boolean>('return !!(window.isSecureContext && window.crypto && window.crypto.subtle);')) {
      await d.waitFor('return !shown(document.getElementById("human-question"));', [], 'the page to solve its human check and hide the question');
    } else {
      const question = await d.read<string>('return labelWords(document.querySelector("#human-question label"));');
      await d.fill(question, answerQuestion(question, o.language));
    }
    await a11y('register');
    await d.click(t('accounts.register.submit'));
    await d.waitForHeading(t('accounts.checkEmail.title'));
    await a11y('check email');

    step('activation email and password');
    const link = firstLink(await readMail(dataDir, email, /activate\//), '/activate/');
    await d.goto(link);
    await d.waitForHeading(t('accounts.activate.title'));
    await a11y('create password');
    await d.fill(t('accounts.password.new'), 'Tortuga7Verde');
    await d.fill(t('accounts.password.confirm'), 'Tortuga7Verde');
    await d.click(t('accounts.activate.submit'));
    await d.waitForHeading(t('applications.account.title'));
    await a11y('account');

    step('add a student');
    await d.click(t('applications.account.addStudent'));
    await d.fill(t('students.form.firstName'), 'Mateo');
    await d.fill(t('students.form.lastName'), 'García');
    await d.select(t('common.month'), '4');
    await d.fill(t('common.day'), '9');
    await d.fill(t('common.year'), '2018');
    await d.select(t('students.form.currentGrade'), '2');
    await d.fill(t('students.form.address1'), '100 Main Street');
    await d.fill(t('students.form.city'), 'Downey');
    await d.fill(t('students.form.zip'), '90241');
    await a11y('add student');
    await d.click(t('students.form.add'));
    await d.waitForHeading(t('students.list.title'));
    await a11y('students');

    step('apply: guidelines and agreement');
    await d.goto('/apply/lausd-sample');
    await a11y('apply start');
    await d.choose('Mateo García');
    await d.choose(t('applications.start.agree'));
    await d.click(t('common.continue'));

    step('apply: the request');
    await d.waitForHeading(t('applications.form.title', { district: L(lausd.name) }));
    await a11y('apply form');
    await d.select(t('applications.form.gradeRequested'), '3');
    await d.choose(L(lausd.reasons[0].label));
    await d.select(t('applications.form.school'), '1001');
    await d.choose(t('applications.relationships.parent'));
    await d.fill(t('applications.form.decisionEmailConfirm'), email);
    await d.click(t('applications.form.submit'));

    step('confirmation number');
    await d.waitForHeading(t('applications.confirmation.title'));
    const confirmation = CONFIRMATION.exec(await d.text())?.[0];
    if (!confirmation) throw new Error('no confirmation number on the confirmation page');
    await a11y('confirmation');
    await readMail(dataDir, email, new RegExp(confirmation));

    step('upload a PDF from the account');
    await d.click(t('applications.confirmation.uploadNow'));
    await d.attach(L(lausd.documents.find((x) => x.code === 'release')!.label), releasePdf);
    await a11y('application page');
    await d.click(t('documents.upload.submit'));
    await d.waitForText(t('documents.upload.done', { count: '1' }));
    await d.waitForText('release-letter.pdf');
    await a11y('application page after upload');

    step('public status page');
    await d.goto('/status');
    await fillLookup(confirmation);
    await a11y('status');
    await d.click(t('documents.status.submit'));
    await d.waitForHeading(t('documents.status.resultTitle'));
    await d.waitForText(confirmation);
    await d.waitForText(t('applications.status.incomplete'));
    await d.waitForText('release-letter.pdf');
    await a11y('status result');
    return visited;
  } catch (e) {
    fs.mkdirSync('test-results', { recursive: true });
    const base = path.join('test-results', o.name.replace(/\W+/g, '-'));
    await d.screenshot(`${base}.png`).catch(() => {});
    fs.writeFileSync(`${base}.html`, await d.html().catch(() => ''));
    throw e;
  } finally {
    fs.rmSync(files, { recursive: true, force: true });
  }
}
