/* Progress of generated documents: each block polls documents:etat_json and refreshes itself
   until the document is finished or has failed (without JavaScript, the « Actualiser » link reloads). */
(function() {
  if (window.suivreDocuments) {
    window.suivreDocuments();
    return;
  }

  function interroger(bloc, delai) {
    window.setTimeout(function() {
      fetch(bloc.dataset.urlEtat, {
          headers: {
            Accept: "application/json"
          },
          credentials: "same-origin"
        })
        .then(function(reponse) {
          if (!reponse.ok) {
            throw new Error(reponse.status);
          }
          return reponse.json();
        })
        .then(function(etat) {
          bloc.innerHTML = etat.html;
          if (etat.en_cours) {
            interroger(bloc, Math.min(delai * 1.5, 10000));
          } else {
            bloc.dataset.suivi = "fini";
          }
        })
        .catch(function() {
          // The « Actualiser » link stays available.
        });
    }, delai);
  }

  window.suivreDocuments = function() {
    document.querySelectorAll('.document-etat[data-suivi="actif"]').forEach(function(bloc) {
      bloc.dataset.suivi = "suivi";
      interroger(bloc, 1500);
    });
  };
  window.suivreDocuments();
})();
