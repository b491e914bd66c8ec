// cpprof web UI: the flame graph (drawn on a canvas, so a million-sample
// profile stays smooth) and the top table. The server computes every view
// from the loaded profile; the paths (/ui/, /ui/top, ...) and URL parameters
// are pprof's, so links shared from either open in the other. Addresses are
// relative to the page's folder (/ui/), as pprof's are.
'use strict';

const params = new URLSearchParams(location.search);
// The graph is pprof's default view, at /ui/ itself.
const view = location.pathname.slice(location.pathname.lastIndexOf('/') + 1) || 'graph';
// Views of one regexp and the report the server runs for them. The regexp is
// pprof's f=, which also focuses the report on it (q= in older cpprof links).
const regexpReports = { peek: 'peek', source: 'list', disasm: 'disasm' };
const regexpParam = () => params.get('f') || params.get('q') || '';
const ROW = 18;  // px per flame graph row
const $ = (id) => document.getElementById(id);

// window.cpprof exposes the page's state to tests.
const state = window.cpprof = { view, ready: false, root: null, zoom: null, selected: null, flame: false, header: [] };

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = false;
}

async function fetchData(path) {
  const res = await fetch(path + '?' + params.toString());
  const body = await res.text();
  if (!res.ok) {
    let message = body;
    try { message = JSON.parse(body).error; } catch (e) { /* plain text */ }
    throw new Error(message);
  }
  return body;
}

// Values as pprof prints them: 1.50s, 12.3MB, 42.
function formatValue(v, unit) {
  const scales = {
    nanoseconds: [[1e9, 's'], [1e6, 'ms'], [1e3, 'us'], [1, 'ns']],
    bytes: [[2 ** 40, 'TB'], [2 ** 30, 'GB'], [2 ** 20, 'MB'], [2 ** 10, 'kB'], [1, 'B']],
  }[unit];
  if (!scales) return String(v);
  for (const [size, name] of scales) {
    if (Math.abs(v) >= size || size === 1) {
      const x = v / size;
      return (Number.isInteger(x) ? x : x.toFixed(2).replace(/\.?0+$/, '')) + name;
    }
  }
  return String(v);
}

// The preorder arrays (n: name, v: value, c: child count) as a tree.
function buildTree(data) {
  let next = 0;
  function node(depth, parent) {
    const i = next++;
    const t = { name: data.n[i] < 0 ? 'root' : data.names[data.n[i]], value: data.v[i], depth, parent, children: [] };
    for (let k = 0; k < data.c[i]; k++) t.children.push(node(depth + 1, t));
    return t;
  }
  return node(0, null);
}

function width(t) { return Math.abs(t.value); }

// Warm colours from the name, so a function keeps its colour across views;
// in a diff, red for growth and green for shrinkage.
function color(t, diff, match) {
  if (match) return '#c97bdc';
  if (diff) {
    const share = Math.min(1, Math.abs(t.value) / Math.max(1, width(state.zoom)) * 4);
    const light = 90 - Math.round(share * 45);
    return t.value >= 0 ? `hsl(0, 75%, ${light}%)` : `hsl(120, 55%, ${light}%)`;
  }
  let h = 0;
  for (let i = 0; i < t.name.length; i++) h = (h * 31 + t.name.charCodeAt(i)) >>> 0;
  return `hsl(${10 + (h % 40)}, ${70 + (h >> 8) % 20}%, ${58 + (h >> 16) % 12}%)`;
}

const boxes = [];  // drawn rectangles, for hit tests: [x, y, w, node]

function treeDepth(t) {
  let depth = 0;
  (function measure(n, d) { depth = Math.max(depth, d); n.children.forEach((c) => measure(c, d + 1)); })(t, 0);
  return depth;
}

function drawFlame() {
  const canvas = $('flame');
  const zoom = state.zoom;
  const ancestors = [];
  for (let a = zoom.parent; a; a = a.parent) ancestors.unshift(a);
  // A pivot shows its callers above it, the nearest first.
  const callers = zoom === state.pivot ? state.callers : null;
  const above = ancestors.length + (callers ? treeDepth(callers) : 0);
  const rows = above + treeDepth(zoom) + 1;
  const scale = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth;
  canvas.style.height = rows * ROW + 'px';
  canvas.width = cssWidth * scale;
  canvas.height = rows * ROW * scale;
  const ctx = canvas.getContext('2d');
  ctx.scale(scale, scale);
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  boxes.length = 0;
  const diff = state.diff;
  let regexp = null;
  try { regexp = $('search').value ? new RegExp($('search').value) : null; } catch (e) { regexp = null; }
  let matched = 0;
  const y = (row) => (state.flame ? rows - 1 - row : row) * ROW;
  function box(t, x, w, row) {
    const match = regexp !== null && regexp.test(t.name);
    ctx.fillStyle = color(t, diff, match);
    ctx.fillRect(x, y(row), Math.max(w - 0.5, 0.5), ROW - 1);
    if (w > 30) {
      ctx.fillStyle = '#111';
      ctx.save();
      ctx.beginPath();
      ctx.rect(x, y(row), w - 2, ROW);
      ctx.clip();
      ctx.fillText(t.name, x + 3, y(row) + ROW / 2);
      ctx.restore();
    }
    boxes.push([x, y(row), w, t]);
    return match;
  }
  ancestors.forEach((a, row) => box(a, 0, cssWidth, row));
  const perUnit = cssWidth / Math.max(1, width(zoom));
  // Draws t at x, then its children a row further each generation (step -1:
  // upwards, for callers).
  function draw(t, x, row, step) {
    const w = width(t) * perUnit;
    if (w < 0.3) return;
    const saved = regexp;
    if (box(t, x, w, row) && step > 0) {
      matched += t.value;
      regexp = null;  // matches inside a match are counted once
    }
    for (const c of t.children) {
      draw(c, x, row + step, step);
      x += width(c) * perUnit;
    }
    regexp = saved;
  }
  if (callers) {
    let x = 0;
    for (const c of callers.children) {
      draw(c, x, above - 1, -1);
      x += width(c) * perUnit;
    }
  }
  draw(zoom, 0, above, 1);
  const unit = state.data.unit;
  $('details').textContent = regexp
    ? `Matched: ${formatValue(matched, unit)} (${(100 * matched / Math.max(1, width(state.root))).toFixed(2)}%)`
    : '\u00a0';
}

function setZoom(t) {
  state.zoom = t;
  const crumbs = $('crumbs');
  crumbs.textContent = '';
  const path = [];
  for (let a = t; a; a = a.parent) path.unshift(a);
  path.forEach((a, i) => {
    if (i) crumbs.append(' \u203a ');
    const link = document.createElement('a');
    link.textContent = a.name;
    link.onclick = () => setZoom(a);
    crumbs.append(link);
  });
  drawFlame();
}

function hit(event) {
  const rect = $('flame').getBoundingClientRect();
  const x = event.clientX - rect.left, y = event.clientY - rect.top;
  for (const [bx, by, bw, t] of boxes) {
    if (x >= bx && x < bx + bw && y >= by && y < by + ROW) return t;
  }
  return null;
}

function describe(t) {
  const unit = state.data.unit;
  const pct = (100 * t.value / Math.max(1, width(state.root))).toFixed(2);
  return `${t.name}  ${formatValue(t.value, unit)} (${pct}%)`;
}

// The graph opens fitted into the view, as pprof's does: the SVG fills the
// view and its viewBox, graphviz's whole graph, is scaled to fit and centred
// (preserveAspectRatio's default). Wheel to zoom around the pointer, drag to
// pan: the viewBox moves.
function panZoom(svg) {
  svg.setAttribute('width', '100%');
  svg.setAttribute('height', '100%');
  const box = svg.viewBox.baseVal;
  // The pointer in graph coordinates, and graph units per screen pixel.
  const toSvg = (e) => {
    const m = svg.getScreenCTM();
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
    return [p.x, p.y, 1 / m.a];
  };
  svg.addEventListener('wheel', (e) => {
    e.preventDefault();
    const [px, py] = toSvg(e);
    const k = e.deltaY > 0 ? 1.15 : 1 / 1.15;
    box.x = px - (px - box.x) * k;
    box.y = py - (py - box.y) * k;
    box.width *= k;
    box.height *= k;
  }, { passive: false });
  let drag = null;
  svg.addEventListener('mousedown', (e) => { drag = [e.clientX, e.clientY]; });
  window.addEventListener('mouseup', () => { drag = null; });
  svg.addEventListener('mousemove', (e) => {
    if (!drag) return;
    const [, , scale] = toSvg(e);
    box.x -= (e.clientX - drag[0]) * scale;
    box.y -= (e.clientY - drag[1]) * scale;
    drag = [e.clientX, e.clientY];
  });
}

// A text report without its first lines that the page's header already
// shows: File:, Type:, Time:, Duration: ... (the report may write the total
// in another unit, so the labels are compared, not the lines).
function withoutHeader(text) {
  const label = (line) => line.slice(0, line.indexOf(':') + 1);
  const shown = new Set(state.header.map(label));
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && label(lines[i]) && shown.has(label(lines[i]))) i++;
  return lines.slice(i).join('\n');
}

// The top table: pprof's text report as rows, sortable by a click on a
// heading (the percentages order the values; names sort as text).
function showTop(text) {
  const lines = withoutHeader(text).split('\n');
  const head = lines.findIndex((l) => /^\s+flat\s+flat%/.test(l));
  $('top').textContent = lines.slice(0, head).join('\n');
  $('top').hidden = false;
  const rows = lines.slice(head + 1).filter((l) => l.trim()).map((l) => {
    const f = l.trim().split(/\s+/);
    return { cells: f.slice(0, 5), name: f.slice(5).join(' ') };
  });
  const table = $('table');
  const columns = ['flat', 'flat%', 'sum%', 'cum', 'cum%', 'name'];
  const key = { 0: 1, 1: 1, 2: 2, 3: 4, 4: 4 };  // values sort by their percentage
  let order = { column: -1, down: true };
  function render() {
    table.textContent = '';
    const tr = table.createTHead().insertRow();
    columns.forEach((c, i) => {
      const th = document.createElement('th');
      th.textContent = c + (order.column === i ? (order.down ? ' \u25be' : ' \u25b4') : '');
      th.onclick = () => {
        order = { column: i, down: order.column === i ? !order.down : i !== 5 };
        const num = (r) => parseFloat(r.cells[key[i]]);
        rows.sort((a, b) => {
          const d = i === 5 ? a.name.localeCompare(b.name) : num(a) - num(b);
          return order.down ? -d : d;
        });
        render();
      };
      tr.append(th);
    });
    const body = table.createTBody();
    for (const r of rows) {
      const row = body.insertRow();
      for (const c of [...r.cells, r.name]) row.insertCell().textContent = c;
      row.onclick = () => {
        for (const s of body.querySelectorAll('tr.selected')) s.classList.remove('selected');
        row.classList.add('selected');
        state.selected = { name: r.name.replace(/ \((partial-)?inline\)$/, '') };
      };
    }
  }
  render();
  table.hidden = false;
}

// Saved configs: the URL parameters under a name, kept by the server in the
// user's config directory.
async function setUpConfigs() {
  const select = $('config');
  // pprof's saveconfig and deleteconfig; cpprof's answer is the saved configs.
  const send = async (method, url) => {
    const res = await fetch(url, { method });
    if (!res.ok) throw new Error(JSON.parse(await res.text()).error);
    return JSON.parse(await res.text());
  };
  const sorted = (query) => {
    const q = new URLSearchParams(query);
    q.sort();
    return q.toString();
  };
  function fill(configs) {
    while (select.options.length > 1) select.remove(1);
    const current = sorted(params);
    for (const c of configs) select.add(new Option(c.name, c.query, false, sorted(c.query) === current));
  }
  fill(JSON.parse(await fetchData('data/configs')));
  select.onchange = () => { if (select.value !== '') location.search = select.value; };
  $('save').onclick = async () => {
    const name = prompt('Save these settings as:');
    if (!name) return;
    const query = new URLSearchParams(params);
    query.set('config', name);
    try {
      fill(await send('POST', 'saveconfig?' + query.toString()));
    } catch (e) { showError(e.message); }
  };
  $('delete').onclick = async () => {
    const chosen = select.options[select.selectedIndex];
    if (!chosen || chosen.value === '' || !confirm(`Delete config "${chosen.text}"?`)) return;
    try {
      fill(await send('DELETE', 'deleteconfig?' + new URLSearchParams({ config: chosen.text }).toString()));
    } catch (e) { showError(e.message); }
  };
}

// Label filters from the labels the samples carry: keep or drop the samples
// with key=value (tagfocus, tagignore), or show or hide the key's tags
// (tagshow, taghide).
function showLabels(labels) {
  const select = $('label'), mode = $('label-mode');
  const modes = ['tf', 'ti', 'ts', 'th'];
  mode.value = modes.find((m) => params.get(m)) || 'tf';
  function fill() {
    while (select.options.length > 1) select.remove(1);
    for (const [key, values] of Object.entries(labels || {})) {
      if (mode.value === 'ts' || mode.value === 'th') {
        select.add(new Option(key, escapeRegexp(key)));
        continue;
      }
      for (const v of values) select.add(new Option(`${key}=${v}`, `${key}=${escapeRegexp(v)}`));
    }
    select.value = params.get(mode.value) || '';
  }
  fill();
  if (select.options.length === 1) return;
  $('label-filter').hidden = false;
  mode.onchange = fill;
  select.onchange = () => {
    for (const m of modes) params.delete(m);
    if (select.value) params.set(mode.value, select.value);
    location.search = params.toString();
  };
}

// The pivot view of pprof's newer stack view: the paths from the root to
// every box named name, merged and turned upside down (its callers, each a
// row above), then name's callees merged below it.
function pivotTree(root, name) {
  const pivot = { name, value: 0, depth: 0, parent: null, children: [] };
  const callers = { name: 'callers of ' + name, value: 0, depth: 0, parent: null, children: [] };
  function add(parent, child, value) {
    let node = parent.children.find((c) => c.name === child.name);
    if (!node) {
      node = { name: child.name, value: 0, depth: parent.depth + 1, parent, children: [] };
      parent.children.push(node);
    }
    node.value += value;
    return node;
  }
  function mergeBelow(into, from) {
    for (const c of from.children) mergeBelow(add(into, c, c.value), c);
  }
  (function visit(t, path) {
    if (t.name === name) {
      pivot.value += t.value;
      mergeBelow(pivot, t);
      let at = callers;
      callers.value += t.value;
      for (let i = path.length - 1; i >= 0; i--) at = add(at, path[i], t.value);
      return;  // a recursive call inside counts once, as its outermost
    }
    path.push(t);
    t.children.forEach((c) => visit(c, path));
    path.pop();
  })(root, []);
  callers.children.forEach((c) => { c.parent = null; });
  state.callers = callers;
  state.pivot = pivot;
  return pivot;
}

function escapeRegexp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

// Refine as pprof's web UI does: the selection (or the search) as a regexp
// in f, i or h, then reload.
function refine(param) {
  let re = $('search').value;
  if (state.selected) re = '^' + escapeRegexp(state.selected.name) + '$';
  if (!re) {
    showError('Select a box or type a search regexp first.');
    return;
  }
  params.set(param, re);
  location.search = params.toString();
}

// -leaks: the sites ranked by steady growth, and a chart of the checked
// ones' values over the snapshots' times (the top three at first).
const CHART_COLORS = ['#c0392b', '#2471a3', '#229954', '#d68910', '#7d3c98', '#17a589', '#784212', '#566573'];

function showLeaks(data) {
  state.leaks = data;
  const checked = new Set(data.sites.slice(0, 3).map((s) => s.name));
  const table = $('table');
  table.hidden = false;
  table.innerHTML = '<thead><tr><th>chart</th><th>first</th><th>last</th><th>growth/min</th><th>steady</th>' +
      '<th>share</th><th>trend</th><th>site</th></tr></thead>';
  const body = table.createTBody();
  for (const site of data.sites) {
    const row = body.insertRow();
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = checked.has(site.name);
    box.onchange = () => {
      if (box.checked) checked.add(site.name); else checked.delete(site.name);
      drawChart(data, checked);
    };
    row.insertCell().append(box);
    for (const key of ['first', 'last', 'growth', 'steady', 'share']) row.insertCell().textContent = site[key];
    const trend = row.insertCell();
    trend.className = 'trend';
    trend.textContent = sparkline(site.values);
    row.insertCell().textContent = site.name;
    row.onclick = (e) => {
      if (e.target === box) return;
      for (const r of body.querySelectorAll('tr.selected')) r.classList.remove('selected');
      row.classList.add('selected');
      state.selected = { name: site.name };
      $('details').textContent = site.name;
    };
  }
  $('chart').hidden = false;
  window.onresize = () => drawChart(data, checked);
  drawChart(data, checked);
}

function sparkline(values) {
  const blocks = '▁▂▃▄▅▆▇█';
  const top = Math.max(1, ...values);
  return values.map((v) => blocks[Math.min(7, Math.max(0, Math.floor(v * 8 / top)))]).join('');
}

function drawChart(data, checked) {
  const canvas = $('chart');
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth, height = canvas.clientHeight;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const ctx = canvas.getContext('2d');
  ctx.scale(ratio, ratio);
  ctx.clearRect(0, 0, width, height);
  const sites = data.sites.filter((s) => checked.has(s.name));
  const left = 70, right = 12, top = 10, bottom = 24;
  const t0 = data.times[0], span = Math.max(1, data.times[data.times.length - 1] - t0);
  // Grid lines at a 1, 2 or 5 step of the unit the largest value prints in.
  const largest = Math.max(1, ...sites.flatMap((s) => s.values));
  const unitSize = data.unit === 'bytes' ? 2 ** (10 * Math.floor(Math.log2(largest) / 10)) : 1;
  const rough = largest / unitSize / 4, magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((m) => m >= rough) * unitSize;
  const max = Math.ceil(largest / step) * step;
  const x = (t) => left + (t - t0) / span * (width - left - right);
  const y = (v) => height - bottom - v / max * (height - top - bottom);
  ctx.font = '11px system-ui, sans-serif';
  ctx.strokeStyle = '#ccc';
  ctx.fillStyle = '#555';
  for (let v = 0; v <= max; v += step) {
    ctx.beginPath();
    ctx.moveTo(left, y(v));
    ctx.lineTo(width - right, y(v));
    ctx.stroke();
    ctx.textAlign = 'right';
    ctx.fillText(formatValue(v, data.unit), left - 6, y(v) + 4);
  }
  ctx.textAlign = 'center';
  for (const t of data.times) ctx.fillText(Math.round((t - t0) / 1e9) + 's', x(t), height - 8);
  sites.forEach((site) => {
    ctx.strokeStyle = ctx.fillStyle = CHART_COLORS[data.sites.indexOf(site) % CHART_COLORS.length];
    ctx.lineWidth = 2;
    ctx.beginPath();
    site.values.forEach((v, k) => (k ? ctx.lineTo(x(data.times[k]), y(v)) : ctx.moveTo(x(data.times[k]), y(v))));
    ctx.stroke();
  });
  // The legend, on a white box so that lines do not cross its text.
  const names = sites.map((site) => site.name.slice(0, 80));
  const boxWidth = Math.max(0, ...names.map((n) => ctx.measureText(n).width)) + 12;
  ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
  if (sites.length) ctx.fillRect(left + 4, top, boxWidth, 6 + 14 * sites.length);
  ctx.textAlign = 'left';
  sites.forEach((site, i) => {
    ctx.fillStyle = CHART_COLORS[data.sites.indexOf(site) % CHART_COLORS.length];
    ctx.fillText(names[i], left + 10, top + 14 + 14 * i);
  });
  // The checkboxes take their site's colour.
  const boxes = $('table').tBodies[0].querySelectorAll('input');
  data.sites.forEach((s, i) => { boxes[i].style.accentColor = CHART_COLORS[i % CHART_COLORS.length]; });
}

async function main() {
  for (const a of document.querySelectorAll('nav a')) {
    if (a.id === 'download') continue;
    const base = a.getAttribute('href');
    a.href = base + '?' + params.toString();
    // A regexp view opens on the selection, if there is one.
    a.onclick = () => {
      if (!state.selected || !(a.id.slice('view-'.length) in regexpReports)) return;
      const q = new URLSearchParams(params);
      q.delete('q');
      q.set('f', '^' + escapeRegexp(state.selected.name) + '$');
      a.href = base + '?' + q.toString();
    };
  }
  $('view-' + view).classList.add('current');
  $('focus').onclick = () => refine('f');
  $('ignore').onclick = () => refine('i');
  $('hide').onclick = () => refine('h');
  $('show').onclick = () => refine('s');
  $('showfrom').onclick = () => refine('sf');
  setUpConfigs();
  $('pivot').onclick = () => {
    if (!state.selected) {
      showError('Select a box first.');
      return;
    }
    params.set('p', state.selected.name);
    location.search = params.toString();
  };
  $('reset').onclick = () => {
    for (const p of ['f', 'q', 'i', 'h', 's', 'sf', 'tf', 'ti', 'ts', 'th', 'p']) params.delete(p);
    location.search = params.toString();
  };
  try {
    const header = JSON.parse(await fetchData('data/header'));
    state.header = header.lines;
    $('labels').textContent = header.lines.join('\n');
    const select = $('sample');
    header.types.forEach((t, i) => {
      const o = new Option(t, t, false, i === header.index);
      select.add(o);
    });
    select.onchange = () => { params.set('si', select.value); location.search = params.toString(); };
    showLabels(header.labels);
    $('view-leaks').hidden = !header.leaks;
    if (view === 'leaks') {
      for (const id of ['orientation', 'search']) $(id).hidden = true;
      showLeaks(JSON.parse(await fetchData('data/leaks')));
    } else if (view === 'top') {
      showTop(await fetchData('data/top'));
      for (const id of ['orientation', 'search']) $(id).hidden = true;
    } else if (view in regexpReports) {
      // Peek, source or disassembly of the functions matching the regexp
      // (the search box, or the selection brought from another view).
      $('orientation').hidden = true;
      $('search').value = regexpParam();
      $('search').onchange = () => {
        params.delete('q');
        params.set('f', $('search').value);
        location.search = params.toString();
      };
      if (!regexpParam()) {
        $('top').hidden = false;
        $('top').textContent = 'Type a regexp in the search box.';
      } else if (view === 'source') {
        // weblist's page: source lines that expand into their assembly.
        await fetchData('data/weblist');  // errors show here, not in the frame
        const frame = $('source');
        frame.hidden = false;
        await new Promise((resolve) => {
          frame.onload = () => {
            // The page's header already shows weblist's legend (File:, Type:, ...).
            frame.contentDocument.querySelector('.legend').hidden = true;
            resolve();
          };
          frame.src = 'data/weblist?' + params.toString();
        });
      } else {
        $('top').hidden = false;
        $('top').textContent = withoutHeader(await fetchData('data/' + regexpReports[view]));
      }
    } else if (view === 'graph') {
      $('orientation').hidden = true;
      $('search').hidden = true;
      const graph = $('graph');
      graph.innerHTML = await fetchData('data/graph');
      graph.hidden = false;
      panZoom(graph.querySelector('svg'));
      // Clicking a node selects it for Refine; its <title> is the name.
      for (const node of graph.querySelectorAll('g.node')) {
        node.onclick = () => {
          for (const n of graph.querySelectorAll('g.node.selected')) n.classList.remove('selected');
          node.classList.add('selected');
          const title = node.querySelector('title').textContent;
          state.selected = { name: title };
          $('details').textContent = node.querySelector('a') ? node.querySelector('a').getAttribute('xlink:title') || title : title;
        };
      }
    } else {
      state.data = JSON.parse(await fetchData('data/flamegraph'));
      state.root = buildTree(state.data);
      state.diff = state.data.diff;
      $('legend').hidden = !state.diff;
      const canvas = $('flame');
      canvas.hidden = false;
      canvas.onmousemove = (e) => {
        const t = hit(e);
        if (t) $('details').textContent = describe(t);
      };
      canvas.onclick = (e) => {
        const t = hit(e);
        if (!t) return;
        state.selected = t;
        setZoom(t);
      };
      $('search').oninput = drawFlame;
      $('orientation').onclick = () => {
        state.flame = !state.flame;
        $('orientation').textContent = state.flame ? 'Icicle' : 'Flame';
        drawFlame();
      };
      window.onresize = drawFlame;
      const pivot = params.get('p');
      setZoom(pivot ? pivotTree(state.root, pivot) : state.root);
    }
  } catch (e) {
    showError(e.message);
  }
  state.ready = true;
}

main();
