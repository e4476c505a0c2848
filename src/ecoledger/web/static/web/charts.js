/* EcoLedger charts: small helpers around the vendored ECharts, and the monitoring point page
   (a line per parameter with its limit, the AQI calendar). Every chart has the same figures
   in text beside it: the charts add a picture, never the only way to read the data. */
(function () {
  "use strict";
  var E = window.EcoLedger = window.EcoLedger || {};

  E.getJSON = function (url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.detail || body.message || response.status);
          return body;
        });
      });
  };

  E.labels = function (id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : {};
  };

  E.format = function (text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  };

  E.esc = function (value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) {
      return "&#" + c.charCodeAt(0) + ";";
    });
  };

  E.chart = function (el, option) {
    if (!window.echarts || !el) return null;
    var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "svg" });
    option.aria = { enabled: true, decal: { show: true } };
    option.animation = false;
    chart.setOption(option, true);
    if (!el.dataset.sized) {
      el.dataset.sized = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    }
    return chart;
  };

  /* The point page ------------------------------------------------------------------------- */

  function seriesOption(data, t) {
    var marks = [];
    if (data.limit != null) marks.push({ yAxis: data.limit, name: t.limit, label: { position: "insideEndTop", formatter: t.limit + " {c}" } });
    if (data.lower_limit != null) marks.push({ yAxis: data.lower_limit, name: t.lowerLimit, label: { position: "insideEndBottom", formatter: t.lowerLimit + " {c}" } });
    var values = data.values.map(function (v) { return [v[0], v[1]]; });
    return {
      grid: { left: 48, right: 16, top: 24, bottom: 40 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "time" },
      yAxis: {
        type: "value", name: data.unit, scale: true,
        /* the limit lines stay in view even when every value is far from them */
        max: function (v) { return data.limit == null ? null : Math.max(v.max, data.limit * 1.05); },
        min: function (v) { return data.lower_limit == null ? null : Math.min(v.min, data.lower_limit); }
      },
      dataZoom: [{ type: "inside" }],
      series: [{
        name: data.name, type: "line", showSymbol: values.length < 60, data: values,
        lineStyle: { width: 1.5 }, itemStyle: { color: "#1f6f4a" },
        markLine: marks.length ? { symbol: "none", lineStyle: { color: "#b3261e", type: "dashed" }, data: marks } : undefined
      }]
    };
  }

  function drawSeries(figure, query, t) {
    var box = figure.querySelector(".chart-box");
    var caption = figure.querySelector("figcaption");
    caption.textContent = t.loading;
    return E.getJSON(figure.dataset.src + "&" + query).then(function (data) {
      if (!data.values.length) {
        if (window.echarts && window.echarts.getInstanceByDom(box)) window.echarts.dispose(box);
        box.innerHTML = "";
        caption.textContent = t.noData;
        return;
      }
      box.innerHTML = "";
      E.chart(box, seriesOption(data, t));
      var numbers = data.values.map(function (v) { return v[1]; });
      caption.textContent = E.format(t.summary, {
        n: numbers.length, low: Math.min.apply(null, numbers), high: Math.max.apply(null, numbers),
        over: data.exceedances
      });
    }).catch(function (error) { caption.textContent = t.failed + " " + error.message; });
  }

  function drawCalendar(section, t) {
    var box = section.querySelector(".calendar-box");
    var summary = section.querySelector(".calendar-summary");
    return E.getJSON(section.dataset.src).then(function (data) {
      var pieces = data.levels.map(function (level, i) {
        var low = i === 0 ? 0 : data.levels[i - 1].upper + 1;
        return level.upper == null ? { min: low, color: level.colour, label: level.category }
          : { min: low, max: level.upper, color: level.colour, label: level.category };
      });
      var narrow = box.clientWidth < 600;
      E.chart(box, {
        tooltip: { formatter: function (p) { return p.value[0] + ": AQI " + p.value[1]; } },
        /* on a phone the list under the chart is the legend */
        visualMap: { type: "piecewise", show: !narrow, orient: "horizontal", left: "center", bottom: 0, pieces: pieces, itemWidth: 12, textStyle: { fontSize: 11 } },
        calendar: {
          range: [data.from, data.to], orient: narrow ? "vertical" : "horizontal",
          cellSize: narrow ? [14, 14] : ["auto", 14], top: narrow ? 40 : 24, left: narrow ? 36 : 40, right: 16,
          bottom: narrow ? 8 : 48, dayLabel: { firstDay: 1, nameMap: "ZH" === t.lang ? "ZH" : "EN" }, yearLabel: { show: false }
        },
        series: [{ type: "heatmap", coordinateSystem: "calendar", data: data.days.map(function (d) { return [d[0], d[1]]; }) }]
      });
      if (narrow) box.style.height = "1000px";
      summary.innerHTML = data.levels.map(function (level, i) {
        return "<li><span class=\"swatch\" style=\"background:" + level.colour + "\"></span>" +
          E.esc(level.category) + ": " + data.counts[i] + "</li>";
      }).join("") + "<li>" + E.esc(t.noAqi) + ": " + data.missing + "</li>";
    }).catch(function (error) { summary.textContent = t.failed + " " + error.message; });
  }

  function initPointPage() {
    var form = document.getElementById("series-form");
    if (!form) return;
    var t = E.labels("point-labels");
    function refresh() {
      var query = new URLSearchParams(new FormData(form)).toString();
      document.querySelectorAll("figure.series[data-src]").forEach(function (figure) {
        drawSeries(figure, query, t);
      });
      if (window.history && window.history.replaceState) window.history.replaceState(null, "", "?" + query);
    }
    form.addEventListener("change", refresh);
    form.addEventListener("submit", function (event) { event.preventDefault(); refresh(); });
    refresh();
    var calendar = document.getElementById("aqi-calendar");
    if (calendar) drawCalendar(calendar, t);
  }

  if (E.onReady) E.onReady(initPointPage);
})();
