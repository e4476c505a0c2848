/* The dashboard: the map, the on-time ranking of districts and the weekly flow, fetched after
   the page so that its HTML stays light. Each figure links to the filtered ledger. */
(function () {
  "use strict";
  var E = window.EcoLedger;

  function percent(rate) { return rate == null ? "—" : Math.round(rate * 1000) / 10 + "%"; }

  function drawRanking(list, rows, t) {
    if (!rows.length) { list.innerHTML = "<li class=\"muted\">" + E.esc(t.noClosures) + "</li>"; return; }
    list.innerHTML = rows.map(function (r) {
      var share = r.rate == null ? 0 : Math.round(r.rate * 100);
      return "<li><a href=\"" + r.url + "\"><span class=\"bar-label\">" + E.esc(r.name) + "</span>" +
        "<span class=\"bar-track\" aria-hidden=\"true\"><span class=\"bar-fill\" style=\"width:" + share + "%\"></span></span>" +
        "<span class=\"bar-n\">" + percent(r.rate) + " <small>(" + r.on_time + "/" + r.closed + ")</small></span></a></li>";
    }).join("");
  }

  function drawFlow(data, t) {
    var body = document.querySelector("#flow-table tbody");
    body.innerHTML = data.weeks.map(function (w) {
      return "<tr><th scope=\"row\">" + w.start + "</th><td><a href=\"" + w.new_url + "\">" + w["new"] +
        "</a></td><td><a href=\"" + w.closed_url + "\">" + w.closed + "</a></td></tr>";
    }).join("");
    var chart = E.chart(document.getElementById("flow-chart"), {
      tooltip: { trigger: "axis" },
      legend: { data: [t["new"], t.closed], top: 0 },
      grid: { left: 40, right: 8, top: 32, bottom: 28 },
      xAxis: { type: "category", data: data.weeks.map(function (w) { return w.start.slice(5); }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: t["new"], type: "bar", data: data.weeks.map(function (w) { return w["new"]; }), itemStyle: { color: "#2f7fb5" } },
        { name: t.closed, type: "bar", data: data.weeks.map(function (w) { return w.closed; }), itemStyle: { color: "#1f6f4a" } }
      ]
    });
    if (chart) {
      chart.on("click", function (p) {
        var week = data.weeks[p.dataIndex];
        window.location.href = p.seriesIndex === 0 ? week.new_url : week.closed_url;
      });
    }
  }

  E.onReady(function () {
    var t = E.labels("dash-labels");
    if (E.map) E.map(document.getElementById("dash-map"));
    var ranking = document.getElementById("ranking");
    if (!ranking) return;
    E.getJSON(ranking.dataset.src).then(function (data) {
      drawRanking(ranking, data.ranking, t);
      drawFlow(data, t);
    }).catch(function () {
      ranking.innerHTML = "<li class=\"error\">" + E.esc(t.failed) + "</li>";
    });
  });
})();
