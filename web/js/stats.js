// Client-side statistics, the same formulas as DESIGN.md section 1. Used only where the server
// gives counts but not the interval (reason items, journey stages summed from touchpoints) and to
// compare two periods; the server's own scores and intervals are shown as they come.

/** Adjusted-Wald NPS interval (Rocks 2016) from promoters P, detractors D and n. */
export function npsInterval(P, D, n) {
  if (!n) return { score: null, moe: null, ci: null };
  const n1 = n + 3;
  const p = (P + 0.75) / n1;
  const d = (D + 0.75) / n1;
  const v = p + d - (p - d) ** 2;
  const moe = 100 * 1.96 * Math.sqrt(v / n1);
  const centre = 100 * (p - d);
  return { score: (100 * (P - D)) / n, moe, ci: [centre - moe, centre + moe] };
}

/**
 * z for the difference of two independent NPS results (each {n, promoters, detractors});
 * null when either has no responses. |z| > 1.96 is significant at 95%.
 */
export function npsZ(a, b) {
  if (!a || !b || !a.n || !b.n) return null;
  const part = (x) => {
    const n1 = x.n + 3;
    const p = (x.promoters + 0.75) / n1;
    const d = (x.detractors + 0.75) / n1;
    return { diff: p - d, varOverN: (p + d - (p - d) ** 2) / n1 };
  };
  const x = part(a);
  const y = part(b);
  return (x.diff - y.diff) / Math.sqrt(x.varOverN + y.varOverN);
}

/** Sums NPS tallies (mergeable counts) of several scorecards' nps objects. */
export function sumNps(list) {
  const s = { n: 0, promoters: 0, passives: 0, detractors: 0 };
  for (const x of list) {
    if (!x) continue;
    s.n += x.n; s.promoters += x.promoters; s.passives += x.passives; s.detractors += x.detractors;
  }
  return { ...s, ...npsInterval(s.promoters, s.detractors, s.n) };
}

/**
 * Red/amber/green of an NPS against its target: green at or above the target; amber below it
 * but with the target inside the 95% interval (not significantly below); red significantly below.
 * 'none' without a target, 'nodata' without responses.
 */
export function rag(nps, target) {
  if (!nps || nps.score == null) return 'nodata';
  if (target == null) return 'none';
  if (nps.score >= target) return 'green';
  const upper = nps.ci ? nps.ci[1] : nps.score + (nps.moe || 0);
  return upper >= target ? 'amber' : 'red';
}
