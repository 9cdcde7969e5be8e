// Search page: on a phone the facets start folded into one 筛选 line, so the results come first;
// without JavaScript (or on a wide screen) the panel stays open.
(function () {
  "use strict";
  if (window.matchMedia("(max-width: 800px)").matches) {
    document.querySelectorAll("details.facets-panel").forEach(function (panel) {
      panel.open = false;
    });
  }
})();
