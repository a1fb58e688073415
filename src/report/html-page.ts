/**
 * The HTML report's style and script, inlined into every page: the page
 * makes no request. The script builds every element with createElement and
 * sets every text with textContent (never innerHTML): resource names, tags
 * and messages come from whoever can create resources.
 */

export const PAGE_STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24; background: #fff; }
body { margin: 0; }
main { max-width: 1280px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 1.6rem; margin: 8px 0 4px; }
h2 { font-size: 1.2rem; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 1rem; margin: 16px 0 6px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
.meta dt { font-weight: 600; }
.meta dd { margin: 0; }
.banner { padding: 8px 12px; border-radius: 6px; margin: 8px 0; font-weight: 600; }
.banner.bad { background: #ffebe9; color: #82071e; border: 1px solid #ff8182; }
.banner.good { background: #dafbe1; color: #116329; border: 1px solid #4ac26b; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.card .n { font-size: 1.5rem; font-weight: 700; display: block; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font-size: 12px; fill: #1b1f24; }
.legend { display: flex; flex-wrap: wrap; gap: 12px; margin: 6px 0; font-size: 0.9rem; }
.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; border-radius: 2px; }
.filters { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: end; margin: 8px 0 12px; }
.filters label { display: flex; flex-direction: column; font-size: 0.85rem; font-weight: 600; gap: 2px; }
select, input, button { font: inherit; font-size: 0.9rem; padding: 3px 6px; border: 1px solid #8c959f; border-radius: 4px; background: #fff; color: #1b1f24; }
button { cursor: pointer; background: #f6f8fa; }
button:disabled { cursor: default; color: #57606a; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; table-layout: fixed; }
th:nth-child(1) { width: 13%; } th:nth-child(2) { width: 7%; } th:nth-child(3) { width: 7%; } th:nth-child(4) { width: 24%; }
th:nth-child(5) { width: 27%; } th:nth-child(6) { width: 10%; } th:nth-child(7) { width: 6%; } th:nth-child(8) { width: 6%; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #d8dee4; overflow-wrap: break-word; }
th { background: #f6f8fa; position: sticky; top: 0; }
td .id { word-break: break-all; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.8rem; color: #424a53; }
td ul { margin: 0; padding-left: 16px; }
td.loc { font-size: 0.85rem; }
.sev-critical { color: #6e2b8f; font-weight: 700; }
.sev-high { color: #a40e26; font-weight: 700; }
.sev-medium { color: #7d4e00; font-weight: 600; }
.sev-low { color: #0a3069; }
.sev-info { color: #424a53; }
.pager { display: flex; gap: 12px; align-items: center; margin: 10px 0; }
.muted { color: #57606a; }
details { margin: 2px 0; }
`;

export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('keyscope-data').textContent);
  var S = data.strings;
  var PAGE = 100;
  var SVG = 'http://www.w3.org/2000/svg';
  var COLOURS = { 'platform-managed': '#8c959f', 'customer-managed-key-vault': '#0969da', 'customer-managed-managed-hsm': '#1a7f37', 'host-your-own': '#8250df', 'undetermined': '#bf3989' };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    for (var key in attrs) node.setAttribute(key, String(attrs[key]));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  function add(parent) { for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]); return parent; }

  var app = document.getElementById('app');
  app.removeChild(document.getElementById('loading'));

  // The scan.
  var scan = data.scan;
  var meta = el('dl', { class: 'meta' });
  function row(name, value) { add(meta, el('dt', null, name), el('dd', null, value)); }
  row('Sources', scan.sources.map(function (s) { return s.kind + ':' + s.target + ' (' + s.resources + ' resources)'; }).join(', ') || 'none');
  if (scan.scopes && scan.scopes.length) row('Subscriptions read', scan.scopes.length + ': ' + scan.scopes.join(', '));
  row('Profile', scan.profile === null ? 'none (every rule)' : scan.profile);
  row('Time', scan.started ? scan.started + ' to ' + scan.ended : 'not recorded');
  row('keyscope', data.tool.version);
  add(app, meta);
  add(app, scan.complete
    ? el('p', { class: 'banner good' }, 'The scan is complete: everything in scope was read and evaluated.')
    : el('p', { class: 'banner bad', role: 'alert' }, 'The scan is incomplete: ' + scan.errors.length + ' problem(s). What was not read is not compliant.'));

  if (scan.errors.length || data.expired.length) {
    add(app, el('h2', null, 'Problems and notices'));
    var list = el('ul');
    scan.errors.forEach(function (p) {
      var at = p.line === undefined ? p.target : p.target + ':' + p.line + (p.column === undefined ? '' : ':' + p.column);
      add(list, el('li', null, at + '  ' + p.code + (p.fatal ? ' (fatal)' : '') + ': ' + p.message));
    });
    data.expired.forEach(function (e) {
      add(list, el('li', null, 'Exemption expired on ' + e.expires + ' (' + e.origin + '): ' + e.rule + ' on ' + e.resource + ' is no longer suppressed.'));
    });
    add(app, list);
  }

  // Totals.
  var sum = data.summary;
  add(app, el('h2', null, 'Totals'));
  var cards = el('div', { class: 'cards' });
  [['resources', sum.resources], ['fail', sum.byStatus.fail], ['unknown', sum.byStatus.unknown], ['pass', sum.byStatus.pass], ['not applicable', sum.byStatus.notApplicable]]
    .concat(sum.suppressed ? [['suppressed', sum.suppressed]] : [])
    .forEach(function (c) { var card = el('div', { class: 'card' }); add(card, el('span', { class: 'n' }, c[1]), el('span', null, c[0])); add(cards, card); });
  add(app, cards);
  var severities = Object.keys(sum.bySeverity);
  add(app, barChart('Open findings by severity', severities.map(function (s) { return [s, sum.bySeverity[s], '#cf222e']; })));

  // Posture.
  add(app, el('h2', null, 'Key-management posture'));
  var models = data.models;
  var legend = el('div', { class: 'legend', 'aria-hidden': 'true' });
  models.forEach(function (m) { var item = el('span'); add(item, el('span', { class: 'swatch', style: 'background:' + COLOURS[m[0]] }), document.createTextNode(m[1])); add(legend, item); });
  var charts = el('div', { class: 'charts' });
  var subs = Object.keys(data.posture.bySubscription);
  var stacks = [['all subscriptions', data.posture.totals]].concat(subs.slice(0, 40).map(function (s) { return [s, data.posture.bySubscription[s]]; }));
  add(charts, stackChart('Data resources by key-management model' + (subs.length > 40 ? ' (first 40 subscriptions)' : ''), stacks));
  var f = data.fips;
  add(charts, barChart('FIPS 140 level of customer-managed keys' + (f.required === null ? '' : ' (required: level ' + f.required + (f.required === 0 ? ', only where a fips-level tag asks' : '') + ')'),
    ['1', '2', '3', 'unknown'].map(function (l) { return ['level ' + l, f.provided[l] || 0, f.required !== null && l !== 'unknown' && Number(l) < f.required ? '#cf222e' : '#1a7f37']; })));
  add(app, legend, charts);

  // Unknowns by cause.
  var causes = {};
  data.findings.forEach(function (x) { if (x[1] === 1) { var c = S[x[7]] || 'cause not recorded'; causes[c] = (causes[c] || 0) + 1; } });
  var causeNames = Object.keys(causes).sort();
  if (causeNames.length) {
    add(app, el('h2', null, 'Unknown findings by cause'));
    var cl = el('ul');
    causeNames.forEach(function (c) { add(cl, el('li', null, causes[c] + '  ' + c)); });
    add(app, cl);
  }

  // Findings.
  add(app, el('h2', { id: 'findings-heading' }, 'Findings'));
  var rules = data.rules;
  var res = data.resources;
  var filters = el('div', { class: 'filters', role: 'search' });
  function select(id, label, options) {
    var wrap = el('label', { for: id }, label);
    var s = el('select', { id: id });
    add(s, el('option', { value: '' }, 'all'));
    options.forEach(function (o) { add(s, el('option', { value: String(o[0]) }, o[1])); });
    wrap.appendChild(s);
    add(filters, wrap);
    s.addEventListener('change', refresh);
    return s;
  }
  function distinct(values) { var seen = {}; var out = []; values.forEach(function (v) { if (!(v in seen)) { seen[v] = 1; out.push(v); } }); return out; }
  var usedRules = distinct(data.findings.map(function (x) { return x[0]; })).sort(function (a, b) { return a - b; });
  var fRule = select('f-rule', 'Rule', usedRules.map(function (r) { return [r, rules[r][0]]; }));
  var fSeverity = select('f-severity', 'Severity', severities.map(function (s) { return [s, s]; }));
  var fStatus = select('f-status', 'Status', [[0, 'fail'], [1, 'unknown']]);
  var subsUsed = distinct(res.map(function (r) { return r[3]; })).sort(function (a, b) { return S[a] < S[b] ? -1 : 1; });
  var fSub = select('f-subscription', 'Subscription', subsUsed.map(function (i) { return [i, S[i] || '(none)']; }));
  var typesUsed = distinct(res.map(function (r) { return r[2]; })).sort(function (a, b) { return S[a] < S[b] ? -1 : 1; });
  var fType = select('f-type', 'Resource type', typesUsed.map(function (i) { return [i, S[i]]; }));
  var fBaseline = select('f-baseline', 'Baseline state', data.baselineStates.map(function (b, i) { return [i, b || '(no baseline)']; }));
  var fSuppressed = select('f-suppressed', 'Suppressed', [['yes', 'suppressed'], ['no', 'not suppressed']]);
  var searchLabel = el('label', { for: 'f-search' }, 'Search');
  var search = el('input', { id: 'f-search', type: 'search', placeholder: 'name, id, message…' });
  searchLabel.appendChild(search);
  add(filters, searchLabel);
  var timer = 0;
  search.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(refresh, 150); });
  add(app, filters);

  var status = el('p', { id: 'f-count', 'aria-live': 'polite' });
  var table = el('table', { 'aria-labelledby': 'findings-heading' });
  var head = el('thead');
  var hr = el('tr');
  ['Rule', 'Severity', 'Status', 'Resource', 'Evidence', 'Location', 'Baseline', 'Suppression'].forEach(function (h) { add(hr, el('th', { scope: 'col' }, h)); });
  add(head, hr);
  var body = el('tbody', { id: 'f-rows' });
  add(table, head, body);
  var pager = el('div', { class: 'pager' });
  var prev = el('button', { type: 'button', id: 'f-prev' }, 'Previous page');
  var next = el('button', { type: 'button', id: 'f-next' }, 'Next page');
  var pageText = el('span', { id: 'f-page' });
  add(pager, prev, pageText, next);
  add(app, status, table, pager);

  var hay = null;
  var matched = [];
  var page = 0;
  prev.addEventListener('click', function () { if (page > 0) { page--; draw(); } });
  next.addEventListener('click', function () { if ((page + 1) * PAGE < matched.length) { page++; draw(); } });

  function refresh() {
    var rule = fRule.value, sev = fSeverity.value, st = fStatus.value, sub = fSub.value, type = fType.value, base = fBaseline.value, sup = fSuppressed.value;
    var q = search.value.trim().toLowerCase();
    if (q && !hay) hay = data.findings.map(function (x) { var r = res[x[2]]; return (r[0] + '\n' + r[1] + '\n' + rules[x[0]][0] + '\n' + x[4].join('\n')).toLowerCase(); });
    var out = [];
    var all = data.findings;
    for (var i = 0; i < all.length; i++) {
      var x = all[i];
      var r = res[x[2]];
      if (rule !== '' && x[0] !== +rule) continue;
      if (sev !== '' && rules[x[0]][1] !== sev) continue;
      if (st !== '' && x[1] !== +st) continue;
      if (sub !== '' && r[3] !== +sub) continue;
      if (type !== '' && r[2] !== +type) continue;
      if (base !== '' && x[5] !== +base) continue;
      if (sup === 'yes' && !x[6]) continue;
      if (sup === 'no' && x[6]) continue;
      if (q && hay[i].indexOf(q) < 0) continue;
      out.push(i);
    }
    matched = out;
    page = 0;
    draw();
  }

  function draw() {
    var rows = document.createDocumentFragment();
    var end = Math.min(matched.length, (page + 1) * PAGE);
    for (var k = page * PAGE; k < end; k++) {
      var x = data.findings[matched[k]];
      var r = res[x[2]];
      var rule = rules[x[0]];
      var tr = el('tr');
      var ruleCell = el('td');
      var d = el('details');
      add(d, el('summary', null, rule[0]), el('p', null, rule[2]), rule[3] ? el('p', null, 'Remediation: ' + rule[3]) : null, rule[4] ? el('p', { class: 'muted' }, rule[4]) : null);
      add(ruleCell, d);
      var evidence = el('ul');
      x[4].forEach(function (line) { add(evidence, el('li', null, line)); });
      var evCell = add(el('td'), evidence);
      var resource = el('td');
      add(resource, el('div', null, r[1]), el('div', { class: 'muted' }, S[r[2]]), el('div', { class: 'id' }, r[0]));
      add(tr, ruleCell, el('td', { class: 'sev-' + rule[1] }, rule[1]), el('td', null, x[1] === 0 ? 'fail' : 'unknown'), resource, evCell,
        el('td', { class: 'loc' }, S[x[3]]), el('td', null, data.baselineStates[x[5]]), el('td', null, x[6] || ''));
      rows.appendChild(tr);
    }
    body.replaceChildren(rows);
    status.textContent = matched.length + ' of ' + data.findings.length + ' findings';
    var pages = Math.max(1, Math.ceil(matched.length / PAGE));
    pageText.textContent = 'Page ' + (page + 1) + ' of ' + pages;
    prev.disabled = page === 0;
    next.disabled = page + 1 >= pages;
  }

  function barChart(title, bars) {
    var fig = el('figure');
    add(fig, el('figcaption', null, title));
    var max = Math.max(1, Math.max.apply(null, bars.map(function (b) { return b[1]; })));
    var width = 420, rowH = 24, label = 110;
    var chart = svg('svg', { width: width, height: bars.length * rowH + 4, role: 'img', 'aria-label': title + ': ' + bars.map(function (b) { return b[0] + ' ' + b[1]; }).join(', ') });
    bars.forEach(function (b, i) {
      var y = i * rowH + 2;
      var w = Math.round((width - label - 60) * b[1] / max);
      add(chart, svg('text', { x: 0, y: y + 16 }, b[0]), svg('rect', { x: label, y: y + 3, width: Math.max(w, b[1] ? 2 : 0), height: rowH - 8, fill: b[2] }), svg('text', { x: label + w + 6, y: y + 16 }, b[1]));
    });
    return add(fig, chart);
  }

  function stackChart(title, stacks) {
    var fig = el('figure');
    add(fig, el('figcaption', null, title));
    var width = 700, rowH = 24, label = 290;
    var max = Math.max(1, Math.max.apply(null, stacks.map(function (s) { return models.reduce(function (n, m) { return n + (s[1][m[0]] || 0); }, 0); })));
    var chart = svg('svg', { width: width, height: stacks.length * rowH + 4, role: 'img', 'aria-label': title + ': ' + stacks.map(function (s) { return s[0] + ' ' + models.map(function (m) { return m[1] + ' ' + (s[1][m[0]] || 0); }).join(', '); }).join('; ') });
    stacks.forEach(function (s, i) {
      var y = i * rowH + 2, x = label, total = 0;
      add(chart, svg('text', { x: 0, y: y + 16 }, s[0]));
      models.forEach(function (m) {
        var n = s[1][m[0]] || 0;
        total += n;
        if (!n) return;
        var w = Math.max(2, Math.round((width - label - 50) * n / max));
        var rect = svg('rect', { x: x, y: y + 3, width: w, height: rowH - 8, fill: COLOURS[m[0]] });
        add(rect, svg('title', {}, m[1] + ': ' + n));
        add(chart, rect);
        x += w;
      });
      add(chart, svg('text', { x: x + 6, y: y + 16 }, total));
    });
    return add(fig, chart);
  }

  refresh();
  document.documentElement.setAttribute('data-ready', 'true');
})();
`;
