/* Forms: the error summary takes the focus when the page loads, and each of its links moves the
   focus to the control in error (a fragment link alone only scrolls in most browsers). */
(function () {
  "use strict";

  function allerAuChamp(evenement) {
    var lien = evenement.target.closest("a[href^='#']");
    if (!lien) {
      return;
    }
    var cible = document.getElementById(decodeURIComponent(lien.getAttribute("href").slice(1)));
    if (!cible) {
      return;
    }
    evenement.preventDefault();
    cible.scrollIntoView({ block: "center" });
    cible.focus();
  }

  function initialiser() {
    var resumes = document.querySelectorAll(".cm-resume-erreurs");
    resumes.forEach(function (resume) {
      resume.addEventListener("click", allerAuChamp);
    });
    if (resumes.length) {
      resumes[0].focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initialiser);
  } else {
    initialiser();
  }
})();
