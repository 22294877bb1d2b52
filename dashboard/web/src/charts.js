// Chart.js, registered piece by piece so esbuild bundles only the line charts we draw.
import { Chart, LineController, LineElement, PointElement, LinearScale, Legend, Tooltip, Filler } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip, Filler);

const GRID = 'rgba(138, 148, 166, 0.14)';
const TICKS = '#8a94a6';
Chart.defaults.color = TICKS;
Chart.defaults.borderColor = GRID;
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
Chart.defaults.font.size = 11;

export const SERIES = { precision: '#5ab0ff', recall: '#ffb84d', f1: '#c18cff', p50: '#3ddc97', p99: '#ff5d73', rate: '#5ab0ff' };
const MODEL_COLORS = ['#5ab0ff', '#ff7ab6', '#3ddc97', '#ffb84d', '#c18cff', '#4dd8e6'];

export function modelColor(index) {
  return MODEL_COLORS[index % MODEL_COLORS.length];
}

export function alpha(hex, a) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

// A lone point has no line to draw, so it shows as a dot; monotone curves never overshoot the data.
function line(label, color, extra = {}) {
  return {
    label, borderColor: color, backgroundColor: color, borderWidth: 2, data: [],
    pointRadius: (ctx) => (ctx.dataset.data.length === 1 ? 3 : 0), cubicInterpolationMode: 'monotone', ...extra,
  };
}

const legend = { display: true, position: 'top', align: 'end', labels: { boxWidth: 10, boxHeight: 10, usePointStyle: true, pointStyle: 'rectRounded', padding: 10 } };

function base(canvas, datasets, scales, plugins = {}) {
  return new Chart(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: false },
      scales,
      plugins: { legend, ...plugins, tooltip: { backgroundColor: '#0d1117', borderColor: '#263041', borderWidth: 1, ...plugins.tooltip } },
    },
  });
}

const STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];

/** Epoch-millisecond x axis, ticks on round times (5, 10, 30 s, ...): Chart.js's own would be on odd milliseconds. */
function timeAxis() {
  return {
    type: 'linear',
    bounds: 'data', // the line spans the whole width instead of stopping short of a rounded tick
    ticks: { callback: clock, maxRotation: 0, autoSkip: true },
    grid: { display: false },
    afterDataLimits: (scale) => {
      // One state so far: a few seconds either side (Chart.js would widen by 5 % of the epoch, years).
      const data = scale.getMinMax(false);
      if (Number.isFinite(data.min) && data.max - data.min < 2000) {
        scale.min = data.min - 2000;
        scale.max = data.max + 2000;
      }
    },
    afterBuildTicks: (scale) => {
      const step = 1000 * (STEPS_S.find((s) => (scale.max - scale.min) / 1000 / s <= 5) ?? 7200);
      scale.ticks = [];
      for (let t = Math.ceil(scale.min / step) * step; t <= scale.max; t += step) scale.ticks.push({ value: t });
    },
  };
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** Values over wall-clock time; `series` is [[key, label, color], ...]. */
export function timeChart(canvas, series, { min, max, unit = '' } = {}) {
  const y = { type: 'linear', min, max, grace: '5%', ticks: { maxTicksLimit: 5, callback: (v) => `${compact.format(v)}${unit}` } };
  return base(canvas, series.map(([, label, color]) => line(label, color)), { x: timeAxis(), y },
    { tooltip: { callbacks: { title: (items) => clock(items[0].parsed.x) } } });
}

/** A curve on the unit square (ROC, PR) with a dashed reference line and the operating point. */
export function curveChart(canvas, color, xTitle, yTitle, refLabel) {
  const unit = (title) => ({ type: 'linear', min: 0, max: 1, title: { display: true, text: title }, ticks: { stepSize: 0.2 } });
  return base(canvas, [
    line('curve', color, { cubicInterpolationMode: 'default', fill: { target: 'origin' }, backgroundColor: alpha(color, 0.12) }),
    line(refLabel, '#5b6578', { borderDash: [5, 4], borderWidth: 1.5 }),
    { label: 'at threshold', data: [], type: 'line', showLine: false, pointRadius: 5, pointHoverRadius: 6, pointBackgroundColor: '#ffffff', pointBorderColor: color, pointBorderWidth: 2, borderColor: color, backgroundColor: '#ffffff' },
  ], { x: unit(xTitle), y: unit(yTitle) }, {
    legend: { ...legend, labels: { ...legend.labels, filter: (item) => item.text !== 'curve' } },
  });
}
