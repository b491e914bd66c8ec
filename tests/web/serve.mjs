// What the browser tests and the README's screenshots share: a cpprof -http
// server on a free loopback port, Debian's chromium, and the page's readiness.
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

// Starts cpprof -http on a free port (-no_browser unless browser says
// otherwise); resolves to [url, process] once it prints its address.
export function serve(cpprof, args, browser = ['-no_browser'], env = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(cpprof, ['-http=127.0.0.1:0', ...browser, ...args], { env: { ...process.env, TZ: 'UTC', ...env } });
    let err = '';
    proc.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/Serving web UI on (\S+)/);
      if (m) resolve([m[1], proc]);
    });
    proc.on('exit', (code) => reject(new Error(`cpprof exited ${code}: ${err}`)));
    setTimeout(() => reject(new Error('no "Serving web UI" line: ' + err)), 20000);
  });
}

export const launch = () => chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});

// The page sets window.cpprof.ready once its view is drawn (or its error shown).
export const ready = (page) => page.waitForFunction(() => window.cpprof && window.cpprof.ready, null, { timeout: 20000 });
