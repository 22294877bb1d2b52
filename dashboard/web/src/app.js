// Vigil's live dashboard: renders GET /api/state (pushed every second on the SSE stream
// /api/stream, polled when the stream is silent). Every chart's box carries data-points, the
// number of data points it draws, so a browser test can tell a drawn chart from an empty one.
import { timeChart, curveChart, modelColor, alpha, SERIES } from './charts.js';

const KEEP = 300; // client-side points of throughput and latency (5 min at one state a second)
const SHOWN_ALERTS = 60;

const $ = (sel, root = document) => root.querySelector(sel);
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const int = (v) => (num(v) === null ? '—' : Math.round(v).toLocaleString('en-US'));
const dec = (v, digits = 3) => (num(v) === null ? '—' : v.toFixed(digits));
const pct = (v) => (num(v) === null ? '—' : `${(v * 100).toFixed(1)}%`);
const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false });
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const ratio = (a, b) => (b > 0 ? a / b : null);

function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** Sets a chart's datasets (null y = a gap) and records how many points it draws. */
function draw(chart, datasets, measured = datasets.map((_, i) => i)) {
  datasets.forEach((data, i) => { chart.data.datasets[i].data = data; });
  chart.update('none');
  const points = measured.reduce((n, i) => n + datasets[i].filter((p) => p.y !== null).length, 0);
  chart.canvas.parentElement.dataset.points = String(points);
}

// ---- throughput, latency, totals ---------------------------------------------------------

const ops = { rate: [], p50: [], p99: [], lastTime: 0 };
const throughputChart = timeChart($('[data-chart="throughput"] canvas'), [['rate', 'events/s', SERIES.rate]], { min: 0 });
throughputChart.data.datasets[0].fill = { target: 'origin' };
throughputChart.data.datasets[0].backgroundColor = alpha(SERIES.rate, 0.12);
const latencyChart = timeChart($('[data-chart="latency"] canvas'), [['p50', 'p50', SERIES.p50], ['p99', 'p99', SERIES.p99]], { min: 0, unit: ' ms' });

const KPIS = [
  ['rate', 'Events / s', 'primary'], ['events', 'Events'], ['scored', 'Scored'], ['dead', 'Dead letters'],
  ['keys', 'Entities'], ['labels', 'Labels'], ['p50', 'Latency p50'], ['p99', 'Latency p99'],
];
$('#kpis').innerHTML = KPIS.map(([id, label, cls = '']) =>
  `<div class="kpi ${cls}" data-kpi="${id}"><div class="label">${label}</div><div class="value">—</div><div class="sub">&nbsp;</div></div>`).join('');

function kpi(id, value, sub = '\u00a0') {
  const el = $(`[data-kpi="${id}"]`);
  $('.value', el).innerHTML = value;
  $('.sub', el).textContent = sub;
}

function renderOps(state) {
  const t = state.throughput ?? {};
  const lat = state.latency_ms ?? {};
  if (state.time > ops.lastTime) { // SSE and polling may deliver the same state twice
    ops.lastTime = state.time;
    for (const [key, value] of [['rate', t.events_per_s], ['p50', lat.p50], ['p99', lat.p99]]) {
      ops[key].push({ x: state.time, y: num(value) });
      if (ops[key].length > KEEP) ops[key].shift();
    }
  }
  draw(throughputChart, [ops.rate]);
  draw(latencyChart, [ops.p50, ops.p99]);

  kpi('rate', int(t.events_per_s));
  kpi('events', int(t.events));
  kpi('scored', int(t.scored), num(t.events) ? `${pct(ratio(t.scored, t.events))} of events` : undefined);
  kpi('dead', int(t.dead_letters), num(t.events) ? `${pct(ratio(t.dead_letters, t.events))} rejected` : undefined);
  $('[data-kpi="dead"]').classList.toggle('bad', t.dead_letters > 0);
  kpi('keys', int(t.keys));
  kpi('labels', int(t.labels), num(t.scored) ? `${pct(ratio(t.labels, t.scored))} of scored` : undefined);
  kpi('p50', `${dec(lat.p50, 1)}<small>ms</small>`);
  kpi('p99', `${dec(lat.p99, 1)}<small>ms</small>`);
}

// ---- one card per model ------------------------------------------------------------------

const cards = new Map();

function modelCard(name) {
  const color = modelColor(cards.size);
  const el = document.createElement('article');
  el.className = 'panel model';
  el.dataset.model = name;
  el.style.setProperty('--model-color', color);
  el.innerHTML = `
    <header class="model-head">
      <h2>${esc(name)}</h2>
      <span class="chip">threshold <b data-f="threshold">—</b></span>
      <span class="chip">ROC-AUC <b data-f="roc_auc">—</b></span>
      <span class="chip">PR-AUC <b data-f="pr_auc">—</b></span>
      <div class="stats">
        <div class="stat"><div class="k">precision</div><div class="v" data-f="precision" style="color:${SERIES.precision}">—</div></div>
        <div class="stat"><div class="k">recall</div><div class="v" data-f="recall" style="color:${SERIES.recall}">—</div></div>
        <div class="stat"><div class="k">F1</div><div class="v" data-f="f1" style="color:${SERIES.f1}">—</div></div>
      </div>
    </header>
    <div class="model-grid">
      <div class="cell wide"><h3>Quality over time</h3><div class="chart" data-chart="${esc(name)}/quality"><canvas></canvas></div></div>
      <div class="cell"><h3>ROC curve</h3><div class="chart" data-chart="${esc(name)}/roc"><canvas></canvas></div></div>
      <div class="cell"><h3>Precision–recall</h3><div class="chart" data-chart="${esc(name)}/pr"><canvas></canvas></div></div>
      <div class="cell"><h3>Confusion matrix</h3><div class="matrix"></div></div>
    </div>`;
  $('#models').append(el);
  const canvas = (kind) => el.querySelector(`[data-chart="${CSS.escape(name)}/${kind}"] canvas`);
  const card = {
    el,
    color,
    quality: timeChart(canvas('quality'),
      [['precision', 'precision', SERIES.precision], ['recall', 'recall', SERIES.recall], ['f1', 'F1', SERIES.f1]], { min: 0, max: 1 }),
    roc: curveChart(canvas('roc'), color, 'false positive rate', 'true positive rate', 'chance'),
    pr: curveChart(canvas('pr'), color, 'recall', 'precision', 'base rate'),
  };
  cards.set(name, card);
  return card;
}

const xy = (points) => (points ?? []).map(([x, y]) => ({ x: num(x), y: num(y) })).filter((p) => p.x !== null);

function lastValue(history, key) {
  for (let i = history.length - 1; i >= 0; i--) if (num(history[i][key]) !== null) return history[i][key];
  return null;
}

function confusionTable({ tp = 0, fp = 0, tn = 0, fn = 0 }) {
  const pos = tp + fn;
  const neg = fp + tn;
  const cell = (n, rowTotal, tag, good) => {
    const share = ratio(n, rowTotal) ?? 0;
    const hue = good ? '61, 220, 151' : '255, 93, 115';
    return `<td style="background: rgba(${hue}, ${(0.06 + 0.5 * share).toFixed(3)}); border-color: rgba(${hue}, ${(0.15 + 0.5 * share).toFixed(3)})">
      <span class="tag">${tag}</span><span class="n">${int(n)}</span><span class="p">${pct(ratio(n, rowTotal))}</span></td>`;
  };
  return `<table class="confusion">
      <tr><th class="corner">actual ↓ predicted →</th><th>anomaly</th><th>normal</th></tr>
      <tr><th class="rowhead">anomaly</th>${cell(tp, pos, 'TP', true)}${cell(fn, pos, 'FN', false)}</tr>
      <tr><th class="rowhead">normal</th>${cell(fp, neg, 'FP', false)}${cell(tn, neg, 'TN', true)}</tr>
    </table>
    <div class="confusion-foot">${int(pos + neg)} labelled · specificity ${pct(ratio(tn, neg))} · accuracy ${pct(ratio(tp + tn, pos + neg))}</div>`;
}

function renderModel(name, model) {
  const card = cards.get(name) ?? modelCard(name);
  const history = model.history ?? [];
  const confusion = model.confusion ?? {};
  const { tp = 0, fp = 0, tn = 0, fn = 0 } = confusion;
  const field = (f, text) => { card.el.querySelector(`[data-f="${f}"]`).textContent = text; };
  field('threshold', dec(model.threshold, 3));
  for (const key of ['precision', 'recall', 'f1', 'roc_auc', 'pr_auc']) field(key, dec(lastValue(history, key)));
  // Past the metrics budget, ROC-AUC and PR-AUC are estimates inside proven intervals: show them.
  for (const key of ['roc_auc', 'pr_auc']) {
    const el = card.el.querySelector(`[data-f="${key}"]`);
    const bound = model.exact === false ? model.bounds?.[key] : null;
    if (bound) el.textContent += ` ±${dec((bound[1] - bound[0]) / 2, 4)}`;
    el.title = bound ? `exact value in [${dec(bound[0], 5)}, ${dec(bound[1], 5)}]` : 'exact';
  }

  draw(card.quality, ['precision', 'recall', 'f1'].map((key) => history.map((h) => ({ x: h.t, y: num(h[key]) }))));

  // The operating point at the current threshold comes from the confusion matrix.
  const tpr = ratio(tp, tp + fn);
  const fpr = ratio(fp, fp + tn);
  const precision = ratio(tp, tp + fp);
  const baseRate = ratio(tp + fn, tp + fp + tn + fn);
  draw(card.roc, [xy(model.roc), [{ x: 0, y: 0 }, { x: 1, y: 1 }], tpr === null || fpr === null ? [] : [{ x: fpr, y: tpr }]], [0]);
  draw(card.pr, [xy(model.pr), baseRate === null ? [] : [{ x: 0, y: baseRate }, { x: 1, y: baseRate }],
    tpr === null || precision === null ? [] : [{ x: tpr, y: precision }]], [0]);

  card.el.querySelector('.matrix').innerHTML = confusionTable(confusion);
}

function renderModels(models) {
  for (const [name, card] of cards) {
    if (!(name in models)) {
      card.quality.destroy(); card.roc.destroy(); card.pr.destroy();
      card.el.remove();
      cards.delete(name);
    }
  }
  for (const [name, model] of Object.entries(models)) renderModel(name, model);
  $('#models-empty').hidden = cards.size > 0;
}

// ---- alerts feed -------------------------------------------------------------------------

function renderAlerts(alerts, now) {
  // An open QUALITY alert (a model, not an entity) stays on top; the rest newest first.
  const pinned = (a) => (a.kind === 'QUALITY' && a.status === 'OPEN' ? 1 : 0);
  const sorted = [...alerts].sort((a, b) => pinned(b) - pinned(a) || (b.openedAt ?? 0) - (a.openedAt ?? 0))
    .slice(0, SHOWN_ALERTS);
  const open = alerts.filter((a) => a.status === 'OPEN').length;
  $('#alerts-open').textContent = `${open} open`;
  $('#alerts-empty').hidden = alerts.length > 0;
  $('#alerts').innerHTML = sorted.map((a) => {
    const isOpen = a.status === 'OPEN';
    const when = isOpen
      ? `open for ${duration(now - a.openedAt)}`
      : `closed ${a.closedAt ? clock(a.closedAt) : '—'} · lasted ${a.closedAt ? duration(a.closedAt - a.openedAt) : '—'}`;
    const quality = a.kind === 'QUALITY';
    const scores = quality
      ? `<span class="score">QUALITY ${esc(a.metric)} <b>${dec(a.observed, 3)}</b> vs validation <b>${dec(a.expected, 3)}</b></span>`
      : (a.firedModels ?? []).map((m) =>
        `<span class="score">${esc(m)} <b>${dec(a.peakScores?.[m], 2)}</b></span>`).join('');
    return `<li class="alert ${isOpen ? 'open' : ''} ${quality ? 'quality' : ''}" data-alert="${esc(a.alertId)}">
      <div class="top"><span class="entity">${esc(a.entityId)}</span><span class="status">${esc(a.status)}</span></div>
      <div class="meta">opened ${clock(a.openedAt)} · ${int(a.events)} events · ${when}</div>
      <div class="models">${scores}</div></li>`;
  }).join('');
}

// ---- champion / challenger -----------------------------------------------------------------

function renderComparisons(comparisons) {
  $('#comparisons-panel').hidden = comparisons.length === 0;
  const cell = (d) => `${dec(d.delta, 3)} <small>[${dec(d.lower, 3)}, ${dec(d.upper, 3)}] p ${dec(d.p, 3)}</small>`;
  $('#comparisons').innerHTML = comparisons.map((c) => `<tr data-challenger="${esc(c.challenger)}">
      <td>${esc(c.challenger)} vs ${esc(c.champion)}</td><td>${int(c.labels)}</td>
      <td>${cell(c.roc_auc)}</td><td>${cell(c.pr_auc)}</td><td>${cell(c.f1)}</td>
      <td>${c.challengerBetter ? 'better' : '—'}</td></tr>`).join('');
}

// ---- state in, from the stream or by polling ---------------------------------------------

const dashboard = {
  updates: 0,
  /** Every chart on the page with the number of points it draws. */
  charts: () => [...document.querySelectorAll('[data-chart]')].map((el) => ({ id: el.dataset.chart, points: Number(el.dataset.points ?? 0) })),
  /** True once at least one model is shown and every chart draws data. */
  ready: () => dashboard.updates > 0 && cards.size > 0 && dashboard.charts().every((c) => c.points > 0),
};
window.vigilDashboard = dashboard;

function apply(state) {
  renderOps(state);
  renderModels(state.models ?? {});
  renderAlerts(state.alerts ?? [], state.time);
  renderComparisons(state.comparisons ?? []);
  $('#updated').textContent = clock(state.time);
  dashboard.updates++;
}

function connection(kind, text) {
  $('#conn').dataset.state = kind;
  $('#conn-text').textContent = text;
}

let lastPush = 0;
const stream = new EventSource('api/stream');
stream.onmessage = (e) => {
  lastPush = Date.now();
  connection('live', 'live');
  apply(JSON.parse(e.data));
};

// The stream reconnects by itself; while it is silent, poll so the page never goes stale.
async function poll() {
  if (Date.now() - lastPush < 2500) return;
  try {
    const response = await fetch('api/state', { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    apply(await response.json());
    connection('polling', 'polling');
  } catch {
    connection('offline', 'no connection to the demo');
  }
}
poll();
setInterval(poll, 1000);
