// The scorecard (#/): one row per touchpoint and one for all, updated in place on every push; the
// colour is the server's target status, the comparison the server's verdict.
import { h, fill, setText, $ } from '../dom.js';
import { tpName } from '../i18n.js';
import * as fmt from '../format.js';
import { prefs, state, t } from './state.js';
import { npsBlock, ppd, waiting, stageName } from './shared.js';
import { prevRangeText, compareCell } from './compare.js';

export function gridView() {
  const body = h('div', { id: 'grid-body' }, waiting());
  const el = h('div', { class: 'grid-view' }, body);
  const rows = new Map(); // code -> {tr, cells}; rows stay in place so that a click never lands on a replaced link
  let built = '';
  const build = (d) => {
    rows.clear();
    const mk = (code, isOverall) => {
      const cells = Array.from({ length: 9 }, () => h('td'));
      cells[0].className = 'name';
      for (const i of [1, 2, 3, 5, 6, 7]) cells[i].className = 'num';
      cells[2].classList.add('nps-n');
      cells[4].className = 'ppd-cell';
      cells[8].className = 'target';
      if (!isOverall) {
        cells[0].append(h('a', { href: '#/tp/' + encodeURIComponent(code) }), h('div', { class: 'muted small' }));
      }
      const tr = h('tr', { class: isOverall ? 'overall' : '', dataset: { tp: code } }, cells);
      rows.set(code, { tr, cells });
      return tr;
    };
    fill(body, h('table', { class: 'scorecard' },
      h('thead', null, h('tr', null, [t('touchpoint'), 'NPS', 'n', t('vsPrevious'), t('ppd'), t('csatTop2'), t('cesEasy'), t('raterIndex'), t('targetCol')]
        .map((x, i) => h('th', { class: (i >= 1 && i <= 3) || (i >= 5 && i <= 7) ? 'num' : null }, x)))),
      h('tbody', null, mk('*', true), d.touchpoints.map((tp) => mk(tp.touchpoint, false)))),
    h('p', { class: 'muted small', id: 'grid-note' }));
  };
  const update = (tp, code, isOverall) => {
    const { tr, cells } = rows.get(code);
    const target = tp.nps.target ?? null;
    const status = tp.nps.status || 'none';
    tr.className = ['rag-' + status, isOverall ? 'overall' : ''].join(' ').trim();
    if (isOverall) fill(cells[0], t('overall'));
    else {
      setText(cells[0].firstChild, tpName(tp, prefs.lang));
      setText(cells[0].lastChild, stageName(tp.stage));
    }
    fill(cells[1], npsBlock(tp.nps));
    setText(cells[2], fmt.n(tp.nps.n));
    fill(cells[3], compareCell(code));
    fill(cells[4], ppd(tp.nps));
    fill(cells[5], fmt.pct(tp.csat && tp.csat.top2), h('div', { class: 'muted small' }, fmt.n(tp.csat && tp.csat.n)));
    fill(cells[6], fmt.pct(tp.ces && tp.ces.easy), h('div', { class: 'muted small' }, fmt.n(tp.ces && tp.ces.n)));
    setText(cells[7], fmt.score(tp.rater && tp.rater.index));
    if (isOverall) fill(cells[8]);
    else fill(cells[8], h('span', { class: 'rag-dot' }), ' ' + (target == null ? t('noTarget') : `${fmt.score(target)} · ${t('rag_' + status)}`));
  };
  return {
    name: 'grid', nav: 'grid', el,
    update() {
      const d = state.data;
      if (!d) return;
      const codes = d.touchpoints.map((x) => x.touchpoint).join(',');
      if (codes !== built) { build(d); built = codes; }
      update(d.overall, '*', true);
      for (const tp of d.touchpoints) update(tp, tp.touchpoint, false);
      setText($('#grid-note'), state.compare ? prevRangeText()
        + ' · ▲/▼ ' + t('sigUp') + '/' + t('sigDown') + ' (95%, |z| > 1.96) · ≈ ' + t('notSig') : t('prevLoading'));
    },
  };
}
