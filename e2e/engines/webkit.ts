import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Builder, By, type WebElement } from 'selenium-webdriver';
import { freePort } from '../support/server.js';
import type { Engine } from './driver.js';

/** A program on the PATH, or null. */
function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, name);
    if (dir && fs.existsSync(p)) return p;
  }
  return null;
}

async function stop(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Xvfb on a display number it finds free itself (-displayfd), so two runs never collide. */
async function startXvfb(xvfb: string): Promise<{ child: ChildProcess; display: string }> {
  const child = spawn(xvfb, ['-displayfd', '3', '-screen', '0', '1600x1200x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`Xvfb exited with ${code} before it was ready: ${stderr.trim()}`)));
  });
  return { child, display: `:${display}` };
}

/** WebKitWebDriver on a free port, ready when its /status answers. */
async function startWebDriver(program: string, display: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(program, [`--port=${port}`], { env: { ...process.env, DISPLAY: display }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${child.exitCode}: ${stderr.trim()}`);
    try {
      if ((await fetch(`${url}/status`)).ok) return { child, url };
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop(child);
      throw new Error(`WebKitWebDriver did not answer on ${url} in 20 s: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * WebKit: WebKitGTK's MiniBrowser (the engine of Safari and of every iPhone and iPad browser),
 * driven by selenium-webdriver through WebKitWebDriver, on its own Xvfb display. The suite starts
 * both programs itself and stops them on close. MiniBrowser's window goes no narrower than about
 * 447 px, so WebKit runs at desktop width; the phone width is Firefox's.
 */
export async function launchWebKit(viewport: { width: number; height: number }): Promise<Engine<WebElement>> {
  const xvfb = process.env.XVFB_PATH ?? onPath('Xvfb');
  const webdriver = process.env.WEBKIT_WEBDRIVER_PATH ?? onPath('WebKitWebDriver');
  if (!xvfb || !webdriver) {
    throw new Error(
      `WebKit needs ${[!webdriver && 'WebKitWebDriver', !xvfb && 'Xvfb'].filter(Boolean).join(' and ')}: install Debian's webkit2gtk-driver, xvfb and xauth packages (apt-get install webkit2gtk-driver xvfb xauth)`,
    );
  }
  const x = await startXvfb(xvfb);
  let wd: ChildProcess | null = null;
  try {
    const server = await startWebDriver(webdriver, x.display);
    wd = server.child;
    const driver = await new Builder().usingServer(server.url).withCapabilities({ browserName: 'MiniBrowser' }).build();
    const quit = async () => {
      try {
        await driver.quit();
      } finally {
        await stop(wd);
        await stop(x.child);
      }
    };
    try {
      await driver.manage().setTimeouts({ script: 60_000, pageLoad: 30_000 });
      await driver.manage().window().setRect({ x: 0, y: 0, ...viewport });
    } catch (e) {
      await quit();
      throw e;
    }
    return {
      name: 'WebKit',
      open: (url) => driver.get(url),
      // The asynchronous form waits for a promise the body returns (axe.run) in any WebDriver.
      run: async <T>(body: string, args: unknown[]) => {
        const r = (await driver.executeAsyncScript(
          `var done = arguments[arguments.length - 1];
          var args = Array.prototype.slice.call(arguments, 0, -1);
          try {
            Promise.resolve((function () { ${body}\n }).apply(null, args)).then(
              function (v) { done({ value: v === undefined ? null : v }); },
              function (e) { done({ error: String(e && e.stack || e) }); });
          } catch (e) { done({ error: String(e && e.stack || e) }); }`,
          ...args,
        )) as { value?: T; error?: string };
        if (r.error) throw new Error(r.error);
        return r.value as T;
      },
      element: async (body, args) => ((await driver.executeScript(body, ...args)) as WebElement | null) ?? null,
      type: async (field, text) => {
        await field.clear();
        await field.sendKeys(text);
      },
      click: (el) => el.click(),
      pick: async (select, value) => {
        await select.findElement(By.css(`option[value="${value.replace(/["\\]/g, '\\$&')}"]`)).click();
      },
      // WebDriver's way to attach a file: the file's path typed into the file field.
      attach: (input, file) => input.sendKeys(file),
      screenshot: async (file) => fs.writeFileSync(file, await driver.takeScreenshot(), 'base64'),
      close: quit,
    };
  } catch (e) {
    await stop(wd);
    await stop(x.child);
    throw e;
  }
}
