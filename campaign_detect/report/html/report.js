// Interactions of the campaign_detect report. The page is complete without this script;
// it only adds filtering, sorting and highlighting. It never builds markup from the data:
// it reads text with textContent and toggles classes.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // filter a table's rows by the text typed in its box
  document.querySelectorAll("input.filter").forEach(function (box) {
    var table = document.getElementById(box.getAttribute("data-table"));
    if (!table) { return; }
    box.addEventListener("input", function () {
      var needle = box.value.toLowerCase();
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var hit = row.textContent.toLowerCase().indexOf(needle) !== -1;
        row.classList.toggle("hidden", !hit);
      });
    });
  });

  // sort a table by a column when its header is clicked
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th").forEach(function (th, col) {
      th.classList.add("sortable");
      var down = false;
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        down = !down;
        rows.sort(function (r1, r2) {
          var a = r1.cells[col].getAttribute("data-v") || r1.cells[col].textContent;
          var b = r2.cells[col].getAttribute("data-v") || r2.cells[col].textContent;
          var x = parseFloat(a), y = parseFloat(b);
          var c = (!isNaN(x) && !isNaN(y)) ? x - y : a.localeCompare(b);
          return down ? -c : c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });

  // a member clicked in the network: highlight its links, filter the cluster's posts to it
  document.querySelectorAll("svg.network").forEach(function (svg) {
    var section = svg.closest("section");
    var box = section ? section.querySelector("input.filter[data-role=posts]") : null;
    var current = null;
    function pick(node) {
      var key = node ? node.getAttribute("data-account") : null;
      current = (key === current) ? null : key;
      svg.classList.toggle("dim", current !== null);
      svg.querySelectorAll(".node").forEach(function (n) {
        n.classList.toggle("on", n.getAttribute("data-account") === current);
      });
      svg.querySelectorAll("line[data-a]").forEach(function (l) {
        var on = l.getAttribute("data-a") === current || l.getAttribute("data-b") === current;
        l.classList.toggle("on", on);
      });
      if (box) {
        box.value = current === null ? "" : current;
        box.dispatchEvent(new Event("input"));
      }
    }
    svg.querySelectorAll(".node").forEach(function (node) {
      node.addEventListener("click", function () { pick(node); });
      node.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(node); }
      });
    });
  });
})();
