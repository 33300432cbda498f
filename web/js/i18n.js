// Labels in English and Chinese. The language comes from the URL (?lang=zh|en) on the wall and
// from the console's switch; touchpoint, reason and stage names come from the catalog.

const STRINGS = {
  en: {
    wallTitle: 'Customer experience · live',
    consoleTitle: 'CX console',
    nps: 'NPS', csat: 'CSAT', ces: 'CES', rater: 'RATER',
    overallNps: 'NPS', csatTop2: 'CSAT top-2', raterIndex: 'RATER', cesEasy: 'CES easy',
    tab_grid: 'Touchpoints', tab_rater: 'RATER', tab_quadrant: 'Reasons', tab_journey: 'Journey', tab_alerts: 'Alerts',
    dataAsOf: 'Data as of',
    conn_connecting: 'connecting', conn_open: 'live', conn_reconnecting: 'reconnecting',
    conn_closed: 'offline', conn_denied: 'token rejected',
    staleTitle: 'DATA MAY BE OUT OF DATE',
    staleSince: 'last confirmed {time} ({ago} ago)',
    staleNever: 'no data received yet',
    staleDisconnected: 'no connection to the server — reconnecting',
    staleSilent: 'no message from the server for {ago}',
    staleServer: 'the server reports its numbers may be behind ({reason})',
    lowN: 'LOW n', lowNTitle: 'fewer responses than the minimum: read with care', lowNTitleShort: 'low n: read with care',
    noData: 'no responses yet',
    target: 'target {t}', noTarget: 'no target',
    rag_green: 'on target', rag_amber: 'below target, within margin', rag_red: 'significantly below target',
    rag_none: 'no target', rag_nodata: 'no data',
    promoters: 'Promoters', passives: 'Passives', detractors: 'Detractors',
    page_grid: 'Touchpoints', page_rater: 'Service quality (RATER)', page_quadrant: 'Reasons: what to fix first',
    page_journey: 'Customer journey', page_alerts: 'Detractor alerts',
    dim_reliability: 'Reliability', dim_assurance: 'Assurance', dim_tangibles: 'Tangibles',
    dim_empathy: 'Empathy', dim_responsiveness: 'Responsiveness', raterIdx: 'RATER',
    q_keep: 'Keep', q_polish: 'Polish', 'q_fix-first': 'Fix first', q_watch: 'Watch',
    attention: 'Attention (share of NPS respondents)', subNps: 'Sub-NPS',
    trendSince: 'trend since {time} (this screen)', trendWaiting: 'trend builds while this screen runs',
    win_15m: 'Last 15 min', win_1h: 'Last hour', win_24h: 'Last 24 h', win_today: 'Today',
    win_7d: 'Last 7 days', win_30d: 'Last 30 days',
    alertsEmpty: 'No detractor alerts since {time}',
    alertsSince: 'New detractor responses since {time} (this screen)',
    wantsContact: 'agreed to a call back',
    noComment: '(no comment)',
    casesTitle: 'Open cases',
    casesPlaceholder: 'Open cases and the age of the oldest case arrive with the cases endpoint (GET /api/v1/cases).',
    noToken: 'This screen has no device token.',
    noTokenHelp: 'Open /wall#token=<viewer token> once on this device; the token is then kept in this browser.',
    tokenRejected: 'The device token was rejected (expired or revoked).',
    tokenRejectedHelp: 'Open /wall#token=<new viewer token> on this device.',
    allTouchpoints: 'All touchpoints',
    responses: 'responses', stageEmpty: 'no touchpoint in this stage',
    quadrantEmpty: 'No reason answers in this window yet.',
    fixFirstList: 'Fix first: high attention, low sub-NPS',
    reasonsAsOf: 'reasons as of {time}',
    loading: 'loading…',
    legendRag: 'green: at/above target · amber: below, within margin · red: significantly below',
    signInTitle: 'Sign in to the CX console',
    signInHelp: 'Paste a token, or the URL with #token=… that the server printed at start (demo mode).',
    signIn: 'Sign in', signOut: 'Sign out', signInBad: 'This is not a token.',
    signInRejected: 'The server rejected this token (expired, wrong key or no access).',
    signInFailed: 'Could not reach the server: {msg}',
    nav_grid: 'Scorecard', nav_reasons: 'Reasons', nav_alerts: 'Alerts & cases', nav_value: 'Value',
    window: 'Window', language: 'Language',
    touchpoint: 'Touchpoint', stage: 'Stage', vsPrevious: 'vs previous period', ppd: 'Promoters / passives / detractors',
    targetCol: 'Target', overall: 'All touchpoints', comments: 'comments',
    sigUp: 'significantly up', sigDown: 'significantly down', notSig: 'not significant',
    prevRange: 'previous period {from} – {to}', prevLoading: 'previous period loading…',
    back: '← All touchpoints',
    histogram: 'Score distribution (0–10)', raterBars: 'RATER dimensions (index 0–100)',
    quadrantTitle: 'Reason quadrant — click an item to see it', trend: 'Trend', segments: 'Segment leaderboard',
    verbatims: 'Verbatims', verbatimSearch: 'Search what customers said',
    trendSession: 'Live since you opened this page (a trends endpoint will give the history)',
    arrivesWith: 'Arrives with {what}.',
    selectedNone: 'Click an item in the quadrant.',
    liveComments: 'Latest detractor comments (live, since you signed in)',
    noLiveComments: 'No detractor comments since you signed in.',
    reasonsTable: 'Reason items', level: 'Level', quadrantCol: 'Quadrant',
    casesQueue: 'Case queue', liveAlerts: 'Live detractor alerts (since you signed in)',
    revenueAtRisk: 'Revenue at risk by issue', earnedGrowth: 'Earned growth (NRR + ENC − 100%)', valueElements: 'Value elements',
    noRater: 'No RATER ratings in this window.', noScores: 'No NPS responses in this window.',
  },
  zh: {
    wallTitle: '客户体验实时看板',
    consoleTitle: '客户体验管理台',
    nps: '净推荐值', csat: '满意度', ces: '费力度', rater: 'RATER',
    overallNps: 'NPS', csatTop2: '满意度', raterIndex: 'RATER', cesEasy: '省力占比',
    tab_grid: '触点', tab_rater: 'RATER', tab_quadrant: '原因象限', tab_journey: '客户旅程', tab_alerts: '预警',
    dataAsOf: '数据截至',
    conn_connecting: '连接中', conn_open: '实时', conn_reconnecting: '重连中',
    conn_closed: '离线', conn_denied: '令牌无效',
    staleTitle: '数据可能已过时',
    staleSince: '最后确认于 {time}（{ago}前）',
    staleNever: '尚未收到数据',
    staleDisconnected: '与服务器的连接已断开，正在重连',
    staleSilent: '服务器已 {ago} 无消息',
    staleServer: '服务器报告数据可能滞后（{reason}）',
    lowN: '样本不足', lowNTitle: '回复数低于最低样本量，请谨慎解读', lowNTitleShort: '样本不足，谨慎解读',
    noData: '暂无回复',
    target: '目标 {t}', noTarget: '未设目标',
    rag_green: '达标', rag_amber: '低于目标（误差范围内）', rag_red: '显著低于目标',
    rag_none: '未设目标', rag_nodata: '暂无数据',
    promoters: '推荐者', passives: '被动者', detractors: '贬损者',
    page_grid: '触点得分', page_rater: '服务质量 RATER', page_quadrant: '原因象限：优先改善',
    page_journey: '客户旅程', page_alerts: '贬损者预警',
    dim_reliability: '信赖度', dim_assurance: '专业度', dim_tangibles: '有形度',
    dim_empathy: '同理度', dim_responsiveness: '反应度', raterIdx: 'RATER',
    q_keep: '稳定保持区', q_polish: '锦上添花区', 'q_fix-first': '亟须改善区', q_watch: '长期关注区',
    attention: '关注度（占NPS回复比例）', subNps: '子项NPS',
    trendSince: '本屏 {time} 起趋势', trendWaiting: '趋势随本屏运行生成',
    win_15m: '近15分钟', win_1h: '近1小时', win_24h: '近24小时', win_today: '今天',
    win_7d: '近7天', win_30d: '近30天',
    alertsEmpty: '自 {time} 起暂无贬损者预警',
    alertsSince: '自 {time} 起的新贬损者回复（本屏）',
    wantsContact: '同意回访',
    noComment: '（无留言）',
    casesTitle: '待处理工单',
    casesPlaceholder: '待处理工单与最久工单时长将随工单接口（GET /api/v1/cases）上线。',
    noToken: '本屏幕没有设备令牌。',
    noTokenHelp: '在本设备上打开一次 /wall#token=<viewer令牌>，令牌随后保存在本浏览器中。',
    tokenRejected: '设备令牌被拒绝（已过期或已吊销）。',
    tokenRejectedHelp: '请在本设备上打开 /wall#token=<新的viewer令牌>。',
    allTouchpoints: '全部触点',
    responses: '条回复', stageEmpty: '该阶段暂无触点',
    quadrantEmpty: '本时段暂无原因选项的回答。',
    fixFirstList: '亟须改善：关注度高、子项NPS低',
    reasonsAsOf: '原因数据截至 {time}',
    loading: '加载中…',
    legendRag: '绿：达到目标 · 黄：低于目标但在误差内 · 红：显著低于目标',
    signInTitle: '登录客户体验管理台',
    signInHelp: '粘贴令牌，或服务器启动时（演示模式）打印的带 #token=… 的网址。',
    signIn: '登录', signOut: '退出', signInBad: '这不是一个令牌。',
    signInRejected: '服务器拒绝了此令牌（已过期、密钥不符或无权限）。',
    signInFailed: '无法连接服务器：{msg}',
    nav_grid: '记分卡', nav_reasons: '原因分析', nav_alerts: '预警与工单', nav_value: '价值',
    window: '时段', language: '语言',
    touchpoint: '触点', stage: '阶段', vsPrevious: '较上一时段', ppd: '推荐者 / 被动者 / 贬损者',
    targetCol: '目标', overall: '全部触点', comments: '条留言',
    sigUp: '显著上升', sigDown: '显著下降', notSig: '无显著变化',
    prevRange: '上一时段 {from} – {to}', prevLoading: '正在加载上一时段…',
    back: '← 全部触点',
    histogram: '评分分布（0–10）', raterBars: 'RATER 各维度（指数 0–100）',
    quadrantTitle: '原因象限 — 点击选项查看详情', trend: '趋势', segments: '细分排行',
    verbatims: '客户原声', verbatimSearch: '搜索客户原声',
    trendSession: '自打开本页起的实时数据（历史趋势待趋势接口提供）',
    arrivesWith: '将随 {what} 上线。',
    selectedNone: '点击象限图中的选项。',
    liveComments: '最新贬损者留言（实时，自登录起）',
    noLiveComments: '自登录以来暂无贬损者留言。',
    reasonsTable: '原因选项', level: '层级', quadrantCol: '象限',
    casesQueue: '工单队列', liveAlerts: '实时贬损者预警（自登录起）',
    revenueAtRisk: '按问题排序的风险收入', earnedGrowth: '获得性增长（NRR + ENC − 100%）', valueElements: '价值要素',
    noRater: '本时段暂无 RATER 评分。', noScores: '本时段暂无 NPS 回复。',
  },
};

export function normLang(lang) {
  return String(lang || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** t('staleSince', {time: '09:01'}, 'zh') */
export function t(key, vars, lang = 'en') {
  const table = STRINGS[normLang(lang)];
  let s = table[key] ?? STRINGS.en[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** A touchpoint's name in the language, falling back to the other language and then the code. */
export function tpName(tp, lang) {
  if (!tp) return '';
  return (normLang(lang) === 'zh' ? tp.nameZh || tp.name : tp.name || tp.nameZh) || tp.touchpoint || tp.code || '';
}

export function reasonLabel(r, lang) {
  if (!r) return '';
  return (normLang(lang) === 'zh' ? r.labelZh || r.label : r.label || r.labelZh) || r.code || '';
}

export const stageLabel = reasonLabel;

export const DIMENSIONS = ['reliability', 'assurance', 'tangibles', 'empathy', 'responsiveness'];
export const WINDOWS = ['15m', '1h', '24h', 'today', '7d', '30d'];
