// The page's only script, inlined and allowed by its hash (html-page.ts): the heap selector, the
// sites tables' search box and sortable headers. It reads the rows' values from the embedded JSON
// (never from HTML it would have to parse) and writes only text and attributes, never markup.
export const reportScript = `(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('kamheap-data').textContent);
  var select = document.getElementById('heap-select');
  function show(id) {
    document.querySelectorAll('section.heap').forEach(function (s) { s.hidden = s.getAttribute('data-heap') !== id; });
  }
  if (select) {
    select.addEventListener('change', function () { show(select.value); });
    show(select.value);
  }
  document.querySelectorAll('table.sites').forEach(function (table) {
    var id = table.getAttribute('data-heap');
    var rows = data.sites[id] || [];
    var body = table.tBodies[0];
    var trs = Array.prototype.slice.call(body.rows);
    var section = table.closest('section');
    var input = section.querySelector('input.site-search');
    var shown = section.querySelector('span.shown');
    var keys = { rank: function (i) { return i; }, site: function (i) { return rows[i][0]; }, module: function (i) { return rows[i][1]; }, count: function (i) { return rows[i][2]; }, bytes: function (i) { return rows[i][3]; } };
    function filter() {
      var q = input.value.trim().toLowerCase();
      var n = 0;
      trs.forEach(function (tr) {
        var r = rows[Number(tr.getAttribute('data-i'))];
        var hit = !q || (r[0] + ' ' + r[1]).toLowerCase().indexOf(q) >= 0;
        tr.hidden = !hit;
        if (hit) n++;
      });
      shown.textContent = q ? n + ' of ' + trs.length + ' sites' : trs.length + ' sites';
    }
    input.addEventListener('input', filter);
    table.querySelectorAll('th[data-sort]').forEach(function (th) {
      th.addEventListener('click', function () {
        var key = keys[th.getAttribute('data-sort')];
        var current = th.getAttribute('aria-sort');
        var textual = ['rank', 'site', 'module'].indexOf(th.getAttribute('data-sort')) >= 0;
        // A first click sorts numbers largest first and text A to Z; the next click reverses.
        var descending = current ? current === 'ascending' : !textual;
        table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        trs.sort(function (a, b) {
          var x = key(Number(a.getAttribute('data-i')));
          var y = key(Number(b.getAttribute('data-i')));
          var c = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
          return descending ? -c : c;
        });
        trs.forEach(function (tr) { body.appendChild(tr); });
      });
    });
  });
})();
`;
