// The page's stylesheet, inlined: system fonts only (no download), readable on screen and in print.
export const reportStyle = `
:root { --ink: #1d2330; --mute: #5d6675; --line: #d8dce3; --bg: #f6f7f9; --up: #b3261e; --down: #1e7b34; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; color: var(--ink); background: var(--bg); }
header { background: #1d2330; color: #fff; padding: 14px 24px; }
header h1 { margin: 0 0 6px; font-size: 20px; font-weight: 600; }
header dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; font-size: 13px; color: #c9d1dc; }
header dt { color: #8f9bab; }
header dd { margin: 0; overflow-wrap: anywhere; }
main { padding: 8px 24px 32px; max-width: 1240px; }
.heap-picker { margin: 12px 0; font-size: 14px; }
.heap-picker select { font: inherit; padding: 3px 6px; }
section.heap > h2 { font-size: 18px; margin: 18px 0 8px; }
section.heap h3 { font-size: 15px; margin: 22px 0 8px; padding-bottom: 3px; border-bottom: 1px solid var(--line); }
section.heap h4 { font-size: 13px; margin: 10px 0 6px; color: var(--mute); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(132px, 1fr)); gap: 8px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; }
.card .k { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--mute); }
.card .v { font-size: 17px; font-weight: 600; font-variant-numeric: tabular-nums; }
.walk, .note, figcaption { color: var(--mute); font-size: 13px; }
.findings.ok { color: var(--down); }
.findings.bad, .error { color: var(--up); font-weight: 600; }
.unknown { color: var(--mute); font-weight: 400; }
figure { margin: 0; }
svg { max-width: 100%; height: auto; display: block; background: #fff; border: 1px solid var(--line); border-radius: 4px; }
svg text { font-family: inherit; fill: #1d2330; }
.treemap .tm-module { stroke: #fff; stroke-width: 1.5; }
.treemap .tm-file, .treemap .tm-site { stroke: #fff; stroke-width: .6; }
.treemap rect:hover { fill-opacity: .25; }
.heapmap rect:hover { opacity: .6; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 6px 0; font-size: 12px; color: var(--mute); }
.swatch i { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.table-tools { display: flex; gap: 12px; align-items: center; margin: 6px 0; }
.site-search { font: inherit; padding: 5px 8px; width: min(460px, 100%); border: 1px solid var(--line); border-radius: 4px; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
th, td { padding: 3px 8px; border-bottom: 1px solid #eceef2; text-align: left; vertical-align: top; }
th { background: #eef0f4; position: sticky; top: 0; }
table.sites th { cursor: pointer; user-select: none; }
table.sites th[aria-sort="ascending"]::after { content: " ▲"; }
table.sites th[aria-sort="descending"]::after { content: " ▼"; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.site { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; overflow-wrap: anywhere; }
.up { color: var(--up); } .down { color: var(--down); } .flat { color: var(--mute); }
.diff-lists { display: grid; grid-template-columns: 1fr; gap: 8px; }
.sparks { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 10px; }
.spark { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px; }
.spark svg { border: 0; }
.spark-title { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 11.5px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.spark-note { font-size: 12px; color: var(--mute); }
footer { color: var(--mute); font-size: 12px; padding: 0 24px 24px; }
@media print { section.heap[hidden] { display: block; } .table-tools { display: none; } }
`;
