import fs from 'node:fs';
import axe from 'axe-core';

/**
 * One small driver for the parent's journey in every browser engine (APP-9). Each engine gives a
 * handful of native actions (Engine); the rest — finding things by the words a person reads,
 * waiting for the next page, axe — is written once here and runs as the same script in the page,
 * whichever engine it is (e2e/engines/in-page.js).
 */

/** What an engine does natively: open a page, run a script, and type, click, pick, attach. */
export interface Engine<E> {
  /** How the report names it: "Firefox", "WebKit", "Chromium". */
  readonly name: string;
  /** Loads an address and waits for the page's load event. */
  open(url: string): Promise<void>;
  /** Runs a function body in the page (its arguments as `arguments`), awaiting a promise it
   * returns; what it returns must be plain data. */
  run<T>(body: string, args: unknown[]): Promise<T>;
  /** The element a function body returns, or null. */
  element(body: string, args: unknown[]): Promise<E | null>;
  /** Empties a text field and types the text into it. */
  type(field: E, text: string): Promise<void>;
  /** A real pointer click at the element's centre, scrolled into view first. */
  click(element: E): Promise<void>;
  /** Picks the option with this value in a select. */
  pick(select: E, value: string): Promise<void>;
  /** Attaches a file from disk to an input[type=file]. */
  attach(input: E, file: string): Promise<void>;
  screenshot(file: string): Promise<void>;
  close(): Promise<void>;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const HELPERS = fs.readFileSync(new URL('./in-page.js', import.meta.url), 'utf8');
const WAIT_MS = 15_000;
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The journey's view of a browser: what a person does and reads, in any engine. */
export class Driver<E = unknown> {
  private pages = 0;

  constructor(
    private readonly engine: Engine<E>,
    private readonly baseUrl: string,
  ) {}

  get engineName(): string {
    return this.engine.name;
  }

  /** Opens a path of the app (or a full address, as in an email). */
  async goto(pathOrUrl: string): Promise<void> {
    await this.engine.open(new URL(pathOrUrl, this.baseUrl).href);
  }

  /** Types into the text field with this label ("Email address", without its "*" or "(optional)"). */
  async fill(label: string, value: string): Promise<void> {
    const field = await this.find('findField', label, 'field labelled');
    await this.engine.type(field, value);
    const now = await this.inPage<string>('var f = findField(arguments[0]); return f ? f.value : null;', [label]);
    if (now !== value) throw new Error(`the field "${label}" holds "${now}" after typing "${value}"`);
  }

  /** Clicks the radio button or checkbox whose label begins with these words, and sees it chosen. */
  async choose(label: string): Promise<void> {
    await this.engine.click(await this.find('findChoice', label, 'radio button or checkbox labelled'));
    const checked = await this.inPage<boolean>('var l = findChoice(arguments[0]); return !!(l && controlOf(l).checked);', [label]);
    if (!checked) throw new Error(`"${label}" is not chosen after clicking its label`);
  }

  /** Picks an option, by its value or its words, in the select with this label. */
  async select(label: string, option: string): Promise<void> {
    const select = await this.find('findField', label, 'select labelled');
    const value = await this.inPage<string | null>(
      'var s = findField(arguments[0]); for (var i = 0; i < s.options.length; i++) { var o = s.options[i]; if (o.value === arguments[1] || norm(o.textContent) === arguments[1]) return o.value; } return null;',
      [label, option],
    );
    if (value === null) throw new Error(`the select "${label}" has no option "${option}"`);
    await this.engine.pick(select, value);
    const now = await this.inPage<string>('return findField(arguments[0]).value;', [label]);
    if (now !== value) throw new Error(`the select "${label}" shows "${now}" after picking "${value}"`);
  }

  /** Clicks the button or link with these words and waits for the page it leads to. */
  async click(words: string): Promise<void> {
    const target = await this.find('findAction', words, 'button or link');
    const mark = `page-${++this.pages}`;
    await this.engine.run('window.__e2ePage = arguments[0];', [mark]);
    await this.engine.click(target);
    await this.until('return window.__e2ePage !== arguments[0] && document.readyState === "complete";', [mark], `the page after clicking "${words}"`);
  }

  /** Attaches a file to the file field with this label. */
  async attach(label: string, file: string): Promise<void> {
    const input = await this.find('findField', label, 'file field labelled');
    await this.engine.attach(input, file);
    const names = await this.inPage<string[]>('var f = findField(arguments[0]); return Array.prototype.map.call(f.files || [], function (x) { return x.name; });', [label]);
    const expected = file.split(/[\\/]/).pop()!;
    if (!names.includes(expected)) throw new Error(`the file field "${label}" holds [${names.join(', ')}], not ${expected}`);
  }

  /** The words on the page, as shown. */
  async text(): Promise<string> {
    return this.inPage<string>('return document.body.innerText;', []);
  }

  async waitForHeading(words: string): Promise<void> {
    await this.until('return hasHeading(arguments[0]);', [words], `a heading "${words}"`);
  }

  async waitForText(words: string): Promise<void> {
    await this.until('return hasText(arguments[0]);', [words], `the words "${words}"`);
  }

  async url(): Promise<string> {
    return this.inPage<string>('return location.href;', []);
  }

  async htmlLang(): Promise<string> {
    return this.inPage<string>('return document.documentElement.lang;', []);
  }

  async html(): Promise<string> {
    return this.inPage<string>('return document.documentElement.outerHTML;', []);
  }

  /** axe's WCAG 2.1 A and AA rules on the page as it is now. */
  async axe(): Promise<AxeViolation[]> {
    if (!(await this.engine.run<boolean>('return typeof window.axe === "object";', []))) {
      await this.engine.run(`${axe.source}\n;return typeof window.axe;`, []);
    }
    return this.engine.run<AxeViolation[]>(
      `return window.axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] }).then(function (r) {
        return r.violations.map(function (v) {
          return { id: v.id, impact: v.impact || null, help: v.help, targets: v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }) };
        });
      });`,
      [AXE_TAGS],
    );
  }

  /** Reads something the helpers above cannot name (a function body, with in-page.js's helpers at hand). */
  read<T>(body: string, args: unknown[] = []): Promise<T> {
    return this.inPage<T>(body, args);
  }

  /** Waits until a function body (with in-page.js's helpers at hand) returns true. */
  waitFor(body: string, args: unknown[], what: string): Promise<void> {
    return this.until(body, args, what);
  }

  screenshot(file: string): Promise<void> {
    return this.engine.screenshot(file);
  }

  close(): Promise<void> {
    return this.engine.close();
  }

  private inPage<T>(body: string, args: unknown[]): Promise<T> {
    return this.engine.run<T>(`${HELPERS}\n${body}`, args);
  }

  /** The element an in-page finder names, once it is there. */
  private async find(finder: 'findField' | 'findChoice' | 'findAction', words: string, what: string): Promise<E> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const el = await this.engine.element(`${HELPERS}\nreturn ${finder}(arguments[0]);`, [words]).catch(() => null);
      if (el) return el;
      if (Date.now() > deadline) throw new Error(`no ${what} "${words}" on ${await this.url().catch(() => 'the page')}`);
      await sleep(100);
    }
  }

  /** Waits for an in-page condition; a page being replaced meanwhile is not a failure. */
  private async until(body: string, args: unknown[], what: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      if (await this.inPage<boolean>(body, args).catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`waited ${WAIT_MS / 1000} s for ${what} on ${await this.url().catch(() => 'the page')}`);
      await sleep(100);
    }
  }
}
