// Starts GOV.UK Frontend's components. Loaded as a module so old browsers skip it
// and keep the no-JavaScript experience, which every journey supports.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();
