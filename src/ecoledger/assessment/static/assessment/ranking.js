/* The ranking's bar chart: each unit's total, best first; a bar opens the unit's scorecard
   when the reader may read it. The table on the page holds the same figures. */
(function () {
  "use strict";
  var E = window.EcoLedger;

  E.onReady(function () {
    var box = document.getElementById("ranking-chart");
    if (!box || !E.chart) return;
    var rows = E.labels("ranking-data");
    var t = E.labels("ranking-labels");
    if (!rows.length) return;
    box.style.height = Math.max(220, rows.length * 28 + 60) + "px";
    var chart = E.chart(box, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 40, top: 8, bottom: 36, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100, name: t.total, nameLocation: "middle", nameGap: 26 },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }) },
      series: [{
        name: t.total, type: "bar", itemStyle: { color: "#1f6f4a" },
        label: { show: true, position: "right" },
        data: rows.map(function (r) { return r.total; })
      }]
    });
    if (chart) {
      chart.on("click", function (p) {
        var url = rows[p.dataIndex] && rows[p.dataIndex].url;
        if (url) window.location.href = url;
      });
    }
  });
})();
