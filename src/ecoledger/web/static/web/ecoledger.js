/* EcoLedger's own script: small, dependency-free glue; charts and maps load on the pages
   that use them. Everything here degrades: pages work without JavaScript. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // The menu is a <details>: folded on a phone, always open on a wider screen (the CSS hides
  // its toggle there), also in browsers that do not render a closed one's content.
  function menuOpenWhenWide() {
    var wide = window.matchMedia("(min-width: 701px)");
    function apply() {
      document.querySelectorAll("details.menu").forEach(function (menu) { menu.open = wide.matches; });
    }
    apply();
    wide.addEventListener("change", apply);
  }

  onReady(function () {
    menuOpenWhenWide();
    document.querySelectorAll("[data-submit-on-change]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
  });

  window.EcoLedger = { onReady: onReady };
})();
