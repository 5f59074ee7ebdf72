// Keeps the summary on the carer's leave form up to date while the days are chosen: it asks
// the server for the same summary the "Check the days" button shows (the rules live there,
// once) and puts it in place. Without JavaScript the button does the same with a reload.
const FIELDS = ["first_day", "last_day", "part_days", "first_part", "last_part"];

function watch(form) {
  const summary = form.querySelector("[data-leave-summary]");
  if (!summary) return;
  const button = form.querySelector("[data-leave-check-button]");
  button?.classList.add("app-hidden-by-script");
  let timer;
  let controller;
  let last = summary.innerHTML;

  async function refresh() {
    const data = new FormData(form);
    const query = new URLSearchParams();
    for (const name of FIELDS) {
      const value = data.get(name);
      if (value) query.set(name, value);
    }
    controller?.abort();
    controller = new AbortController();
    try {
      // A redirect means the session ended (to the sign-in page): never paste that page in.
      const response = await fetch(`${form.dataset.leaveCheck}?${query}`, {
        signal: controller.signal,
        credentials: "same-origin",
        redirect: "error",
        headers: { Accept: "text/html" },
      });
      if (!response.ok) throw new Error(`summary answered ${response.status}`);
      const html = await response.text();
      // Unchanged, it is not replaced, so a screen reader does not hear it all again.
      if (html !== last) {
        summary.innerHTML = html;
        last = html;
      }
    } catch (error) {
      if (error.name === "AbortError") return; // a newer question replaced this one
      // Offline, signed out or a fault: the summary may be out of date, so the button that
      // checks by reloading comes back, and sending the form still checks everything.
      button?.classList.remove("app-hidden-by-script");
    }
  }

  function soon(delay) {
    clearTimeout(timer);
    timer = setTimeout(refresh, delay);
  }

  // Only the questions the summary depends on: typing the note changes nothing in it.
  const asked = (event) => FIELDS.includes(event.target.name);
  form.addEventListener("change", (event) => {
    if (asked(event)) soon(100);
  });
  form.addEventListener("input", (event) => {
    if (asked(event) && event.target.type === "date") soon(400);
  });
}

export function initLeaveCheck(root = document) {
  root.querySelectorAll("form[data-leave-check]").forEach(watch);
}
