// Starts GOV.UK Frontend's components and our own small enhancements. Loaded as a module so
// old browsers skip it and keep the no-JavaScript experience, which every journey supports.
import { initAll } from "/static/govuk/govuk-frontend.min.js";
import { initLeaveCheck } from "/static/js/leave-check.js";
import { initReveals } from "/static/js/reveal.js";

initAll();
initReveals();
initLeaveCheck();
