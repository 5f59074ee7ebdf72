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
      const response = await fetch(`${form.dataset.leaveCheck}?${query}`, {
        signal: controller.signal,
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (response.ok) summary.innerHTML = await response.text();
    } catch (error) {
      // Offline or cut short by a newer question: the last summary stays, and sending
      // the form still checks everything.
      if (error.name !== "AbortError") button?.classList.remove("app-hidden-by-script");
    }
  }

  function soon(delay) {
    clearTimeout(timer);
    timer = setTimeout(refresh, delay);
  }

  form.addEventListener("change", () => soon(100));
  form.addEventListener("input", (event) => {
    if (event.target.type === "date") soon(400);
  });
}

export function initLeaveCheck(root = document) {
  root.querySelectorAll("form[data-leave-check]").forEach(watch);
}
