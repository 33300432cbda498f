// The one place that names the Apache ECharts build (org.mvnpm:echarts in server/pom.xml, served
// from the jar under /_static/echarts/<version>/). An import map would normally do this, but
// Chromium blocks an inline <script type="importmap"> under the pages' CSP (script-src 'self')
// and ignores import maps loaded with src=, so the pages import ECharts through this module.
export * from '/_static/echarts/6.0.0/dist/echarts.esm.min.js';
