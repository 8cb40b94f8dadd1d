/* Tables wider than the screen scroll inside their DSFR container: such a container becomes a
   focusable, named region so that keyboard users can scroll it too (WCAG 2.1.1, axe
   "scrollable-region-focusable"). Checked again when the window is resized. */
(function () {
  "use strict";

  function mettreAJour() {
    document.querySelectorAll(".fr-table__container").forEach(function (conteneur) {
      var defile = conteneur.scrollWidth > conteneur.clientWidth + 1;
      if (defile && !conteneur.hasAttribute("tabindex")) {
        var legende = conteneur.querySelector("caption");
        conteneur.setAttribute("tabindex", "0");
        conteneur.setAttribute("role", "region");
        conteneur.setAttribute(
          "aria-label",
          (legende ? legende.textContent.trim() + " — " : "") + "tableau défilant horizontalement"
        );
      } else if (!defile && conteneur.getAttribute("role") === "region") {
        conteneur.removeAttribute("tabindex");
        conteneur.removeAttribute("role");
        conteneur.removeAttribute("aria-label");
      }
    });
  }

  var minuteur = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(minuteur);
    minuteur = window.setTimeout(mettreAJour, 150);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mettreAJour);
  } else {
    mettreAJour();
  }
})();
