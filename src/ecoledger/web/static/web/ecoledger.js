/* EcoLedger's own script: small, dependency-free glue; charts and maps load on the pages
   that use them. Everything here degrades: pages work without JavaScript. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  onReady(function () {
    document.querySelectorAll("[data-submit-on-change]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
  });

  window.EcoLedger = { onReady: onReady };
})();
