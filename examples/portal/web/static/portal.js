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

// "Add another redirect URL" adds a field in the page, with no round trip
// to the server (without script, the button posts the form and the server
// sends it back with one more field).
const addRedirect = document.getElementById("add-redirect");
if (addRedirect) {
  const rows = document.querySelector(".redirect-rows");
  const max = Number(addRedirect.dataset.max) || 10;
  addRedirect.addEventListener("click", (event) => {
    event.preventDefault();
    const n = rows.querySelectorAll("input").length;
    if (n >= max) {
      return;
    }
    const row = document.createElement("div");
    row.className = "redirect";
    const label = document.createElement("label");
    label.className = "visually-hidden";
    label.htmlFor = "redirect-" + n;
    label.textContent = "Redirect URL " + (n + 1);
    const input = document.createElement("input");
    input.id = "redirect-" + n;
    input.name = "redirect_uri";
    input.inputMode = "url";
    input.placeholder = "https://app.example.com/callback";
    input.setAttribute("aria-describedby", "redirects-hint");
    row.append(label, input);
    rows.append(row);
    input.focus();
    if (n + 1 >= max) {
      addRedirect.hidden = true;
    }
  });
}

// A machine-to-machine client never redirects: its redirect URL fields
// are hidden while that kind of application is chosen.
const redirects = document.getElementById("redirects");
const appTypes = document.querySelectorAll('input[name="app_type"]');
if (redirects && appTypes.length > 0) {
  const update = () => {
    const chosen = document.querySelector('input[name="app_type"]:checked');
    redirects.hidden = chosen !== null && chosen.value === "m2m";
  };
  appTypes.forEach((radio) => radio.addEventListener("change", update));
  update();
}

// After a refused form, focus goes to the first field in error, so that a
// keyboard or screen reader user lands on the problem (WCAG 3.3.1).
const invalid = document.querySelector('[aria-invalid="true"]');
if (invalid) {
  invalid.focus();
} else {
  const formError = document.querySelector(".form-error, main .error");
  if (formError) {
    formError.setAttribute("tabindex", "-1");
    formError.focus();
  }
}
