/* The one map (一张图): district polygons shaded by overdue rate, problem markers by traffic
   light, problems closed lately, monitoring points by AQI or compliance state. Everything on it is also a link in a
   list, and each marker carries a glyph and a label besides its colour. Vendored Leaflet and
   markercluster; a tile layer only where ECOLEDGER_MAP_TILE_URL names one. */
(function () {
  "use strict";
  var E = window.EcoLedger = window.EcoLedger || {};
  var GLYPH = { red: "!", yellow: "~", green: "✓", none: "·" };
  var LIGHTS = { r: "red", y: "yellow", g: "green", n: "none" };
  var POINT_GLYPH = { exceeding: "!", fault: "?", offline: "×", normal: "✓" };

  function rateColour(rate) {
    if (rate == null) return "#e8ecea";
    if (rate === 0) return "#fef0d9";
    if (rate < 0.1) return "#fdcc8a";
    if (rate < 0.25) return "#fc8d59";
    if (rate < 0.5) return "#e34a33";
    return "#b30000";
  }

  function percent(rate) { return rate == null ? "—" : Math.round(rate * 1000) / 10 + "%"; }

  function darkBackground(hex) {
    var n = parseInt(hex.slice(1), 16);
    return 0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255) < 140;
  }

  function labelled(layer, label) {
    layer.on("add", function () {
      var el = layer.getElement && layer.getElement();
      if (el) el.setAttribute("aria-label", label);
    });
  }

  function focusable(layer, label) {
    var el = layer.getElement && layer.getElement();
    if (!el) return;
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "button");
    el.setAttribute("aria-label", label);
    el.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); layer.openPopup(); }
    });
  }

  function addRegions(map, control, data, t) {
    var L = window.L;
    var towns = L.geoJSON(data, {
      filter: function (f) { return f.geometry && f.properties.rate === undefined; },
      style: { color: "#5b6b63", weight: 0.8, dashArray: "3 3", fill: false },
      interactive: false
    });
    var shaded = L.geoJSON(data, {
      filter: function (f) { return f.geometry && f.properties.rate !== undefined; },
      style: function (f) {
        return { color: "#1b2a24", weight: 1.5, fillColor: rateColour(f.properties.rate), fillOpacity: 0.55 };
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindTooltip(E.esc(p.name) + " " + percent(p.rate), { permanent: true, direction: "center", className: "region-label", pane: "regionLabels" });
        layer.bindPopup("<strong>" + E.esc(p.name) + "</strong><br>" + t.overdueRate + ": " + percent(p.rate) +
          " (" + p.overdue + " " + t.overdue + " / " + p.running + " " + t.running + ")<br>" +
          "<a href=\"" + p.url + "\">" + t.openList + "</a> · <a href=\"" + p.overdue_url + "\">" + t.overdueList + "</a>");
      }
    });
    shaded.addTo(map);
    towns.addTo(map);
    shaded.eachLayer(function (layer) {
      var p = layer.feature.properties;
      focusable(layer, p.name + ", " + t.overdueRate + " " + percent(p.rate));
    });
    control.addOverlay(shaded, t.districts);
    var bounds = shaded.getBounds();
    if (!bounds.isValid()) bounds = towns.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [6, 6] });
  }

  function addProblems(map, control, data, t, note, open) {
    var L = window.L;
    var group = L.markerClusterGroup
      ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40, chunkedLoading: true })
      : L.layerGroup();
    data.markers.forEach(function (row) {
      var code = row[0], light = LIGHTS[row[3]];
      var state = light === "none" ? t.none : t.lights[light];
      var label = code + " · " + state;
      var marker = L.marker([row[1], row[2]], {
        icon: L.divIcon({ className: "mk mk-" + light, html: GLYPH[light], iconSize: [18, 18] }),
        title: label, keyboard: true
      });
      labelled(marker, label);
      var url = data.detail_url.replace("CODE", encodeURIComponent(code));
      marker.bindPopup("<strong><a href=\"" + url + "\">" + E.esc(code) + "</a></strong><br>" + E.esc(row[4]) +
        "<br>" + E.esc(state) + (row[5] ? " · " + row[5] : ""));
      group.addLayer(marker);
    });
    group.addTo(map);
    control.addOverlay(group, t.problems);
    note.textContent = data.capped ? E.format(t.shown, { shown: data.count, open: open })
      : E.format(t.allShown, { shown: data.count });
  }

  function addClosed(map, control, data, t) {
    var L = window.L;
    var group = L.markerClusterGroup
      ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40, clusterPane: "closedMarkers",
          iconCreateFunction: function (c) { return L.divIcon({ className: "mk mk-closed mk-cluster", html: c.getChildCount(), iconSize: [24, 24] }); } })
      : L.layerGroup();
    data.closed.forEach(function (row) {
      var code = row[0], label = code + " · " + t.closedOn + " " + row[4];
      var marker = L.marker([row[1], row[2]], {
        icon: L.divIcon({ className: "mk mk-closed", html: "✔", iconSize: [16, 16] }),
        title: label, keyboard: true, pane: "closedMarkers"
      });
      labelled(marker, label);
      var url = data.detail_url.replace("CODE", encodeURIComponent(code));
      marker.bindPopup("<strong><a href=\"" + url + "\">" + E.esc(code) + "</a></strong><br>" + E.esc(row[3]) +
        "<br>" + E.esc(t.closedOn) + " " + row[4]);
      group.addLayer(marker);
    });
    group.addTo(map);
    control.addOverlay(group, t.closedLayer);
  }

  function addPoints(map, control, data, t) {
    var L = window.L;
    var layer = L.layerGroup();
    data.points.forEach(function (p) {
      var aqi = p.aqi;
      var text = aqi ? aqi.value : POINT_GLYPH[p.state];
      var style = aqi ? " style=\"background:" + aqi.colour + ";color:" + (darkBackground(aqi.colour) ? "#fff" : "#000") + "\"" : "";
      var state = aqi ? "AQI " + aqi.value + " " + aqi.category : t.states[p.state];
      var label = p.name + " · " + p.kind_label + " · " + state;
      var marker = L.marker([p.lat, p.lon], {
        icon: L.divIcon({ className: "pt-icon", html: "<span class=\"pt pt-" + p.state + "\"" + style + ">" + text + "</span>", iconSize: [28, 18] }),
        title: label, keyboard: true, zIndexOffset: 500
      });
      labelled(marker, label);
      var url = data.detail_url.replace(/0\/?$/, p.id + "/");
      marker.bindPopup("<strong><a href=\"" + url + "\">" + E.esc(p.name) + "</a></strong><br>" + E.esc(p.kind_label) +
        " · MN " + E.esc(p.mn) + "<br>" + E.esc(state) + (p.alerts ? " · " + p.alerts + " " + t.alerts : ""));
      layer.addLayer(marker);
    });
    layer.addTo(map);
    control.addOverlay(layer, t.points);
  }

  E.map = function (el) {
    var L = window.L;
    if (!L || !el) return null;
    var t = E.labels("dash-labels");
    var note = document.getElementById("map-note");
    var map = L.map(el, { zoomSnap: 0.25, scrollWheelZoom: false, minZoom: 5, maxZoom: 18 });
    map.attributionControl.setPrefix(false);
    map.createPane("regionLabels").style.zIndex = 450; /* above the polygons, under markers */
    (el.dataset.tiles || "").split("|").forEach(function (url) {
      url = url.trim();
      if (url) L.tileLayer(url, { subdomains: /tianditu/.test(url) ? "01234567" : "abc", maxZoom: 18 }).addTo(map);
    });
    map.setView([36.2, 117.1], 9);
    var control = L.control.layers(null, null, { collapsed: window.innerWidth < 700 }).addTo(map);
    function failed(error) { note.textContent = t.failed; if (window.console) console.error(error); }
    E.getJSON(el.dataset.regions).then(function (d) { addRegions(map, control, d, t); }).catch(failed);
    map.createPane("closedMarkers").style.zIndex = 550; /* under the open problems' markers */
    E.getJSON(el.dataset.problems).then(function (d) {
      addClosed(map, control, d, t);
      addProblems(map, control, d, t, note, el.dataset.open);
    }).catch(failed);
    E.getJSON(el.dataset.points).then(function (d) { addPoints(map, control, d, t); }).catch(failed);
    return map;
  };
})();
