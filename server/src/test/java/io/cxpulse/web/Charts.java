package io.cxpulse.web;

import java.util.List;
import org.openqa.selenium.interactions.Actions;

/** Reads and clicks the pages' ECharts charts through ECharts' own API (the module the page loaded). */
final class Charts {
  private Charts() {}

  /** [code, name, x, y] of the point of a chart's first series farthest from the others, in viewport pixels; null when empty. */
  @SuppressWarnings("unchecked")
  static List<Object> firstPoint(Browser b, String selector) {
    Object r = b.jsAsync("const done = arguments[arguments.length - 1];"
        + "import('/js/vendor/echarts.js').then(ec => {"
        + "  const el = document.querySelector(arguments[0]); const c = el && ec.getInstanceByDom(el);"
        + "  if (!c) return done(null);"
        + "  const data = c.getOption().series[0].data; if (!data || !data.length) return done(null);"
        + "  const px = data.map(x => c.convertToPixel({seriesIndex: 0}, x.value));"
        + "  const gap = i => Math.min(Infinity, ...px.filter((_, j) => j !== i).map(q => Math.hypot(q[0] - px[i][0], q[1] - px[i][1])));"
        + "  let best = 0; px.forEach((_, i) => { if (gap(i) > gap(best)) best = i; });"
        + "  const d = data[best]; const p = px[best]; const box = el.getBoundingClientRect();"
        + "  done([d.code, d.name, box.left + p[0], box.top + p[1]]);"
        + "}).catch(e => done(String(e)));", selector);
    if (r instanceof String s) throw new AssertionError(s);
    return (List<Object>) r;
  }

  /** The values of a chart's first series. */
  @SuppressWarnings("unchecked")
  static List<Object> seriesValues(Browser b, String selector) {
    return (List<Object>) b.jsAsync("const done = arguments[arguments.length - 1];"
        + "import('/js/vendor/echarts.js').then(ec => {"
        + "  const c = ec.getInstanceByDom(document.querySelector(arguments[0]));"
        + "  done(c ? c.getOption().series[0].data.map(d => (typeof d === 'object' ? d.value : d)) : null);"
        + "}).catch(e => done(null));", selector);
  }

  static void clickAt(Browser b, Number x, Number y) {
    // The viewport point: from the body's top-left after scrolling the page back to the top.
    new Actions(b.driver).moveToLocation(x.intValue(), y.intValue()).click().perform();
  }
}
