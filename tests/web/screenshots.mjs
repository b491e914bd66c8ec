// The README's pictures of the web UI (`make screenshots`): the flame graph and
// the call graph of the demo profile, as a new user's browser shows them when
// they open. 1024x640 keeps each PNG under 100 KB.
// usage: node screenshots.mjs CPPROF PROFILE_DIR OUTDIR
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
} finally {
  await browser.close();
  server.kill();
}
