// Shows the questions under a chosen radio (GOV.UK's "conditional reveal" markup and
// styles) without GOV.UK Frontend's own script for it, which marks each radio
// aria-expanded: not allowed on a radio by ARIA, so axe reports every such page. The
// revealed questions follow their radio in the page, so they are read next. Without
// JavaScript every answer's questions stay shown and the server ignores the others.
const HIDDEN = "govuk-radios__conditional--hidden";

function sync(root) {
  root.querySelectorAll('input[type="radio"][data-reveals]').forEach((input) => {
    const target = document.getElementById(input.dataset.reveals);
    if (target) target.classList.toggle(HIDDEN, !input.checked);
  });
}

export function initReveals(root = document) {
  sync(root);
  root.addEventListener("change", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.type === "radio") sync(root);
  });
  // A page restored from the back-forward cache keeps its choices: show what they reveal.
  window.addEventListener("pageshow", () => sync(root));
}
