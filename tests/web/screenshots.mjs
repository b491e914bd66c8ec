// The README's pictures of the web UI (`make screenshots`): the flame graph and
// the call graph of the demo profile, as a new user's browser shows them when
// they open, and the leaks view of the bundled series. 1024x640 keeps each
// PNG under 100 KB.
// usage: node screenshots.mjs CPPROF PROFILE_DIR OUTDIR
import { readdirSync } from 'node:fs';
import { launch, ready, serve } from './serve.mjs';

const [cpprof, profiles, outdir] = process.argv.slice(2);
// The graph focused on one loop, so that its boxes are readable at this size.
const shots = { 'web-flamegraph.png': '/ui/flamegraph', 'web-graph.png': '/ui/?f=main.sortLoop' };

const [url, server] = await serve(cpprof, [`${profiles}/cpu.pb.gz`]);
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1024, height: 640 } });
  for (const [file, path] of Object.entries(shots)) {
    await page.goto(url + path);
    await ready(page);
    await page.screenshot({ path: `${outdir}/${file}` });
  }
  // The leak hunt over time: the bundled series of examples/growing_server.
  const series = readdirSync(`${profiles}/leaks`).map((f) => `${profiles}/leaks/${f}`);
  const [leaksUrl, leaksServer] = await serve(cpprof, ['-leaks', ...series]);
  try {
    await page.goto(leaksUrl + '/ui/leaks');
    await ready(page);
    await page.screenshot({ path: `${outdir}/web-leaks.png` });
  } finally {
    leaksServer.kill();
  }
} finally {
  await browser.close();
  server.kill();
}
