// Progressive enhancement only: every page works without this file.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});

// A cell holding only a date, a masked resident ID or an amount keeps it on one line: a phone
// would otherwise break "2026-12-03" after a hyphen or "30.00 元" before its unit. The table
// then scrolls inside its .table-wrap (core/tests/test_phone_browser.py checks both).
const FIGURE = /^(\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?|\d{6}\*+\d{2,6}|-?[\d,]+(\.\d+)?\s*(元|人|%|％)?)$/;
document.querySelectorAll("table.data td, table.data th").forEach((cell) => {
  if (FIGURE.test(cell.textContent.trim())) {
    cell.classList.add("figure");
  }
});

// A table wider than the screen scrolls inside its .table-wrap: make that region reachable
// and scrollable from the keyboard, named by the table's caption (WCAG 2.1.1).
function labelScrollableTables() {
  document.querySelectorAll(".table-wrap").forEach((wrap) => {
    if (wrap.scrollWidth > wrap.clientWidth) {
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      const caption = wrap.querySelector("caption");
      if (caption && !wrap.hasAttribute("aria-label")) {
        wrap.setAttribute("aria-label", caption.textContent.trim());
      }
    }
  });
}
labelScrollableTables();
window.addEventListener("resize", labelScrollableTables);

// After a failed submit, move focus to the error summary so that keyboard, screen-reader and
// phone users learn at once that the form was not sent, and what to fix (the summary may
// sit far below the fold on a phone). The page title says "Error:" too (base templates).
function focusErrorSummary() {
  const summary = document.querySelector(".error-summary");
  if (summary) {
    if (!summary.hasAttribute("tabindex")) {
      summary.tabIndex = -1;
    }
    summary.focus();
    summary.scrollIntoView({block: "start"});
  }
}
focusErrorSummary();

// The portal's subsidy form: when an answer the rules depend on changes, ask the server for
// the verdict of the new answers (the "Check my answers" button, sent in the background) and
// show it in place. Without JavaScript the button does the same with a page load.
document.querySelectorAll("form[data-live-verdict]").forEach((form) => {
  const verdict = document.getElementById("verdict");
  const names = (form.dataset.liveVerdict || "").split(" ");
  if (!verdict || !window.fetch) {
    return;
  }
  form.addEventListener("change", async (event) => {
    if (!names.includes(event.target.name)) {
      return;
    }
    const data = new FormData(form);
    data.set("check", "1");
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST", body: data, credentials: "same-origin"});
      if (!response.ok) {
        return;
      }
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("verdict");
      if (fresh) {
        verdict.innerHTML = fresh.innerHTML;
      }
    } catch (error) {
      // Offline or refused: the button still works.
    }
  });
});

// On a phone the main menu starts folded behind its "菜单" button, so the page itself is on the
// first screen (the menu of a federation user is 20 entries). Without this file, or on a wide
// screen, the menu is open; widening the window opens it again.
const siteMenu = document.querySelector("details.site-menu");
if (siteMenu) {
  const narrow = window.matchMedia("(max-width: 40rem)");
  siteMenu.open = !narrow.matches;
  narrow.addEventListener("change", () => { siteMenu.open = !narrow.matches; });
}
