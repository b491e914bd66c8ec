// The trace's web UI (src/web/trace_server.cc): one page, the view its path
// names: the index, the timeline (a canvas: a row per thread, regions above
// its states, CPU samples below), the thread table, and the task and region
// latency histograms. Data come from data/summary, data/timeline and
// data/stack (src/web/trace_json.h); addresses are relative.
'use strict';

const $ = (id) => document.getElementById(id);
window.cpprof = { ready: false };
const view = location.pathname.split('/').pop() || 'index';

// Go's time.Duration printing at 4 significant digits, as the CLI's table.
function fmtDur(ns) {
  if (ns === 0) return '0s';
  const a = Math.abs(ns);
  const units = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs'], [1, 'ns']];
  for (const [scale, unit] of units) {
    if (a >= scale || scale === 1) return `${+(ns / scale).toPrecision(4)}${unit}`;
  }
  return `${ns}ns`;
}

async function getJSON(path) {
  const r = await fetch(path);
  if (!r.ok) throw new Error(`${path}: ${r.status} ${r.statusText}`);
  return r.json();
}

const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  Object.assign(e, props);
  for (const c of children) e.append(c);
  return e;
};

// ---- index ----

const kProfiles = [['net', 'Network wait'], ['sync', 'Synchronization blocking'], ['syscall', 'Syscall blocking'],
  ['sched', 'Scheduler latency'], ['wall', 'Wall time (every state)']];

function showIndex(summary) {
  const table = $('profiles');
  for (const [kind, title] of kProfiles) {
    const base = `pprof/${kind}/ui/`;
    const row = el('tr', {}, el('td', {}, title));
    for (const [label, path] of [['flame graph', 'flamegraph'], ['top', 'top'], ['graph', ''],
      ['download', 'download']]) {
      row.append(el('td', {}, el('a', { href: base + path, className: `profile-${kind}` }, label)));
    }
    table.append(row);
  }
  $('perfetto').onclick = openInPerfetto;
  const notes = [];
  if (!summary.complete) notes.push('The trace has no end event (cut short?): it ends at its last event.');
  if (summary.droppedEvents) notes.push(`${summary.droppedEvents} events were dropped by the recorder.`);
  notes.push(`Scheduler waits from: ${summary.schedSource || 'none'}.`);
  $('notes').textContent = notes.join(' ');
}

// Perfetto's postMessage protocol: PING until it answers PONG, then the buffer.
async function openInPerfetto() {
  const origin = 'https://ui.perfetto.dev';
  const buffer = await (await fetch('trace.pftrace')).arrayBuffer();
  const win = window.open(origin + '/#!/');
  if (!win) return;
  const started = Date.now();
  const ping = setInterval(() => {
    if (Date.now() - started > 60000) clearInterval(ping);
    win.postMessage('PING', origin);
  }, 100);
  window.addEventListener('message', function onMessage(e) {
    if (e.origin !== origin || e.data !== 'PONG') return;
    clearInterval(ping);
    window.removeEventListener('message', onMessage);
    win.postMessage({ perfetto: { buffer, title: 'cpprof trace', fileName: 'trace.pftrace' } }, origin);
  });
}

// ---- thread table ----

const kColumns = ['Wall', 'On CPU', 'Sched wait', 'Sync block', 'Network wait', 'Syscall', 'Sleep', 'Unknown'];

function showThreads(summary) {
  const table = $('thread-table');
  const open = new Set();
  let sortBy = 0;  // index into times; -1: by name
  const draw = () => {
    table.textContent = '';
    const head = el('tr');
    const headers = [['Group / thread', -1], ['TID', -2], ...kColumns.map((c, i) => [c, i])];
    for (const [name, i] of headers) {
      const th = el('th', { className: (i >= 0 ? 'n' : '') + (i === sortBy ? ' sorted' : '') }, name);
      if (i !== -2) th.onclick = () => { sortBy = i; draw(); };
      head.append(th);
    }
    table.append(head);
    const key = (times, name) => (sortBy < 0 ? name : -times[sortBy]);
    const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
    const groups = summary.groups.map((g, i) => ({ ...g, i }));
    groups.sort((a, b) => cmp(key(a.times, a.name), key(b.times, b.name)));
    for (const g of groups) {
      const name = (g.name || '(unnamed)') + (g.startRoutine ? ` (${g.startRoutine})` : '');
      const row = el('tr', { className: 'group' + (open.has(g.i) ? ' open' : '') },
        el('td', {}, name), el('td', {}, `${g.threads.length} thread${g.threads.length === 1 ? '' : 's'}`),
        ...g.times.map((t) => el('td', { className: 'n' }, fmtDur(t))));
      row.onclick = () => { open.has(g.i) ? open.delete(g.i) : open.add(g.i); draw(); };
      table.append(row);
      if (!open.has(g.i)) continue;
      const threads = g.threads.map((t) => summary.threads[t]);
      threads.sort((a, b) => cmp(key(a.times, a.tid), key(b.times, b.tid)));
      for (const t of threads) {
        table.append(el('tr', { className: 'thread' }, el('td', {}, t.name || '(unnamed)'), el('td', {}, String(t.tid)),
          ...t.times.map((v) => el('td', { className: 'n' }, fmtDur(v)))));
      }
    }
  };
  // One group: open it.
  if (summary.groups.length === 1) open.add(0);
  draw();
}

// ---- task and region latencies ----

// Buckets at 1, 2, 5 x 10^k ns: each duration counts in the largest bound <= it.
function histogram(durations) {
  const bounds = [];
  for (let p = 1; p <= 1e12; p *= 10) bounds.push(p, 2 * p, 5 * p);
  const counts = new Map();
  for (const d of durations) {
    let b = 0;
    while (b + 1 < bounds.length && bounds[b + 1] <= d) b++;
    counts.set(b, (counts.get(b) || 0) + 1);
  }
  const used = [...counts.keys()].sort((a, b) => a - b);
  return used.length ? bounds.slice(used[0], used[used.length - 1] + 1).map((bound, k) =>
    [bound, counts.get(used[0] + k) || 0]) : [];
}

function showLatencies(section, byType, what) {
  const types = [...byType.keys()].sort((a, b) => byType.get(b).length - byType.get(a).length || cmpStr(a, b));
  if (!types.length) section.append(el('p', {}, `No ${what} in this trace.`));
  for (const type of types) {
    const d = byType.get(type).filter((x) => x >= 0).sort((a, b) => a - b);
    const unended = byType.get(type).length - d.length;
    const q = (f) => (d.length ? fmtDur(d[Math.min(d.length - 1, Math.floor(f * d.length))]) : '-');
    const box = el('div', { className: 'latency' });
    box.append(el('h2', {}, `${type || '(unnamed)'}: ${byType.get(type).length} ${what}` +
      (unended ? `, ${unended} not ended in the trace` : '')));
    box.append(el('p', {}, `min ${q(0)}, median ${q(0.5)}, 90th percentile ${q(0.9)}, max ${q(1)}`));
    const hist = el('table', { className: 'hist numbers' });
    const rows = histogram(d);
    const most = Math.max(1, ...rows.map((r) => r[1]));
    for (const [bound, count] of rows) {
      const bar = el('div');
      bar.style.width = `${Math.round(300 * count / most)}px`;
      hist.append(el('tr', {}, el('td', { className: 'n' }, `≥ ${fmtDur(bound)}`), el('td', { className: 'bar' }, bar),
        el('td', { className: 'n' }, String(count))));
    }
    box.append(hist);
    section.append(box);
  }
}

const cmpStr = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

function groupBy(items, type, duration) {
  const m = new Map();
  for (const it of items) {
    const k = type(it);
    if (!m.has(k)) m.set(k, []);
    m.get(k).push(duration(it));
  }
  return m;
}

// ---- timeline ----

const kStateColors = ['#e15759', '#4e79a7', '#f28e2b', '#bab0ac', '#edc948', '#b07aa1'];
const kRegionColor = '#59a14f';
const kSampleColor = '#2a9d8f';
const kLabelWidth = 170, kAxisHeight = 22, kRowHeight = 30;
// Within a row: regions (nesting shrinks them) above the states, samples below.
const kRegionTop = 2, kRegionHeight = 9, kStateTop = 12, kStateHeight = 12, kSampleTop = 25, kSampleHeight = 4;

// Rows of a flat array of `width` numbers per item, split by thread (field 0),
// with the longest item per thread, for the binary searches below.
function splitByThread(flat, width, nthreads, durationField) {
  const rows = Array.from({ length: nthreads }, () => ({ items: [], longest: 0 }));
  for (let i = 0; i < flat.length; i += width) {
    const r = rows[flat[i]];
    if (!r) continue;
    r.items.push(i);
    if (durationField >= 0) r.longest = Math.max(r.longest, flat[i + durationField]);
  }
  return rows;
}

// The first of sorted item offsets whose start (flat[off + 2]) is >= t.
function firstFrom(flat, items, t) {
  let lo = 0, hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (flat[items[mid] + 2] < t) lo = mid + 1; else hi = mid;
  }
  return lo;
}

async function showTimeline() {
  const d = await getJSON('data/timeline');
  const n = d.threads.length;
  const iv = splitByThread(d.intervals, 7, n, 3);
  const rg = splitByThread(d.regions, 6, n, 3);
  const sm = splitByThread(d.samples, 3, n, -1);
  for (const r of sm) r.items.sort((a, b) => d.samples[a + 1] - d.samples[b + 1]);
  // Samples carry their time in field 1; the searches read field 2, so keep a view.
  const sampleTimes = sm.map((r) => r.items.map((i) => d.samples[i + 1]));
  const tasks = new Map(d.tasks.map((t) => [t.id, t]));

  const legend = $('legend');
  d.states.forEach((s, i) => legend.append(el('span', {}, Object.assign(el('i'), { style: `background:${kStateColors[i]}` }), s)));
  legend.append(el('span', {}, Object.assign(el('i'), { style: `background:${kRegionColor}` }), 'region'));
  legend.append(el('span', {}, Object.assign(el('i'), { style: `background:${kSampleColor}` }), 'CPU sample'));

  const canvas = $('canvas');
  const ctx = canvas.getContext('2d');
  let t0 = 0, t1 = Math.max(d.duration, 1000);
  let width = 0;
  const height = kAxisHeight + n * kRowHeight;
  const plotW = () => width - kLabelWidth;
  const xOf = (t) => kLabelWidth + (t - t0) / (t1 - t0) * plotW();
  const tOf = (x) => t0 + (x - kLabelWidth) / plotW() * (t1 - t0);

  const resize = () => {
    width = canvas.parentElement.clientWidth;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = width * dpr;
    canvas.height = height * dpr;
    canvas.style.height = `${height}px`;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    draw();
  };

  function drawAxis() {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, kAxisHeight);
    const span = t1 - t0;
    // About 8 ticks at 1, 2 or 5 x 10^k ns.
    const raw = span / 8, p = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = Math.max(1, (raw / p <= 1 ? 1 : raw / p <= 2 ? 2 : raw / p <= 5 ? 5 : 10) * p);
    ctx.fillStyle = '#333';
    ctx.strokeStyle = '#e4e4e4';
    ctx.font = '11px system-ui, sans-serif';
    for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
      const x = xOf(t);
      ctx.beginPath();
      ctx.moveTo(x + 0.5, kAxisHeight - 6);
      ctx.lineTo(x + 0.5, height);
      ctx.stroke();
      ctx.fillText(fmtDur(t), x + 3, kAxisHeight - 8);
    }
  }

  // Spans of a row in [t0, t1], at most one per pixel column (the first
  // that reaches it), so that a million of them draw as fast as the canvas
  // is wide: 1.28M waits drew in seconds one rectangle each.
  function drawSpans(flat, row, colorOf, top, heightOf) {
    let last = -1;
    for (let k = firstFrom(flat, row.items, t0 - row.longest); k < row.items.length; k++) {
      const i = row.items[k];
      const start = flat[i + 2], end = start + flat[i + 3];
      if (start > t1) break;
      if (end < t0) continue;
      const x0 = Math.max(kLabelWidth, xOf(start)), x1 = Math.min(width, xOf(end));
      if (Math.floor(x1) <= last) continue;
      ctx.fillStyle = colorOf(i);
      const [y, h] = heightOf(i);
      const from = Math.max(x0, last + 1);
      ctx.fillRect(from, top + y, Math.max(1, x1 - from), h);
      last = Math.floor(Math.max(x1, from + 1));
    }
  }

  function draw() {
    ctx.clearRect(0, 0, width, height);
    drawAxis();
    ctx.font = '12px system-ui, sans-serif';
    for (let r = 0; r < n; r++) {
      const y = kAxisHeight + r * kRowHeight;
      const th = d.threads[r];
      ctx.fillStyle = r % 2 ? '#fafafa' : '#fff';
      ctx.fillRect(0, y, width, kRowHeight);
      // The thread's lifetime as a thin line.
      ctx.fillStyle = '#ddd';
      const a = Math.max(kLabelWidth, xOf(th.start)), b = Math.min(width, xOf(th.end));
      if (b > a) ctx.fillRect(a, y + kStateTop + kStateHeight / 2 - 1, b - a, 2);
      drawSpans(d.regions, rg[r], () => kRegionColor, y, (i) => {
        const depth = Math.min(d.regions[i + 4], 3);
        return [kRegionTop + depth * 2, Math.max(2, kRegionHeight - depth * 2)];
      });
      drawSpans(d.intervals, iv[r], (i) => kStateColors[d.intervals[i + 1]], y, () => [kStateTop, kStateHeight]);
      ctx.fillStyle = kSampleColor;
      const times = sampleTimes[r];
      let lo = 0, hi = times.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (times[mid] < t0) lo = mid + 1; else hi = mid; }
      let lastX = -1;
      for (let k = lo; k < times.length && times[k] <= t1; k++) {
        const x = Math.floor(xOf(times[k]));
        if (x === lastX) continue;
        ctx.fillRect(x, y + kSampleTop, 1, kSampleHeight);
        lastX = x;
      }
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, y, kLabelWidth, kRowHeight);
      ctx.fillStyle = '#222';
      ctx.fillText(`${th.name || '(unnamed)'} ${th.tid}`.slice(0, 26), 6, y + 19);
    }
    ctx.strokeStyle = '#ccc';
    ctx.beginPath();
    ctx.moveTo(kLabelWidth - 0.5, 0);
    ctx.lineTo(kLabelWidth - 0.5, height);
    ctx.stroke();
  }

  // Zoom around the pointer, down to a microsecond across the plot.
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    const x = e.offsetX;
    if (x < kLabelWidth) return;
    const t = tOf(x);
    const f = Math.exp(e.deltaY * 0.002);
    const span = Math.min(Math.max((t1 - t0) * f, 1000), Math.max(d.duration, 1000) * 2);
    t0 = t - (x - kLabelWidth) / plotW() * span;
    t1 = t0 + span;
    draw();
  }, { passive: false });

  let drag = null;
  canvas.addEventListener('mousedown', (e) => { drag = { x: e.offsetX, t0, t1, moved: false }; });
  window.addEventListener('mousemove', (e) => {
    if (!drag) return;
    const dx = e.offsetX - drag.x;
    if (Math.abs(dx) > 2) drag.moved = true;
    const dt = dx / plotW() * (drag.t1 - drag.t0);
    t0 = drag.t0 - dt;
    t1 = drag.t1 - dt;
    draw();
  });
  window.addEventListener('mouseup', (e) => {
    if (drag && !drag.moved && e.target === canvas) select(e.offsetX, e.offsetY);
    drag = null;
  });

  // What lies under (x, y): a state interval, a region or a CPU sample.
  function hit(x, y) {
    const r = Math.floor((y - kAxisHeight) / kRowHeight);
    if (r < 0 || r >= n || x < kLabelWidth) return null;
    const inRow = y - kAxisHeight - r * kRowHeight;
    const t = tOf(x), slack = 3 / plotW() * (t1 - t0);
    const find = (flat, row) => {
      let best = null;
      for (let k = firstFrom(flat, row.items, t - row.longest - slack); k < row.items.length; k++) {
        const i = row.items[k];
        if (flat[i + 2] > t + slack) break;
        if (flat[i + 2] + flat[i + 3] + slack >= t) best = i;  // the innermost (latest started) wins
      }
      return best;
    };
    if (inRow >= kStateTop && inRow < kStateTop + kStateHeight) {
      const i = find(d.intervals, iv[r]);
      if (i !== null) return { kind: 'state', r, i, t };
    }
    if (inRow < kStateTop) {
      const i = find(d.regions, rg[r]);
      if (i !== null) return { kind: 'region', r, i, t };
    }
    const times = sampleTimes[r];
    let best = -1;
    for (let k = 0; k < times.length; k++) {
      if (Math.abs(times[k] - t) <= slack && (best < 0 || Math.abs(times[k] - t) < Math.abs(times[best] - t))) best = k;
    }
    if (best >= 0) return { kind: 'sample', r, i: sm[r].items[best], t };
    return { kind: 'thread', r, t };
  }

  // The regions of row r open at time t, outermost first.
  function regionsAt(r, t) {
    const out = [];
    for (const i of rg[r].items) {
      if (d.regions[i + 2] <= t && t <= d.regions[i + 2] + d.regions[i + 3]) out.push(i);
    }
    return out;
  }

  async function select(x, y) {
    const h = hit(x, y);
    const details = $('details');
    if (!h) return;
    const th = d.threads[h.r];
    const lines = [`thread ${th.name || '(unnamed)'} (tid ${th.tid}) at ${fmtDur(h.t)}`];
    let stack = 0;
    if (h.kind === 'state') {
      const f = d.intervals.slice(h.i, h.i + 7);
      lines.push(`${d.states[f[1]]} in ${d.strings[f[5]] || '?'}${f[6] ? ` (object ${f[6].toString(16)})` : ''}: ` +
        `${fmtDur(f[3])} from ${fmtDur(f[2])}`);
      stack = f[4];
    } else if (h.kind === 'region') {
      const f = d.regions.slice(h.i, h.i + 6);
      lines.push(`region ${d.strings[f[1]]}: ${fmtDur(f[3])} from ${fmtDur(f[2])}, depth ${f[4]}`);
    } else if (h.kind === 'sample') {
      lines.push(`CPU sample at ${fmtDur(d.samples[h.i + 1])}`);
      stack = d.samples[h.i + 2];
    }
    for (const i of regionsAt(h.r, h.t)) {
      const task = d.regions[i + 5] ? tasks.get(d.regions[i + 5]) : null;
      lines.push(`  in region ${d.strings[d.regions[i + 1]]}` + (task ? ` of task ${task.id} (${d.strings[task.type]}, ` +
        `${task.end < 0 ? 'not ended' : fmtDur(task.end - task.start)})` : ''));
    }
    if (stack) {
      const frames = await getJSON(`data/stack?id=${stack}`);
      lines.push('stack:');
      for (const fr of frames) lines.push(`  ${fr.function}  ${fr.file}${fr.line ? ':' + fr.line : ''}`);
    } else if (h.kind === 'state') {
      lines.push('(no stack: a scheduler wait has none)');
    }
    details.textContent = lines.join('\n');
    details.hidden = false;
    window.cpprof.selected = h.kind;
  }

  new ResizeObserver(resize).observe(canvas.parentElement);
  resize();
}

async function main() {
  const nav = $(`nav-${view}`);
  if (nav) nav.classList.add('current');
  const summary = await getJSON('data/summary');
  $('process').textContent = `${summary.process} (pid ${summary.pid}), ${fmtDur(summary.duration)}, ` +
    `${summary.threads.length} threads`;
  const section = $(view);
  if (!section) throw new Error(`no view ${view}`);
  section.hidden = false;
  if (view === 'index') showIndex(summary);
  if (view === 'threads') showThreads(summary);
  if (view === 'timeline') await showTimeline();
  if (view === 'tasks' || view === 'regions') {
    const d = await getJSON('data/timeline');
    if (view === 'tasks') {
      showLatencies(section, groupBy(d.tasks, (t) => d.strings[t.type], (t) => (t.end < 0 ? -1 : t.end - t.start)), 'tasks');
    } else {
      const regions = [];
      for (let i = 0; i < d.regions.length; i += 6) regions.push(i);
      showLatencies(section, groupBy(regions, (i) => d.strings[d.regions[i + 1]], (i) => d.regions[i + 3]), 'regions');
    }
  }
}

main().catch((e) => {
  $('error').textContent = String(e);
  $('error').hidden = false;
}).finally(() => { window.cpprof.ready = true; });
