// Browser and HTTP tests of cpprof's web UI: a real server on loopback and
// Debian's chromium driven by Playwright. Screenshots go to OUTDIR for people
// to look at.
// usage: node ui_test.mjs CPPROF PROFILE_DIR OUTDIR
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { launch, ready, serve as serveCpprof } from './serve.mjs';

const [cpprof, profiles, outdir] = process.argv.slice(2);
mkdirSync(outdir, { recursive: true });
let passed = 0, failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; } else { failed++; console.log(`FAIL ${name} ${detail}`); }
}

// cpprof -http with these arguments: [url, process].
const serve = (args, browser, env) => serveCpprof(cpprof, args, browser, env);

// A gperftools CPU profile of three addresses in cpprof's own executable
// segment (mapped as the kernel would map this PIE at 0x555555554000), so that
// Disassemble has a binary to read: the demo profile's is not on this machine.
function profileOfCpprof(path) {
  const load = execFileSync('readelf', ['-lW', cpprof]).toString().split('\n').find((l) => /^\s*LOAD .* R E /.test(l));
  const [offset, vaddr, , size] = load.trim().split(/\s+/).slice(1, 5).map((x) => BigInt(x));
  const start = 0x555555554000n + vaddr, end = start + ((size + 0xfffn) & ~0xfffn);
  const words = [0n, 3n, 0n, 10000n, 0n];  // header: 10 ms a sample
  for (let i = 1n; i <= 3n; i++) words.push(i, 1n, start + i * 0x1000n);  // count, depth, pc
  words.push(0n, 1n, 0n);  // trailer
  const header = Buffer.alloc(words.length * 8);
  words.forEach((w, i) => header.writeBigUInt64LE(w, i * 8));
  const hex = (x) => x.toString(16);
  writeFileSync(path, Buffer.concat([header, Buffer.from(`${hex(start)}-${hex(end)} r-xp ${hex(offset).padStart(8, '0')} 00:00 0 ${cpprof}\n`)]));
}

// pprof's own URLs, from its handlers in Debian's golang-github-google-pprof-dev
// (internal/driver/webui.go: / redirects to /ui/, the graph; the views under
// /ui/; the regexp of peek, source and disasm in f=, as webui_test.go asks
// for them; config.go's URL parameters), and links of cpprof's earlier UI.
// Each opens its view, at the address (path and query) the browser ends on,
// showing what shows(page) looks for.
const labels = (page) => page.textContent('#labels');
const pprofUrls = [
  { path: '/', view: 'graph', at: '/ui/' },
  { path: '/?si=samples&f=sort', view: 'graph', at: '/ui/?si=samples&f=sort',
    shows: async (page) => (await labels(page)).includes('Type: samples') && (await page.locator('#graph g.node').count()) > 0 },
  { path: '/ui?f=sort', view: 'graph', at: '/ui/?f=sort' },
  { path: '/ui/', view: 'graph', shows: async (page) => (await page.locator('#graph g.node').count()) > 5 },
  { path: '/ui/top', view: 'top', shows: async (page) => (await page.textContent('#table')).includes('sort.partition') },
  // pprof's top view shows up to 500 rows whatever n= says.
  { path: '/ui/top?sort=cum&g=files&n=3', view: 'top',
    shows: async (page) => (await page.textContent('#table tbody tr td:last-child')).endsWith('/tmp/sharedgen.go') &&
      (await page.locator('#table tbody tr').count()) > 3 },
  { path: '/ui/flamegraph', view: 'flamegraph', shows: (page) => page.evaluate(() => window.cpprof.root.value > 0) },
  { path: '/ui/flamegraph?i=sort&h=runtime&tf=stage%3Ddigest', view: 'flamegraph',
    shows: (page) => page.evaluate(() => JSON.stringify(window.cpprof.data.names).includes('sha256') && !JSON.stringify(window.cpprof.data.names).includes('sort.')) },
  { path: `/ui/peek?f=${encodeURIComponent('sort\\.(Sort|Ints)')}`, view: 'peek',
    shows: async (page) => {
      const text = await page.textContent('#top');
      return text.includes('| sort.Sort ') && text.includes('| sort.Ints ');
    } },
  { path: '/ui/source?f=main.hashLoop', view: 'source', shows: async (page) => (await page.frameLocator('#source').locator('h2').textContent()) === 'main.hashLoop' },
  { path: '/ui/disasm?f=main.hashLoop', view: 'disasm', shows: async (page) => (await page.textContent('#error')).includes('no matches found for regexp: main.hashLoop') },
  { path: '/top?si=samples', view: 'top', at: '/ui/top?si=samples', shows: async (page) => (await labels(page)).includes('Type: samples') },
  { path: '/graph', view: 'graph', at: '/ui/' },
  { path: '/peek?q=sort.Sort', view: 'peek', at: '/ui/peek?q=sort.Sort', shows: async (page) => (await page.textContent('#top')).includes('| sort.Sort') },
];

const quoteMeta = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// The browser command writes its file at once (a rename) when it runs.
async function waitForFile(path) {
  for (let i = 0; i < 200 && !existsSync(path); i++) await delay(50);
}


// What a user sees of a view without scrolling at 1280x800: the element's
// box (its first `strip` pixels for a long listing) lies in the viewport, and
// the element, not something over it, is what is drawn at that strip's centre.
// Resolves to '' when shown, else to what is wrong.
const VIEWPORT = { width: 1280, height: 800 };
async function whereShown(locator, strip = Infinity) {
  const box = await locator.boundingBox();
  if (!box) return 'not laid out';
  const h = Math.min(box.height, strip);
  if (box.x < 0 || box.y < 0 || box.x + box.width > VIEWPORT.width || box.y + h > VIEWPORT.height) {
    return `box x=${box.x} y=${box.y} w=${box.width} h=${h} is off the first screen`;
  }
  const covered = await locator.evaluate((e, h) => {
    const r = e.getBoundingClientRect();
    const at = e.ownerDocument.elementFromPoint(r.x + Math.min(r.width / 2, 40), r.y + h / 2);
    return at && at !== e && !e.contains(at) ? at.tagName + '#' + at.id : '';
  }, h);
  return covered ? `covered by ${covered}` : '';
}
async function checkShown(name, locator, strip) {
  const why = await whereShown(locator, strip);
  check(name, why === '', why);
}

const [url, server] = await serve([`${profiles}/cpu.pb.gz`]);
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // Flame graph.
  await page.goto(`${url}/ui/flamegraph`);
  await ready(page);
  const total = await page.evaluate(() => window.cpprof.root.value);
  check('flame graph: data loaded', total > 0, `total=${total}`);
  check('flame graph: header', (await page.textContent('#labels')).includes('Type: cpu'));
  check('flame graph: canvas drawn', await page.evaluate(() => document.getElementById('flame').height > 100));
  await checkShown('flame graph: first rows on the first screen', page.locator('#flame'), 3 * 18);
  await page.screenshot({ path: `${outdir}/flamegraph.png` });

  // Click the second row's first box: it becomes the zoom root, in the crumbs.
  const box = await page.locator('#flame').boundingBox();
  await page.mouse.click(box.x + 5, box.y + 18 * 1.5);
  const zoomed = await page.evaluate(() => window.cpprof.zoom && window.cpprof.zoom.name);
  check('click zooms', zoomed && zoomed !== 'root', `zoom=${zoomed}`);
  check('crumbs show the path', (await page.textContent('#crumbs')).includes(zoomed));
  await page.screenshot({ path: `${outdir}/flamegraph-zoomed.png` });

  // Pivot on the selection: its callers above, its callees below.
  await Promise.all([page.waitForNavigation(), page.click('#pivot')]);
  await ready(page);
  check('pivot in URL', new URL(page.url()).searchParams.get('p') === zoomed);
  check('pivot view', await page.evaluate(() => window.cpprof.pivot !== undefined && window.cpprof.zoom === window.cpprof.pivot));
  check('pivot has callers', await page.evaluate(() => window.cpprof.callers.children.length > 0));
  await page.screenshot({ path: `${outdir}/pivot.png` });
  await Promise.all([page.waitForNavigation(), page.click('#reset')]);
  await ready(page);
  await page.mouse.click(box.x + 5, box.y + 18 * 1.5);

  // Label filter from the labels the samples carry.
  check('label filter offered', await page.isVisible('#label-filter'));
  const option = await page.$eval('#label option:nth-child(2)', (o) => o.value);
  await Promise.all([page.waitForNavigation(), page.selectOption('#label', option)]);
  await ready(page);
  check('label filter in URL', new URL(page.url()).searchParams.get('tf') === option, page.url());
  const labelled = await page.evaluate(() => window.cpprof.root.value);
  check('label filter shrinks the total', labelled > 0 && labelled < total, `${labelled} vs ${total}`);
  await page.selectOption('#label-mode', 'ti');
  const dropped = await page.$eval('#label option:nth-child(2)', (o) => o.value);
  await Promise.all([page.waitForNavigation(), page.selectOption('#label', dropped)]);
  await ready(page);
  const rest = await page.evaluate(() => window.cpprof.root.value);
  check('label ignore in URL', new URL(page.url()).searchParams.get('ti') === dropped && !new URL(page.url()).searchParams.get('tf'));
  check('label ignore keeps the rest', rest > 0 && rest < total, `${rest} vs ${total}`);
  await Promise.all([page.waitForNavigation(), page.click('#reset')]);
  await ready(page);
  await page.mouse.click(box.x + 5, box.y + 18 * 1.5);

  // Search highlights and sums the matches.
  await page.fill('#search', 'sort\\.');
  check('search sums matches', (await page.textContent('#details')).startsWith('Matched:'));

  // Focus on the selection: the URL carries f=, the total shrinks.
  await page.fill('#search', '');
  await Promise.all([page.waitForNavigation(), page.click('#focus')]);
  await ready(page);
  check('focus in URL', new URL(page.url()).searchParams.get('f') === `^${quoteMeta(zoomed)}$`, page.url());
  const focused = await page.evaluate(() => window.cpprof.root.value);
  check('focus shrinks the total', focused > 0 && focused < total, `${focused} vs ${total}`);
  check('focus listed in header', (await page.textContent('#labels')).length > 0);

  // Another sample type.
  await Promise.all([page.waitForNavigation(), page.selectOption('#sample', 'samples')]);
  await ready(page);
  check('sample type in URL', new URL(page.url()).searchParams.get('si') === 'samples');
  check('sample type in header', (await page.textContent('#labels')).includes('Type: samples'));

  // Save the settings as a config, switch to it from elsewhere, delete it.
  page.once('dialog', (d) => d.accept('mine'));
  await page.click('#save');
  await page.waitForFunction(() => document.querySelectorAll('#config option').length === 2);
  await page.goto(`${url}/ui/flamegraph`);
  await ready(page);
  await Promise.all([page.waitForNavigation(), page.selectOption('#config', { label: 'mine' })]);
  await ready(page);
  check('config switch restores its settings', new URL(page.url()).searchParams.get('si') === 'samples', page.url());
  page.once('dialog', (d) => d.accept());
  await page.click('#delete');
  await page.waitForFunction(() => document.querySelectorAll('#config option').length === 1);
  check('config deleted', true);

  // Top view.
  await page.goto(`${url}/ui/top`);
  await ready(page);
  check('top view', (await page.locator('#table th').count()) === 6);
  for (let i = 0; i < 3; i++) await checkShown(`top: row ${i + 1} on the first screen`, page.locator('#table tbody tr').nth(i));
  check('top: hidden flame graph not laid out', (await page.locator('#flame').boundingBox()) === null);
  const typeLines = (await page.innerText('body')).split('\n').filter((l) => l.startsWith('Type: ')).length;
  check('top: profile header once', typeLines === 1, `${typeLines} "Type:" lines`);
  await page.click('#table th:nth-child(4)');  // cum, largest first
  const cums = await page.$$eval('#table tbody tr td:nth-child(5)', (tds) => tds.map((td) => parseFloat(td.textContent)));
  check('top sorts by cum', cums.length > 3 && cums.every((v, i) => i === 0 || cums[i - 1] >= v), cums.slice(0, 5).join(' '));
  await page.screenshot({ path: `${outdir}/top.png` });

  // Graph view: graphviz's SVG, nodes selectable, wheel zooms.
  await page.goto(`${url}/ui/`);
  await ready(page);
  const nodes = await page.locator('#graph g.node').count();
  check('graph view has nodes', nodes > 5, `nodes=${nodes}`);
  // It opens fitted into the window: the whole graph, every node, shows.
  await checkShown('graph: whole graph on the first screen', page.locator('#graph svg g.graph'));
  const hidden = [];
  for (let i = 0; i < nodes; i++) {
    const why = await whereShown(page.locator('#graph g.node').nth(i));
    if (why) hidden.push(`node ${i + 1}: ${why}`);
  }
  check('graph: every node on the first screen', hidden.length === 0, `${hidden.length} of ${nodes} not, ${hidden[0]}`);
  await page.screenshot({ path: `${outdir}/graph.png` });
  await page.locator('#graph g.node').nth(1).click();
  const picked = await page.evaluate(() => window.cpprof.selected && window.cpprof.selected.name);
  check('graph node selected', typeof picked === 'string' && picked.length > 0, picked);
  // The graph point under the pointer, and the viewBox's width.
  const underPointer = (x, y) => page.evaluate(([x, y]) => {
    const svg = document.querySelector('#graph svg');
    const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM().inverse());
    return [p.x, p.y, svg.viewBox.baseVal.width];
  }, [x, y]);
  const g = await page.locator('#graph svg').boundingBox();
  const [px, py] = [g.x + g.width * 0.3, g.y + g.height * 0.4];
  const before = await underPointer(px, py);
  await page.mouse.move(px, py);
  await page.mouse.wheel(0, -300);
  const after = await underPointer(px, py);
  check('wheel zooms the graph', after[2] < before[2], `${after[2]} vs ${before[2]}`);
  check('wheel zooms around the pointer', Math.hypot(after[0] - before[0], after[1] - before[1]) < 1, `${before} -> ${after}`);
  await page.mouse.down();
  await page.mouse.move(px + 100, py + 50);
  await page.mouse.up();
  const dragged = await underPointer(px + 100, py + 50);
  check('drag pans the graph', Math.hypot(dragged[0] - after[0], dragged[1] - after[1]) < 1, `${after} -> ${dragged}`);
  await page.screenshot({ path: `${outdir}/graph-zoomed.png` });

  // Peek at the callers and callees of a regexp.
  await page.goto(`${url}/ui/peek?f=sort.Sort`);
  await ready(page);
  check('peek view', (await page.textContent('#top')).includes('calls calls% + context'));
  await checkShown('peek: first lines on the first screen', page.locator('#top'), 40);

  // Source of a regexp (the profile's sources are not on this machine: the
  // listing says so, as pprof's does).
  await page.goto(`${url}/ui/source?f=main.hashLoop`);
  await ready(page);
  const frame = page.frameLocator('#source');
  await frame.locator('h2').waitFor();
  check('source view', (await frame.locator('h2').textContent()) === 'main.hashLoop');
  check('source: profile header once', await frame.locator('.legend').isHidden());
  await checkShown('source: function name on the first screen', frame.locator('h2'));
  await checkShown('source: first lines on the first screen', frame.locator('pre').first(), 40);
  await page.screenshot({ path: `${outdir}/source.png` });

  // Download: the loaded profile, gzipped.
  const bytes = await page.evaluate(async () => Array.from(new Uint8Array(await (await fetch('download')).arrayBuffer()).slice(0, 2)));
  check('download is gzip', bytes[0] === 0x1f && bytes[1] === 0x8b, JSON.stringify(bytes));

  // Errors show in the page.
  await page.goto(`${url}/ui/flamegraph?f=(`);
  await ready(page);
  check('bad regexp shown', (await page.textContent('#error')).includes('parsing focus regexp'));
  check('no script errors', errors.length === 0, errors.join('; '));

  // Hostile requests get clean answers and the server lives on.
  const status = async (path) => (await fetch(url + path)).status;
  check('bad regexp is 400', (await status('/ui/data/flamegraph?f=(')) === 400);
  check('bad number is 400', (await status('/ui/data/top?n=99999999999999999999')) === 400);
  check('traversal is 404', (await status('/../../etc/passwd')) === 404);
  check('huge parameter', [200, 400, 414].includes(await status('/ui/data/top?f=' + 'a'.repeat(100000))));
  check('still serving', (await status('/ui/data/header')) === 200);
  // Responses go out as they are, as pprof's do, even to a client that takes
  // brotli: Debian's cpp-httplib would spend ~0.6 s on a big flame graph.
  const plain = await fetch(url + '/ui/data/flamegraph', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
  check('responses not compressed', plain.status === 200 && !plain.headers.has('content-encoding'),
    plain.headers.get('content-encoding'));

  // pprof's URLs open their views.
  for (const u of pprofUrls) {
    errors.length = 0;
    await page.goto(url + u.path);
    await ready(page);
    const at = new URL(page.url());
    check(`${u.path}: at ${u.at || u.path}`, at.pathname + at.search === (u.at || u.path), page.url());
    check(`${u.path}: ${u.view} view`, (await page.evaluate(() => window.cpprof.view)) === u.view);
    check(`${u.path}: no error`, u.view === 'disasm' || (await page.isHidden('#error')), await page.textContent('#error'));
    check(`${u.path}: shows its content`, !u.shows || (await u.shows(page)));
    check(`${u.path}: no script errors`, errors.length === 0, errors.join('; '));
  }
  // The rest of pprof's handlers: download, saveconfig, deleteconfig (methods
  // as pprof's page sends them).
  const res = async (method, path) => fetch(url + path, { method, redirect: 'manual' });
  const saved = await res('POST', '/ui/saveconfig?config=ticket&f=sort&si=samples');
  check('/ui/saveconfig', saved.status === 200 && (await saved.json()).some((c) => c.name === 'ticket' && c.query === 'f=sort&si=samples'));
  check('/ui/deleteconfig', (await res('DELETE', '/ui/deleteconfig?config=ticket')).status === 200);
  check('/ui/deleteconfig of a missing config', (await res('DELETE', '/ui/deleteconfig?config=ticket')).status === 400);
  const download = await res('GET', '/ui/download');
  check('/ui/download', download.status === 200 && new Uint8Array(await download.arrayBuffer())[0] === 0x1f);
  check('/download goes to /ui/download', (await res('GET', '/download')).headers.get('location') === '/ui/download');

  // The browser opens pprof's address, with the command line's settings as
  // its URL parameters (pprof's makeURL: sample_index stays out).
  const opened = `${outdir}/opened-url`;
  rmSync(opened, { force: true });
  writeFileSync(`${outdir}/browser.sh`, `#!/bin/sh\necho "$1" > ${opened}.tmp && mv ${opened}.tmp ${opened}\n`, { mode: 0o755 });
  const [openUrl, openServer] = await serve(['-focus=main\\.hashLoop', '-sample_index=samples', `${profiles}/cpu.pb.gz`], [],
    { BROWSER: `${outdir}/browser.sh` });
  try {
    await waitForFile(opened);
    const browsed = readFileSync(opened, 'utf8').trim();
    check('browser opens pprof\'s address', browsed === `${openUrl}?f=main%5C.hashLoop`, `${browsed} vs ${openUrl}`);
    await page.goto(browsed);
    await ready(page);
    check('... which shows the graph', new URL(page.url()).pathname === '/ui/' && (await page.locator('#graph g.node').count()) > 0);
  } finally {
    openServer.kill();
  }

  // Disassembly, of cpprof's own code: the view opens on the listing.
  profileOfCpprof(`${outdir}/cpprof.prof`);
  const [asmUrl, asmServer] = await serve([`${outdir}/cpprof.prof`]);
  try {
    await page.goto(`${asmUrl}/ui/top`);
    await ready(page);
    const hottest = await page.textContent('#table tbody tr td:last-child');
    await page.goto(`${asmUrl}/ui/disasm?f=${encodeURIComponent(quoteMeta(hottest))}`);
    await ready(page);
    check('disasm view', (await page.textContent('#top')).includes('ROUTINE ='), hottest);
    await checkShown('disasm: first lines on the first screen', page.locator('#top'), 40);
    await page.screenshot({ path: `${outdir}/disasm.png` });
  } finally {
    asmServer.kill();
  }

  // A diff: growth red, shrinkage green.
  const [diffUrl, diffServer] = await serve([`-diff_base=${profiles}/heap-before.pb.gz`, `${profiles}/heap-after.pb.gz`]);
  try {
    await page.goto(`${diffUrl}/ui/flamegraph`);
    await ready(page);
    check('diff mode', await page.evaluate(() => window.cpprof.diff));
    check('diff legend', await page.isVisible('#legend'));
    await page.screenshot({ path: `${outdir}/diff.png` });
  } finally {
    diffServer.kill();
  }

  // -leaks: the bundled series of examples/growing_server, ranked by steady
  // growth, with the chart of the checked sites; the Leaks link only there.
  check('no Leaks link without -leaks', await page.evaluate(() => document.getElementById('view-leaks').hidden));
  const series = readdirSync(`${profiles}/leaks`).map((f) => `${profiles}/leaks/${f}`);
  const [leaksUrl, leaksServer] = await serve(['-leaks', ...series]);
  try {
    await page.goto(`${leaksUrl}/ui/leaks`);
    await ready(page);
    check('leaks view', !(await page.isVisible('#error')), await page.textContent('#error'));
    check('leaks link shown', await page.isVisible('#view-leaks'));
    check('leaks: the leak ranks first', (await page.textContent('#table tbody tr td:last-child')).endsWith('LogRequest'));
    check('leaks: a row per site', (await page.locator('#table tbody tr').count()) >= 2);
    await checkShown('leaks: chart on the first screen', page.locator('#chart'));
    await checkShown('leaks: first rows on the first screen', page.locator('#table'), 80);
    // The chart draws the checked sites: the leak's colour is on the canvas,
    // and unchecking every box leaves the grid only.
    const leakPixels = () => page.evaluate(() => {
      const c = document.getElementById('chart');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) n += d[i] === 0xc0 && d[i + 1] === 0x39 && d[i + 2] === 0x2b;
      return n;
    });
    check('leaks: the chart draws the leak', (await leakPixels()) > 100);
    await page.screenshot({ path: `${outdir}/leaks.png` });
    await page.locator('#table tbody tr input').first().uncheck();
    check('leaks: unchecked sites leave the chart', (await leakPixels()) === 0);
    // The other views show the last snapshot.
    await page.goto(`${leaksUrl}/ui/top`);
    await ready(page);
    check('leaks: top of the last snapshot', (await page.textContent('#table')).includes('LogRequest'));
  } finally {
    leaksServer.kill();
  }
} finally {
  await browser.close();
  server.kill();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
