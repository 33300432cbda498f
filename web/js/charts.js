// Apache ECharts charts used by both pages: sparkline, reason quadrant, score histogram, RATER bars.
// Sizes follow the root font size, so a wall at 1080p and at 4K shows the same picture.
// Text that comes from the catalog is escaped before it reaches a tooltip (ECharts tooltips are HTML).
import * as echarts from './vendor/echarts.js';
import { t, reasonLabel } from './i18n.js';
import * as fmt from './format.js';

export const COLORS = {
  text: '#e8edf5', dim: '#9aa7bd', grid: 'rgba(255,255,255,0.12)',
  promoter: '#2ecc71', passive: '#8a94a6', detractor: '#ff5c5c',
  green: '#2ecc71', amber: '#f5b041', red: '#ff5c5c', none: '#5dade2', insufficient: '#8a94a6',
  keep: '#2ecc71', polish: '#5dade2', 'fix-first': '#ff5c5c', watch: '#f5b041',
};
// Label colours: the point's quadrant, lighter, so that a name placed off to one side still says whose it is.
const LABEL = { keep: '#9af0bb', polish: '#acd8f6', 'fix-first': '#ffadad', watch: '#f8d38e' };

export function rem() {
  return parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
}

const esc = (s) => echarts.format.encodeHTML(String(s ?? ''));

/** An ECharts instance that follows its element's size (pages rotate, panels open and close). */
export function chart(el) {
  const c = echarts.init(el, null, { renderer: 'canvas' });
  new ResizeObserver(() => { if (el.clientWidth && el.clientHeight) c.resize(); }).observe(el);
  return c;
}

export function sparkline(el) {
  const c = chart(el);
  return {
    update(points, color, minSpan = 10) {
      const r = rem();
      // A fixed minimum span keeps a move of a fraction of a point from looking like a cliff.
      const vs = points.map((p) => p.v).filter((v) => v != null);
      const lo = vs.length ? Math.min(...vs) : 0;
      const hi = vs.length ? Math.max(...vs) : 0;
      const pad = Math.max(0, (minSpan - (hi - lo)) / 2);
      c.setOption({
        animation: false,
        grid: { left: r * 0.3, right: r * 0.3, top: r * 0.3, bottom: r * 0.3 },
        xAxis: { type: 'time', show: false },
        yAxis: { type: 'value', show: false, min: lo - pad, max: hi + pad },
        series: [{
          type: 'line', data: points.map((p) => [p.t, p.v]), showSymbol: false, silent: true, connectNulls: true,
          lineStyle: { width: Math.max(2, r * 0.14), color }, areaStyle: { opacity: 0.15, color, origin: 'start' },
        }],
      }, true);
    },
    dispose() { c.dispose(); },
  };
}

/**
 * The MNA quadrant: x = attention (share of NPS respondents who chose the item), y = sub-NPS,
 * split at the mean attention and mean sub-NPS of the items shown; colour = the server's quadrant.
 * items: GET /api/v1/reasons items [{code, label, labelZh, attention, subNps, subNpsMoe, n, quadrant, lowConfidence}]
 */
export function quadrantChart(el, { lang, onClick, big = false, interactive = true } = {}) {
  const c = chart(el);
  if (onClick) c.on('click', (p) => p.data && p.data.code && onClick(p.data.code));
  let selected = null;
  let last = [];
  const render = (items) => {
    last = items;
    const r = rem();
    const fs = big ? r * 1.45 : r * 0.8;
    const pts = items.filter((i) => i.n > 0 && i.subNps != null);
    const xs = pts.map((i) => 100 * i.attention);
    const ys = pts.map((i) => i.subNps);
    const mx = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
    const my = ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : 0;
    const xMax = Math.ceil((Math.max(5, ...xs) * 1.12) / 5) * 5;
    const yMin = Math.max(-100, Math.floor((Math.min(my - 10, ...ys) - 8) / 10) * 10);
    const yMax = Math.min(100, Math.ceil((Math.max(my + 10, ...ys) + 8) / 10) * 10);
    const area = (q, x0, y0, x1, y1, pos) => [{
      name: t('q_' + q, null, lang), xAxis: x0, yAxis: y0,
      itemStyle: { color: COLORS[q], opacity: 0.07 },
      label: { position: pos, color: COLORS[q], fontSize: fs * 0.95, fontWeight: 'bold', opacity: 0.9 },
    }, { xAxis: x1, yAxis: y1 }];
    c.setOption({
      animation: false,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      grid: { left: fs * 3.6, right: r * 2, top: r * 1.2, bottom: fs * 3 },
      tooltip: interactive ? {
        trigger: 'item',
        formatter: (p) => {
          const d = p.data;
          if (!d || !d.code) return '';
          return `<b>${esc(d.name)}</b><br>${esc(t('subNps', null, lang))} ${esc(fmt.score(d.value[1]))} ${esc(fmt.moe(d.moe))} (${esc(fmt.n(d.n))})`
            + `<br>${esc(t('attention', null, lang))} ${esc(fmt.pct(d.value[0], 1))}<br>${esc(t('q_' + d.quadrant, null, lang))}`;
        },
      } : undefined,
      xAxis: {
        type: 'value', min: 0, max: xMax, name: t('attention', null, lang), nameLocation: 'middle',
        nameGap: fs * 1.9, nameTextStyle: { color: COLORS.dim, fontSize: fs * 0.9 },
        axisLabel: { color: COLORS.dim, fontSize: fs * 0.85, formatter: (v) => v + '%' },
        splitLine: { lineStyle: { color: COLORS.grid } },
      },
      yAxis: {
        type: 'value', min: yMin, max: yMax, name: t('subNps', null, lang), nameLocation: 'middle',
        nameGap: fs * 2.6, nameTextStyle: { color: COLORS.dim, fontSize: fs * 0.9 },
        axisLabel: { color: COLORS.dim, fontSize: fs * 0.85 },
        splitLine: { lineStyle: { color: COLORS.grid } },
      },
      series: [{
        type: 'scatter',
        cursor: interactive ? 'pointer' : 'default',
        data: pts.map((i) => ({
          value: [100 * i.attention, i.subNps], name: reasonLabel(i, lang) + (i.lowConfidence ? ' ⚠' : ''),
          code: i.code, n: i.n, moe: i.subNpsMoe, quadrant: i.quadrant,
          symbol: i.lowConfidence ? 'emptyCircle' : 'circle',
          symbolSize: (big ? r * 1.4 : r * 0.9) * (i.code === selected ? 1.5 : 1),
          itemStyle: { color: COLORS[i.quadrant] || COLORS.none, borderColor: i.code === selected ? '#fff' : undefined,
            borderWidth: i.code === selected ? 3 : (i.lowConfidence ? 3 : 0) },
        })),
        label: {
          show: true, position: 'right', color: COLORS.text, fontSize: fs, formatter: (p) => p.data.name,
          textBorderColor: '#0b0f17', textBorderWidth: 3,
        },
        markLine: {
          silent: true, symbol: 'none', lineStyle: { color: COLORS.dim, type: 'dashed', width: 1.5 }, label: { show: false },
          data: pts.length ? [{ xAxis: mx }, { yAxis: my }] : [],
        },
        markArea: {
          silent: true,
          data: pts.length ? [
            area('keep', mx, my, xMax, yMax, 'insideTopRight'),
            area('polish', 0, my, mx, yMax, 'insideTopLeft'),
            area('fix-first', mx, yMin, xMax, my, 'insideBottomRight'),
            area('watch', 0, yMin, mx, my, 'insideBottomLeft'),
          ] : [],
        },
      }],
    }, true);
    placeLabels(c, fs);
  };
  return {
    update: render,
    select(code) { selected = code; render(last); },
    instance: c,
  };
}

/**
 * Puts each point's name where it covers no other name and no other point: to the right, left,
 * above or below its point (biggest items first). ECharts' own overlap shifting moves labels away
 * from their points; a name must stay next to its point to be read from across a room.
 */
function placeLabels(c, fs) {
  const opt = c.getOption();
  const data = opt.series[0].data;
  if (!data || !data.length) return;
  const grid = c.getModel().getComponent('grid').coordinateSystem.getRect();
  const measure = document.createElement('canvas').getContext('2d');
  measure.font = `${fs}px ${getComputedStyle(document.body).fontFamily}`;
  const px = data.map((d) => c.convertToPixel({ seriesIndex: 0 }, d.value));
  const obstacles = px.map((p, i) => {
    const r = (data[i].symbolSize || 10) / 2 + 2;
    return { x: p[0] - r, y: p[1] - r, w: 2 * r, h: 2 * r };
  });
  const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  const inside = (a) => a.x >= grid.x - 2 && a.x + a.w <= grid.x + grid.width + fs && a.y >= grid.y - fs && a.y + a.h <= grid.y + grid.height + 2;
  const order = data.map((d, i) => i).sort((a, b) => (data[b].n || 0) - (data[a].n || 0));
  const placed = [];
  const labels = new Array(data.length);
  for (const i of order) {
    const [x, y] = px[i];
    const w = measure.measureText(data[i].name).width + 4;
    const h = fs * 1.25;
    const gap = (data[i].symbolSize || 10) / 2 + 4;
    const cands = [
      { box: { x: x + gap, y: y - h / 2, w, h }, label: { position: 'right' } },
      { box: { x: x - gap - w, y: y - h / 2, w, h }, label: { position: 'left' } },
      { box: { x: x - w / 2, y: y - gap - h, w, h }, label: { position: 'top' } },
      { box: { x: x - w / 2, y: y + gap, w, h }, label: { position: 'bottom' } },
      { box: { x: x + gap, y: y - h * 1.2, w, h }, label: { position: 'right', offset: [0, -h * 0.7] } },
      { box: { x: x + gap, y: y + h * 0.2, w, h }, label: { position: 'right', offset: [0, h * 0.7] } },
      { box: { x: x - gap - w, y: y - h * 1.2, w, h }, label: { position: 'left', offset: [0, -h * 0.7] } },
      { box: { x: x - gap - w, y: y + h * 0.2, w, h }, label: { position: 'left', offset: [0, h * 0.7] } },
    ];
    for (const k of [1.4, 2.1]) {
      for (const side of ['right', 'left']) {
        for (const sign of [-1, 1]) {
          const bx = side === 'right' ? x + gap : x - gap - w;
          cands.push({ box: { x: bx, y: y - h / 2 + sign * k * h, w, h }, label: { position: side, offset: [0, sign * k * h] } });
        }
      }
    }
    const clearOfLabels = (cand) => inside(cand.box) && !placed.some((b) => overlaps(cand.box, b));
    const free = (cand) => clearOfLabels(cand) && !obstacles.some((o, j) => j !== i && overlaps(cand.box, o));
    const pick = cands.find(free) || cands.find(clearOfLabels) || cands.find((cand) => inside(cand.box)) || cands[0];
    placed.push(pick.box);
    labels[i] = { ...pick.label, color: LABEL[data[i].quadrant] || COLORS.text };
  }
  c.setOption({ series: [{ data: data.map((d, i) => ({ ...d, label: labels[i] })) }] });
}

/** The 0–10 score histogram, coloured detractor / passive / promoter. */
export function histogramChart(el, { lang } = {}) {
  const c = chart(el);
  return {
    update(histogram) {
      const r = rem();
      const data = (histogram || []).map((v, i) => ({
        value: v, itemStyle: { color: i <= 6 ? COLORS.detractor : i <= 8 ? COLORS.passive : COLORS.promoter },
      }));
      c.setOption({
        animation: false,
        grid: { left: r * 3, right: r, top: r * 1.6, bottom: r * 2.2 },
        tooltip: { trigger: 'axis', formatter: (ps) => `${esc(ps[0].name)}: ${esc(ps[0].value)}` },
        xAxis: { type: 'category', data: [...Array(11).keys()].map(String), axisLabel: { color: COLORS.dim, fontSize: r * 0.8 },
          axisLine: { lineStyle: { color: COLORS.grid } } },
        yAxis: { type: 'value', minInterval: 1, axisLabel: { color: COLORS.dim, fontSize: r * 0.75 },
          splitLine: { lineStyle: { color: COLORS.grid } } },
        series: [{ type: 'bar', data, barWidth: '70%', label: { show: true, position: 'top', color: COLORS.text, fontSize: r * 0.75 } }],
      }, true);
    },
    instance: c,
  };
}

/** RATER dimension indices (0–100) with their n; a dimension without ratings shows "—". */
export function raterChart(el, { lang } = {}) {
  const c = chart(el);
  const dims = ['reliability', 'assurance', 'tangibles', 'empathy', 'responsiveness'];
  return {
    update(rater) {
      const r = rem();
      const d = (rater && rater.dimensions) || {};
      c.setOption({
        animation: false,
        grid: { left: r * 8, right: r * 7.5, top: r * 0.6, bottom: r * 2 },
        xAxis: { type: 'value', min: 0, max: 100, axisLabel: { color: COLORS.dim, fontSize: r * 0.75 },
          splitLine: { lineStyle: { color: COLORS.grid } } },
        yAxis: { type: 'category', inverse: true, data: dims.map((k) => t('dim_' + k, null, lang)),
          axisLabel: { color: COLORS.text, fontSize: r * 0.85 }, axisLine: { lineStyle: { color: COLORS.grid } } },
        series: [{
          type: 'bar', barWidth: '60%',
          data: dims.map((k) => {
            const x = d[k] || {};
            // No RATER targets in the catalog: one neutral colour, no red/amber/green judgement.
            return { value: x.index == null ? 0 : x.index, n: x.n || 0, mean: x.mean,
              itemStyle: { color: x.index == null ? 'transparent' : COLORS.none } };
          }),
          label: {
            show: true, position: 'right', color: COLORS.text, fontSize: r * 0.8,
            formatter: (p) => (p.data.n ? `${fmt.score(p.data.value)}  (${fmt.mean(p.data.mean)}/5, ${fmt.n(p.data.n)})` : `${fmt.DASH}  (${fmt.n(0)})`),
          },
        }],
      }, true);
    },
    instance: c,
  };
}

/**
 * An NPS trend from GET /api/v1/trends: the score per step as a line, its 95% interval as a band,
 * low-confidence points hollow, steps without responses as gaps (never 0), the target as a line.
 * points: [{from, to, n, score, moe, ci, lowConfidence}]
 */
export function trendChart(el, { lang } = {}) {
  const c = chart(el);
  return {
    update(points, { target = null, color = COLORS.none, timeLabel = (iso) => iso } = {}) {
      const r = rem();
      const at = (p) => Date.parse(p.from);
      const score = points.map((p) => ({
        value: [at(p), p.score == null ? null : p.score], from: p.from, to: p.to, n: p.n, moe: p.moe,
        lowConfidence: p.lowConfidence,
        symbol: p.lowConfidence ? 'emptyCircle' : 'circle',
      }));
      const lower = points.map((p) => [at(p), p.ci ? p.ci[0] : null]);
      const width = points.map((p) => [at(p), p.ci ? p.ci[1] - p.ci[0] : null]);
      c.setOption({
        animation: false,
        grid: { left: r * 3, right: r * 1.2, top: r * 1.2, bottom: r * 2.2 },
        tooltip: {
          trigger: 'axis',
          formatter: (ps) => {
            const p = ps.find((x) => x.seriesIndex === 0);
            if (!p || !p.data) return '';
            const d = p.data;
            const head = `${esc(timeLabel(d.from))} – ${esc(timeLabel(d.to))}`;
            if (d.value[1] == null) return `${head}<br>NPS ${fmt.DASH} (${esc(fmt.n(d.n))})`;
            return `${head}<br><b>NPS ${esc(fmt.score(d.value[1]))}</b> ${esc(fmt.moe(d.moe))} (${esc(fmt.n(d.n))})`
              + (d.lowConfidence ? `<br>${esc(t('lowNTitle', null, lang))}` : '');
          },
        },
        xAxis: { type: 'time', axisLabel: { color: COLORS.dim, fontSize: r * 0.75, hideOverlap: true },
          axisLine: { lineStyle: { color: COLORS.grid } } },
        yAxis: { type: 'value', min: (v) => Math.max(-100, Math.floor((v.min - 5) / 10) * 10),
          max: (v) => Math.min(100, Math.ceil((v.max + 5) / 10) * 10),
          axisLabel: { color: COLORS.dim, fontSize: r * 0.75 }, splitLine: { lineStyle: { color: COLORS.grid } } },
        series: [
          {
            name: 'NPS', type: 'line', data: score, connectNulls: false, symbolSize: r * 0.5, z: 3,
            lineStyle: { width: 2, color }, itemStyle: { color, borderColor: color, borderWidth: 2 },
            markLine: target == null ? undefined : {
              silent: true, symbol: 'none', data: [{ yAxis: target }],
              lineStyle: { color: COLORS.amber, type: 'dashed' },
              label: { formatter: t('target', { t: fmt.score(target) }, lang), color: COLORS.amber, fontSize: r * 0.7, position: 'insideEndTop' },
            },
          },
          { type: 'line', data: lower, stack: 'ci', stackStrategy: 'all', symbol: 'none', silent: true, lineStyle: { opacity: 0 }, connectNulls: false },
          { type: 'line', data: width, stack: 'ci', stackStrategy: 'all', symbol: 'none', silent: true, lineStyle: { opacity: 0 }, connectNulls: false,
            areaStyle: { color, opacity: 0.18 } },
        ],
      }, true);
    },
    instance: c,
  };
}

/** Earned growth per period (bars; green ≥ 0, red < 0) with NRR and ENC as lines; null periods are gaps. */
export function growthChart(el, { lang } = {}) {
  const c = chart(el);
  return {
    update(periods) {
      const r = rem();
      c.setOption({
        animation: false,
        legend: { data: [t('earnedGrowthShort', null, lang), 'NRR', 'ENC'], textStyle: { color: COLORS.dim, fontSize: r * 0.75 }, top: 0 },
        grid: { left: r * 3, right: r, top: r * 2, bottom: r * 2 },
        tooltip: { trigger: 'axis', valueFormatter: (v) => (v == null ? fmt.DASH : fmt.pct(v, 1)) },
        xAxis: { type: 'category', data: periods.map((p) => p.period), axisLabel: { color: COLORS.dim, fontSize: r * 0.7 } },
        yAxis: { type: 'value', axisLabel: { color: COLORS.dim, fontSize: r * 0.7, formatter: (v) => v + '%' }, splitLine: { lineStyle: { color: COLORS.grid } } },
        series: [
          { name: t('earnedGrowthShort', null, lang), type: 'bar', data: periods.map((p) => (p.earnedGrowth == null ? null
            : { value: p.earnedGrowth, itemStyle: { color: p.earnedGrowth >= 0 ? COLORS.green : COLORS.red, opacity: p.partial ? 0.5 : 1 } })) },
          { name: 'NRR', type: 'line', data: periods.map((p) => p.nrr), lineStyle: { color: COLORS.none }, itemStyle: { color: COLORS.none } },
          { name: 'ENC', type: 'line', data: periods.map((p) => p.enc), lineStyle: { color: COLORS.amber }, itemStyle: { color: COLORS.amber } },
        ],
      }, true);
    },
    instance: c,
  };
}
