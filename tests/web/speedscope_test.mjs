// cpprof -speedscope's file opened in speedscope's own page (npm speedscope,
// dist/release/index.html) in Debian's chromium: the page is told to load a
// script that hands it the file (#localProfilePath=..., which calls
// speedscope.loadFileFromBase64), and must then show the file's name as its
// title and, in the Sandwich view's table, the frame asked for, with no
// error on the page.
// usage: node speedscope_test.mjs PROFILE.speedscope.json FRAME_NAME OUTDIR
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch } from './serve.mjs';

const [file, frame, outdir] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const release = join(here, 'node_modules/speedscope/dist/release');
mkdirSync(outdir, { recursive: true });
const json = readFileSync(file);
const name = JSON.parse(json).name;
const loader = resolve(outdir, 'load.js');
writeFileSync(loader, `speedscope.loadFileFromBase64("profile.speedscope.json", "${json.toString('base64')}")`);

const browser = await launch();
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // The page loads the script by its path (a file: URL in the hash is not found).
  await page.goto(`${pathToFileURL(join(release, 'index.html'))}#localProfilePath=${loader}`);
  // Once the import succeeded, the title is the file's "name".
  await page.waitForFunction((n) => document.title.startsWith(n + ' - '), name, { timeout: 20000 })
    .catch(() => { throw new Error(`title is not "${name} - speedscope"`); });
  const text = await page.evaluate(() => document.body.innerText);
  if (/Something went wrong|Unrecognized format/i.test(text)) throw new Error('speedscope: ' + text.slice(0, 300));
  // The flame chart is a canvas; the "Sandwich" view's table lists the frames
  // by name (the rows in view: ask for one with a large self value).
  await page.getByText('Sandwich').click();
  await page.waitForFunction((f) => document.body.innerText.includes(f), frame, { timeout: 20000 })
    .catch(() => { throw new Error(`no frame ${frame} in the Sandwich view`); });
  await page.screenshot({ path: join(outdir, 'speedscope.png') });
  if (errors.length) throw new Error('page errors: ' + errors.join('; '));
  console.log(`speedscope: loaded ${file}, frame ${frame} listed`);
} catch (e) {
  console.error('FAIL', e.message);
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
