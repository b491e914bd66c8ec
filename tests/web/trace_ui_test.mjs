// Browser test of `cpprof trace -http` (src/web/trace_server.cc): the index,
// the timeline (rows drawn, a click on a wait shows its stack, wheel zoom),
// the thread table (sorting, groups), the task and region histograms, and a
// derived profile in the pprof views. Screenshots go to OUTDIR.
// usage: node trace_ui_test.mjs CPPROF TRACE OUTDIR
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { launch, ready } from './serve.mjs';

const [cpprof, tracePath, outdir] = process.argv.slice(2);
mkdirSync(outdir, { recursive: true });
let passed = 0, failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; } else { failed++; console.log(`FAIL ${name} ${detail}`); }
}

// cpprof trace -http on a free loopback port; resolves to [url, process] on its address line.
function serveTrace() {
  return new Promise((resolve, reject) => {
    const proc = spawn(cpprof, ['trace', '-http=127.0.0.1:0', '-no_browser', tracePath]);
    let err = '';
    proc.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/Serving web UI on (\S+)/);
      if (m) resolve([m[1], proc]);
    });
    proc.on('exit', (code) => reject(new Error(`cpprof trace exited ${code}: ${err}`)));
  });
}

const [url, server] = await serveTrace();
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  await page.goto(url + '/');
  await ready(page);
  check('index links the profiles', (await page.locator('#profiles a').count()) === 20);
  check('index offers the download', (await page.getAttribute('#download', 'href')) === 'trace.pftrace');
  await page.screenshot({ path: `${outdir}/index.png` });

  // The timeline: rows drawn in the states' colours.
  await page.goto(url + '/timeline');
  await ready(page);
  const box = await page.locator('#canvas').boundingBox();
  check('timeline canvas on the first screen', box && box.y < 200 && box.height >= 8 * 30, JSON.stringify(box));
  const colours = await page.evaluate(() => {
    const c = document.getElementById('canvas');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 7) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return [...seen];
  });
  for (const [name, rgb] of [['sync', '225,87,89'], ['network', '78,121,167'], ['region', '89,161,79']]) {
    check(`timeline draws ${name}`, colours.includes(rgb));
  }
  await page.screenshot({ path: `${outdir}/timeline.png` });

  // Zoom in on the first thread's first wait (a sync wait, 0.2-0.6 ms after the
  // thread's first region at 2 us), then click on it: its stack shows.
  const y = box.y + 22 + 12 + 6;  // axis, then the first row's state lane
  const xAt = async (ns) => page.evaluate(([ns, w]) => 170 + ns / window.__duration * (w - 170), [ns, box.width]);
  await page.evaluate(async () => { window.__duration = (await (await fetch('data/timeline')).json()).duration; });
  for (let i = 0; i < 12; i++) {
    await page.mouse.move(box.x + (await xAt(400000)), y);
    await page.mouse.wheel(0, -300);
  }
  await page.screenshot({ path: `${outdir}/timeline-zoomed.png` });
  // After zooming around x, the time under x is unchanged: 0.4 ms, inside the sync wait [0.202, 0.602] ms.
  await page.mouse.click(box.x + (await xAt(400000)), y);
  await page.waitForFunction(() => window.cpprof.selected === 'state');
  const details = await page.textContent('#details');
  check('a click shows the wait', details.includes('sync in pthread_mutex_lock'), details);
  check('a click shows the stack', details.includes('Dopthread_mutex_lock') && details.includes('WorkerMain'), details);
  check('a click shows the region and task', details.includes('in region handle of task 1 (request'), details);
  await page.screenshot({ path: `${outdir}/timeline-selected.png` });

  // The thread table: groups, sorted by a column on a click; a group opens.
  await page.goto(url + '/threads');
  await ready(page);
  check('thread table has its groups', (await page.locator('tr.group').count()) === 2);
  await page.click('th:has-text("Sleep")');
  check('sorting marks the column', (await page.locator('th.sorted').textContent()) === 'Sleep');
  await page.click('tr.group >> nth=0');
  check('a group opens on its threads', (await page.locator('tr.thread').count()) === 4);
  await page.screenshot({ path: `${outdir}/threads.png` });

  await page.goto(url + '/tasks');
  await ready(page);
  const tasks = await page.textContent('#tasks');
  check('tasks: latency of each type', tasks.includes('request: 32 tasks') && tasks.includes('median'), tasks.slice(0, 200));
  await page.goto(url + '/regions');
  await ready(page);
  check('regions: histogram rows', (await page.locator('#regions .hist tr').count()) >= 1);
  await page.screenshot({ path: `${outdir}/regions.png` });

  // A derived profile in the pprof views, reached from the index.
  await page.goto(url + '/');
  await ready(page);
  await page.click('a.profile-sync:has-text("top")');
  await ready(page);
  const top = await page.textContent('main');
  check('sync profile in the top view', top.includes('Dopthread_mutex_lock'), top.slice(0, 300));
  // go tool trace's path of the sync profile leads to it.
  await page.goto(url + '/block');
  await ready(page);
  check('/block opens the sync profile', page.url().endsWith('/pprof/sync/ui/flamegraph'), page.url());
  check('no script errors', errors.length === 0, errors.join('; '));
} finally {
  await browser.close();
  server.kill();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
