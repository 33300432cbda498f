// The value page (#/value): revenue at risk by issue, earned growth, value elements.
import { h, fill } from '../dom.js';
import { reasonLabel } from '../i18n.js';
import * as fmt from '../format.js';
import { growthChart } from '../charts.js';
import { prefs, state, t } from './state.js';
import { panel, waiting, errorText, reasonName } from './shared.js';

export function valueView() {
  const risk = h('div', { id: 'value-issues' }, waiting());
  const growthChartEl = h('div', { class: 'chart', id: 'growth-chart' });
  const growth = h('div', { id: 'earned-growth' }, waiting());
  const elements = h('div', { id: 'value-elements' }, waiting());
  const el = h('div', { class: 'panels' },
    panel(t('revenueAtRisk'), risk, 'wide'),
    panel(t('earnedGrowth'), h('div', null, growthChartEl, growth)),
    panel(t('valueElements'), elements));
  // Outcomes are linked over a horizon of weeks: short windows hold too few customers to say anything.
  const issuesWindow = '30d';
  let chart = null;
  let loaded = false;
  const loadIssues = async () => {
    try {
      const r = await state.http.get('/api/v1/value/issues', { window: issuesWindow });
      // Our own sentence (in the page's language); the server's reason, in English, as its title.
      if (!r.available) return fill(risk, h('p', { class: 'muted', id: 'issues-unavailable', title: r.reason || '' }, t('noIssueData')));
      const money = (x) => (x == null ? fmt.DASH : Math.round(x).toLocaleString('en-US'));
      const rate = (x) => (x ? `${fmt.pct(x.rate, 1)} (${x.k}/${x.n})` : fmt.DASH);
      fill(risk,
        h('p', { class: 'muted small', id: 'issues-head' }, t('issuesHead', { outcome: t('out_' + r.outcome), days: r.horizonDays,
          customers: r.customers.toLocaleString('en-US'), rate: fmt.pct(r.rate && r.rate.rate, 1), win: t('win_' + issuesWindow) })),
        r.items.length ? h('table', { class: 'scorecard issues' },
          h('thead', null, h('tr', null, ['#', t('issue'), t('affected'), t('rateRaised'), t('rateNotRaised'), t('lossPp'), t('aov'), t('riskPerMonth')]
            .map((x, i) => h('th', { class: i === 1 ? null : 'num' }, x)))),
          h('tbody', null, r.items.map((i) => h('tr', { dataset: { reason: i.code } },
            h('td', { class: 'num' }, String(i.rank)),
            // A level-2 item is part of its parent's figure: say so, so nobody adds the two up.
            h('td', null, reasonLabel(i, prefs.lang), i.parent ? h('span', { class: 'muted small' }, ' ' + t('partOf', { parent: reasonName(i.parent) })) : null),
            h('td', { class: 'num' }, i.affectedCustomers.toLocaleString('en-US')),
            h('td', { class: 'num' }, rate(i.raised)),
            h('td', { class: 'num' }, rate(i.notRaised)),
            h('td', { class: 'num', title: i.crude ? t('crudeLoss', { d: fmt.mean(i.crude.difference, 1),
              lo: fmt.mean(i.crude.ci[0], 1), hi: fmt.mean(i.crude.ci[1], 1) }) : null },
            `${fmt.mean(i.loss, 1)} [${fmt.mean(i.lossCi[0], 1)}, ${fmt.mean(i.lossCi[1], 1)}]`),
            h('td', { class: 'num' }, money(i.averageOrderValue)),
            h('td', { class: 'num risk-money' }, money(i.revenueAtRiskPerMonth))))))
          : h('p', { class: 'muted' }, t('noSignificantLoss')),
        (r.notSignificant || []).length ? h('p', { class: 'muted small', id: 'issues-ns' }, t('notSignificantItems', { list:
          r.notSignificant.map((i) => `${reasonLabel(i, prefs.lang)} (${fmt.mean(i.loss, 1)} [${fmt.mean(i.lossCi[0], 1)}, ${fmt.mean(i.lossCi[1], 1)}])`).join(', ') })) : null,
        h('p', { class: 'muted small' }, t('riskFormula')),
        r.adjustedFor === 'npsCategory' ? h('p', { class: 'muted small', id: 'issues-adjusted' }, t('riskAdjusted')) : null);
    } catch (e) { fill(risk, h('p', { class: 'error' }, errorText(e))); }
  };
  const loadGrowth = async () => {
    try {
      const r = await state.http.get('/api/v1/value/earned-growth', { step: 'month' });
      const periods = r.periods || [];
      if (!chart) chart = growthChart(growthChartEl, { lang: prefs.lang });
      chart.update(periods);
      const pc = (x) => (x == null ? fmt.DASH : fmt.pct(x, 1));
      fill(growth, h('table', { class: 'scorecard growth' },
        h('thead', null, h('tr', null, [t('period'), t('revenue'), 'NRR', 'ENC', t('earnedGrowthShort')].map((x, i) => h('th', { class: i ? 'num' : null }, x)))),
        h('tbody', null, periods.slice().reverse().map((p) => h('tr', { dataset: { period: p.period } },
          h('td', null, p.period, p.partial ? h('span', { class: 'muted small' }, ' ' + t('partial')) : null),
          h('td', { class: 'num' }, Math.round(p.revenue).toLocaleString('en-US')),
          h('td', { class: 'num' }, pc(p.nrr)), h('td', { class: 'num' }, pc(p.enc)),
          h('td', { class: ['num', 'eg', p.earnedGrowth == null ? null : p.earnedGrowth >= 0 ? 'cmp-up' : 'cmp-down'] }, pc(p.earnedGrowth)))))),
      h('p', { class: 'muted small' }, t('growthFormula')));
    } catch (e) { fill(growth, h('p', { class: 'error' }, errorText(e))); }
  };
  const loadValues = async () => {
    try {
      const r = await state.http.get('/api/v1/values', { window: prefs.window });
      fill(elements, r.items.length ? h('table', { class: 'scorecard values' },
        h('thead', null, h('tr', null, [t('valueElement'), 'n', t('shareAbove7'), t('delivered')].map((x, i) => h('th', { class: i ? 'num' : null }, x)))),
        h('tbody', null, r.items.map((v) => h('tr', { dataset: { element: v.code } },
          h('td', null, v.label || v.code),
          h('td', { class: 'num' }, fmt.n(v.n)),
          h('td', { class: 'num' }, h('span', { class: 'share-bar' }, h('span', { style: { width: (v.shareAbove7 || 0) + '%' } })), ' ', h('span', { class: 'share' }, fmt.pct(v.shareAbove7, 1))),
          h('td', { class: ['num', 'delivered', v.delivered ? 'cmp-up' : v.delivered === false ? 'cmp-down' : 'muted'] },
            v.delivered == null ? fmt.DASH : v.delivered ? '✓ ' + t('yes') : '✗ ' + t('no'))))))
        : h('p', { class: 'muted' }, t('noValueElements')),
      h('p', { class: 'muted small' }, t('deliveredRule')));
    } catch (e) { fill(elements, h('p', { class: 'error' }, errorText(e))); }
  };
  return {
    name: 'value', nav: 'value', el,
    update() {
      if (loaded) return;
      loaded = true;
      loadIssues();
      loadGrowth();
      loadValues();
    },
  };
}
