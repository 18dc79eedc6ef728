/**
 * Builds the stylesheet the pages load from USWDS's own, keeping only the rules whose classes our
 * views, our scripts or USWDS's scripts name (USWDS adds some classes at run time, so its script
 * is read as content too). 527 KB becomes a fraction; brotli then halves what is left.
 * Run by `npm start`, `npm test` and the browser suite before they begin (npm pre-scripts), and
 * by hand with `npm run build:assets`. The output goes to `build/`, never committed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { PurgeCSS } from 'purgecss';
import { BUILT_CSS } from '../src/platform/http/built-assets.js';
import { KEPT_BY_PREFIX } from './stylesheet-keep.js';

const require = createRequire(import.meta.url);
const uswdsDist = path.resolve(path.dirname(require.resolve('@uswds/uswds')), '..');

const [result] = await new PurgeCSS().purge({
  css: [path.join(uswdsDist, 'css/uswds.min.css')],
  content: ['src/**/*.tsx', 'src/**/*.ts', 'public/*.js'],
  // Words as class names are written, responsive prefixes included (`tablet:grid-col-6`), which
  // PurgeCSS's default extractor would cut at the colon.
  defaultExtractor: (content: string) => content.match(/[\w:-]+/g) ?? [],
  // Classes put together at run time by our views from parts, and those USWDS's script adds
  // (scripts/stylesheet-keep.ts). USWDS's script itself is not read: it names every component's
  // classes (range, combo box, date picker, banner, modal…), and reading it kept ~60 KB of rules
  // no page uses.
  safelist: { greedy: KEPT_BY_PREFIX },
  // Fonts: only the faces the kept rules use are fetched by the browser anyway.
  fontFace: false,
  keyframes: true,
});
fs.mkdirSync(path.dirname(BUILT_CSS), { recursive: true });
fs.writeFileSync(BUILT_CSS, result.css);
console.log(`stylesheet: ${(fs.statSync(path.join(uswdsDist, 'css/uswds.min.css')).size / 1024).toFixed(0)} KB → ${(result.css.length / 1024).toFixed(0)} KB (${path.relative(process.cwd(), BUILT_CSS)})`);
