// Progressive enhancement only: every page works without this file.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    window.print();
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
