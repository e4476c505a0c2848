/* The ledger pages' script: maps (problem location, map picker), per-file uploads with
   progress, plan rows, categories by domain, focus after in-place swaps.
   Every page works without it: forms post normally and the server answers with pages. */
(function () {
  "use strict";

  // ---- coordinates: the same formulas as ecoledger.lib.geo --------------------------------
  var A = 6378245.0, EE = 0.00669342162296594323, X_PI = Math.PI * 3000.0 / 180.0;

  function outOfChina(lon, lat) {
    return !(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271);
  }

  function delta(lon, lat) {
    var x = lon - 105.0, y = lat - 35.0, s = Math.sin, p = Math.PI;
    var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    dLat += (20.0 * s(6.0 * x * p) + 20.0 * s(2.0 * x * p)) * 2 / 3;
    dLat += (20.0 * s(y * p) + 40.0 * s(y / 3.0 * p)) * 2 / 3;
    dLat += (160.0 * s(y / 12.0 * p) + 320 * s(y * p / 30.0)) * 2 / 3;
    var dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    dLon += (20.0 * s(6.0 * x * p) + 20.0 * s(2.0 * x * p)) * 2 / 3;
    dLon += (20.0 * s(x * p) + 40.0 * s(x / 3.0 * p)) * 2 / 3;
    dLon += (150.0 * s(x / 12.0 * p) + 300.0 * s(x / 30.0 * p)) * 2 / 3;
    var radLat = lat / 180.0 * p, magic = 1 - EE * s(radLat) * s(radLat), sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((A * (1 - EE)) / (magic * sqrtMagic) * p);
    dLon = (dLon * 180.0) / (A / sqrtMagic * Math.cos(radLat) * p);
    return [dLon, dLat];
  }

  function wgsToGcj(lon, lat) {
    if (outOfChina(lon, lat)) return [lon, lat];
    var d = delta(lon, lat);
    return [lon + d[0], lat + d[1]];
  }

  function gcjToWgs(lon, lat) {
    if (outOfChina(lon, lat)) return [lon, lat];
    var w = [lon, lat];
    for (var i = 0; i < 30; i++) {
      var g = wgsToGcj(w[0], w[1]), eLon = g[0] - lon, eLat = g[1] - lat;
      w = [w[0] - eLon, w[1] - eLat];
      if (Math.abs(eLon) < 1e-10 && Math.abs(eLat) < 1e-10) break;
    }
    return w;
  }

  function gcjToBd(lon, lat) {
    var z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * X_PI);
    var t = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * X_PI);
    return [z * Math.cos(t) + 0.0065, z * Math.sin(t) + 0.006];
  }

  function bdToGcj(lon, lat) {
    var x = lon - 0.0065, y = lat - 0.006;
    var z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * X_PI);
    var t = Math.atan2(y, x) - 0.000003 * Math.cos(x * X_PI);
    return [z * Math.cos(t), z * Math.sin(t)];
  }

  function toWgs(lon, lat, system) {
    if (system === "gcj02") return gcjToWgs(lon, lat);
    if (system === "bd09") { var g = bdToGcj(lon, lat); return gcjToWgs(g[0], g[1]); }
    return [lon, lat];
  }

  function fromWgs(lon, lat, system) {
    if (system === "gcj02") return wgsToGcj(lon, lat);
    if (system === "bd09") { var g = wgsToGcj(lon, lat); return gcjToBd(g[0], g[1]); }
    return [lon, lat];
  }

  function convert(lon, lat, from, to) {
    if (from === to) return [lon, lat];
    var w = toWgs(lon, lat, from);
    return fromWgs(w[0], w[1], to);
  }

  // ---- small helpers ----------------------------------------------------------------------
  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function once(el, key) {
    if (el.dataset[key]) return false;
    el.dataset[key] = "1";
    return true;
  }

  function csrfToken(form) {
    // The cookie holds the current token (it rotates at login); the form's copy is the fallback.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return match ? decodeURIComponent(match[1]) : (input ? input.value : "");
  }

  function make(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  // ---- maps -------------------------------------------------------------------------------
  // The map is drawn in one datum (GCJ-02 by default, as Chinese tile servers use); stored
  // WGS-84 geometry is converted to it for display, and clicks are read back in it.
  function baseMap(el, data) {
    // A view first: Leaflet cannot draw vector layers on a map that has none yet.
    var map = L.map(el, { attributionControl: false, scrollWheelZoom: false }).setView([35, 105], 4);
    if (data.tiles) L.tileLayer(data.tiles, { maxZoom: 18 }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    return map;
  }

  function boundaryLayer(geometry, datum) {
    return L.geoJSON(geometry, {
      interactive: false,
      style: { color: "#1f6f4a", weight: 2, fillColor: "#1f6f4a", fillOpacity: 0.06 },
      coordsToLatLng: function (c) {
        var p = fromWgs(c[0], c[1], datum);
        return L.latLng(p[1], p[0]);
      }
    });
  }

  function wgsLatLng(lat, lon, datum) {
    var p = fromWgs(lon, lat, datum);
    return L.latLng(p[1], p[0]);
  }

  function problemMap(el) {
    if (!window.L || !once(el, "mapReady")) return;
    var data = readJson(el.dataset.source);
    if (!data) return;
    var map = baseMap(el, data), bounds = L.latLngBounds([]);
    (data.boundaries || []).forEach(function (geometry) {
      var layer = boundaryLayer(geometry, data.datum).addTo(map);
      bounds.extend(layer.getBounds());
    });
    (data.photos || []).forEach(function (photo) {
      var at = wgsLatLng(photo.lat, photo.lon, data.datum);
      L.circleMarker(at, { radius: 4, color: "#5b6b63", weight: 1, fillOpacity: 0.8 })
        .bindTooltip(photo.name).addTo(map);
      bounds.extend(at);
    });
    if (data.point) {
      var at = wgsLatLng(data.point[0], data.point[1], data.datum);
      L.circleMarker(at, { radius: 9, color: "#b3261e", weight: 3, fillColor: "#b3261e", fillOpacity: 0.5 })
        .bindTooltip(data.label).addTo(map);
      if (!data.boundaries.length && !(data.photos || []).length) { map.setView(at, 15); return; }
      bounds.extend(at);
    }
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
    else map.setView([35, 105], 4);
  }

  function pickerMap(form) {
    var el = form.querySelector("[data-picker-map]");
    if (!el || !window.L || !once(el, "mapReady")) return;
    var data = readJson(el.dataset.source) || { regions: [], datum: "gcj02" };
    var datum = data.datum || "gcj02";
    var lat = form.querySelector("[name=latitude]"), lon = form.querySelector("[name=longitude]");
    var system = form.querySelector("[name=coordinate_system]");
    var region = form.querySelector("[name=region]");
    var map = baseMap(el, data), marker = null, byId = {};
    data.regions.forEach(function (r) {
      byId[r.id] = r;
      if (r.boundary) r.layer = boundaryLayer(r.boundary, datum).addTo(map);
    });

    function regionView(r) {
      if (!r) return false;
      if (r.layer) { map.fitBounds(r.layer.getBounds(), { maxZoom: 15 }); return true; }
      if (r.lat !== null && r.lon !== null) { map.setView(wgsLatLng(r.lat, r.lon, datum), 13); return true; }
      return false;
    }

    function typedPoint() {
      var y = parseFloat(lat.value), x = parseFloat(lon.value);
      if (isNaN(x) || isNaN(y)) return null;
      var p = convert(x, y, system.value, datum);
      return L.latLng(p[1], p[0]);
    }

    function place(at) {
      if (!at) { if (marker) { map.removeLayer(marker); marker = null; } return; }
      if (!marker) marker = L.circleMarker(at, { radius: 9, color: "#b3261e", weight: 3, fillOpacity: 0.5 }).addTo(map);
      else marker.setLatLng(at);
    }

    map.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
      system.value = datum;
      place(e.latlng);
      [lat, lon, system].forEach(function (input) { input.dispatchEvent(new Event("change", { bubbles: true })); });
    });
    [lat, lon, system].forEach(function (input) {
      input.addEventListener("input", function () { place(typedPoint()); });
      input.addEventListener("change", function () { place(typedPoint()); });
    });
    if (region) region.addEventListener("change", function () { regionView(byId[region.value]); });

    var start = typedPoint();
    place(start);
    if (start) map.setView(start, 15);
    else if (!(region && regionView(byId[region.value])) && !regionView(data.regions[0])) map.setView([35, 105], 4);

    var locate = form.querySelector("[data-locate]");
    if (locate && navigator.geolocation && window.isSecureContext) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          lat.value = pos.coords.latitude.toFixed(6);
          lon.value = pos.coords.longitude.toFixed(6);
          system.value = "wgs84";  // satellite positioning gives WGS-84
          var at = typedPoint();
          place(at);
          map.setView(at, 16);
        });
      });
    }
  }

  // ---- categories offered for the chosen domain --------------------------------------------
  function categoriesByDomain(form) {
    var domain = form.querySelector("[name$=domain]"), category = form.querySelector("[name$=category]");
    if (!domain || !category || !category.querySelector("option[data-domain]")) return;
    function filter() {
      Array.prototype.forEach.call(category.options, function (option) {
        var other = option.dataset.domain && option.dataset.domain !== domain.value;
        option.hidden = !!other;
        option.disabled = !!other;
        if (other && option.selected) category.value = "";
      });
    }
    domain.addEventListener("change", filter);
    filter();
  }

  // ---- plan: more measure rows -------------------------------------------------------------
  function planRows(root) {
    root.querySelectorAll("[data-add-measure]").forEach(function (button) {
      if (!once(button, "ready")) return;
      var form = button.form, template = form.querySelector("[data-measure-template]");
      var rows = form.querySelector("[data-measure-rows]");
      var total = form.querySelector("input[name$='measures-TOTAL_FORMS']");
      if (!template || !rows || !total) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var index = parseInt(total.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, String(index));
        rows.insertAdjacentHTML("beforeend", html);
        total.value = String(index + 1);
        var added = rows.lastElementChild.querySelector("textarea, input:not([type=hidden])");
        if (added) added.focus();
      });
    });
  }

  // ---- uploads: one request per file, each with its progress bar ---------------------------
  function send(url, body, token, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) onProgress(Math.round(e.loaded / e.total * 100));
      });
      xhr.onload = function () {
        var json = {};
        try { json = JSON.parse(xhr.responseText); } catch (err) { json = { message: xhr.statusText }; }
        (xhr.status >= 200 && xhr.status < 300 ? resolve : reject)(json);
      };
      xhr.onerror = function () { reject({ message: "" }); };
      xhr.send(body);
    });
  }

  function reasons(json) {
    var fields = json.fields || {}, found = [];
    Object.keys(fields).forEach(function (name) { found = found.concat(fields[name]); });
    return found.length ? found.join(" ") : (json.message || "");
  }

  function uploadAll(form, files, url, fields, fileName) {
    var list = form.querySelector(".upload-list"), msg = form.dataset;
    list.innerHTML = "";
    var rows = files.map(function (file) {
      var item = make("li", "upload"), name = make("span", "name", file.name);
      var bar = make("progress");
      bar.max = 100; bar.value = 0;
      bar.setAttribute("aria-label", file.name);
      var state = make("span", "upload-state", msg.msgUploading);
      item.append(name, bar, state);
      list.appendChild(item);
      return { file: file, bar: bar, state: state, item: item };
    });
    var failures = 0;
    return rows.reduce(function (chain, row) {
      return chain.then(function () {
        var body = new FormData();
        Object.keys(fields).forEach(function (key) { body.append(key, fields[key]); });
        body.append(fileName, row.file, row.file.name);
        return send(url, body, csrfToken(form), function (percent) { row.bar.value = percent; }).then(function (json) {
          row.bar.value = 100;
          var added = (json.evidence || [])[0];
          row.state.textContent = "✔ " + msg.msgDone + (added ? " · SHA-256 " + added.sha256.slice(0, 16) + "…" : "");
          row.item.classList.add("ok");
        }, function (json) {
          failures += 1;
          row.state.textContent = "✖ " + msg.msgFailed + ": " + reasons(json);
          row.item.classList.add("failed");
        });
      });
    }, Promise.resolve()).then(function () { return failures; });
  }

  function evidenceUploader(form) {
    if (!once(form, "uploaderReady") || !window.FormData) return;
    var input = form.querySelector("input[type=file]");
    form.addEventListener("submit", function (e) {
      if (!input || !input.files.length) return;  // the server says what is missing
      e.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      var fields = {};
      new FormData(form).forEach(function (value, key) { if (key !== input.name) fields[key] = value; });
      var files = Array.prototype.slice.call(input.files);
      uploadAll(form, files, form.action, fields, input.name)
        .then(function (failures) {
          if (!failures) { window.location.assign(form.dataset.doneUrl); return; }
          button.disabled = false;
          input.value = "";
          var note = make("p", "error", failures < files.length ? form.dataset.msgRetry : form.dataset.msgNone);
          note.setAttribute("role", "alert");
          form.querySelector(".upload-list").appendChild(note);
        });
    });
  }

  // ---- the register form: the problem first, then its files one by one ---------------------
  function showErrors(form, json) {
    form.querySelectorAll(".field.invalid").forEach(function (field) { field.classList.remove("invalid"); });
    form.querySelectorAll(".field-error").forEach(function (p) { p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) { input.removeAttribute("aria-invalid"); });
    var slot = form.querySelector("[data-form-errors]"), general = [];
    var fields = json.fields || {};
    Object.keys(fields).forEach(function (name) {
      var input = form.querySelector("[name='" + name + "']");
      var error = input && document.getElementById(input.id + "_error");
      if (!error) { general = general.concat(fields[name]); return; }
      error.textContent = fields[name].join(" ");
      input.setAttribute("aria-invalid", "true");
      error.closest(".field").classList.add("invalid");
    });
    slot.innerHTML = "";
    var box = make("div", "form-errors");
    box.setAttribute("role", "alert");
    box.tabIndex = -1;
    var lines = general.length ? general : [json.message || form.dataset.msgError];
    var ul = make("ul");
    lines.forEach(function (line) { ul.appendChild(make("li", "", line)); });
    box.appendChild(ul);
    slot.appendChild(box);
    box.focus();
  }

  function problemForm(form) {
    if (!once(form, "formReady")) return;
    categoriesByDomain(form);
    pickerMap(form);
    if (!form.hasAttribute("data-uploads") || !window.fetch || !window.FormData) return;
    var input = form.querySelector("input[type=file]");
    var stage = form.querySelector("[name=stage]");
    form.addEventListener("submit", function (e) {
      if (!input || !input.files.length) return;  // nothing to upload: a plain post will do
      e.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      var body = new FormData(form);
      body.delete(input.name);
      fetch(form.action || window.location.href, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) }
      }).then(function (response) {
        return response.json().then(function (json) { return { ok: response.ok, json: json }; });
      }).then(function (result) {
        if (!result.ok) { button.disabled = false; showErrors(form, result.json); return; }
        var prefix = form.dataset.evidencePrefix, fields = {};
        fields[prefix + "-stage"] = stage.value;
        var files = Array.prototype.slice.call(input.files);
        input.disabled = true;
        return uploadAll(form, files, result.json.evidence_url, fields, prefix + "-files").then(function (failures) {
          if (!failures) { window.location.assign(result.json.url); return; }
          var link = make("a", "button", form.dataset.msgContinue + " " + result.json.code);
          link.href = result.json.url;
          form.querySelector(".upload-list").appendChild(make("li")).appendChild(link);
          link.focus();
        });
      }).catch(function () {
        button.disabled = false;
        showErrors(form, { message: form.dataset.msgNetwork });
      });
    });
  }

  // ---- the one progress bar of a multipart form sent in place (progress reports) ----------
  function requestProgress(form) {
    if (!once(form, "progressReady")) return;
    var bar = form.querySelector(".upload-progress");
    if (!bar) return;
    form.addEventListener("htmx:xhr:progress", function (e) {
      if (!e.detail.total) return;
      bar.hidden = false;
      bar.value = Math.round(e.detail.loaded / e.detail.total * 100);
    });
  }

  // ---- after an in-place swap, put focus where the answer is ------------------------------
  function focusAnswer(root) {
    var target = root.querySelector("[data-focus]") || root.querySelector(".messages");
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.tabIndex = -1;
    target.focus();
  }

  function init(root) {
    root.querySelectorAll("[data-problem-map]").forEach(problemMap);
    root.querySelectorAll("[data-problem-form]").forEach(problemForm);
    root.querySelectorAll("form[data-uploader]").forEach(evidenceUploader);
    root.querySelectorAll("form[data-progress]").forEach(requestProgress);
    root.querySelectorAll("form.action-form").forEach(categoriesByDomain);
    planRows(root);
  }

  // Empty filters stay out of the request, so the pushed address reads like the filter.
  function dropEmptyFilters(e) {
    if (!e.detail.elt || e.detail.elt.id !== "ledger-filters") return;
    var params = e.detail.parameters;
    Object.keys(params).forEach(function (key) {
      if (params[key] === "" || (Array.isArray(params[key]) && !params[key].length)) delete params[key];
    });
  }

  function start() {
    if (window.htmx) {
      window.htmx.onLoad(init);
      document.body.addEventListener("htmx:configRequest", dropEmptyFilters);
      document.body.addEventListener("htmx:afterSettle", function (e) {
        var config = e.detail.requestConfig, content = document.getElementById("content");
        if (config && config.verb === "post" && content) focusAnswer(content);
      });
    } else {
      init(document);
    }
    var errors = document.querySelector("#content [data-focus]");
    if (errors) errors.focus();
  }

  if (document.readyState !== "loading") start();
  else document.addEventListener("DOMContentLoaded", start);

  window.EcoLedgerGeo = { wgsToGcj: wgsToGcj, gcjToWgs: gcjToWgs, gcjToBd: gcjToBd, bdToGcj: bdToGcj, convert: convert };
})();
