// Progressive enhancement of the example developer portal; every page
// works without it.
"use strict";

// Copy buttons next to the client ID and the secret.
document.querySelectorAll("button.copy[data-copy]").forEach((button) => {
  const target = document.getElementById(button.dataset.copy);
  if (!target || !navigator.clipboard) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(target.textContent).then(() => {
      button.textContent = "Copied";
    });
  });
});

// A page showing a secret is never restored from the back/forward cache:
// it is fetched again, and the server shows the secret no more.
window.addEventListener("pageshow", (event) => {
  if (event.persisted && document.getElementById("client-secret")) {
    window.location.reload();
  }
});
