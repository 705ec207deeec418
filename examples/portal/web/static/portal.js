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

// A page showing a secret never shows it again from the back/forward
// cache: the secret leaves the page as the browser leaves it, and a page
// restored from the cache is fetched again, which shows only the hint.
const secret = document.getElementById("client-secret");
if (secret) {
  window.addEventListener("pagehide", () => {
    secret.textContent = "";
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      window.location.reload();
    }
  });
}
