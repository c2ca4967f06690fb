// A background job's page: poll the job's status and update its progress in place, then
// reload the page once the job has ended (to show its result). Without this script the
// page still works: its "Refresh" link shows the latest state.
(function () {
  const box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") {
    return;
  }
  const bar = document.getElementById("job-progress");
  const state = document.getElementById("job-state");
  const count = document.getElementById("job-count");
  const note = document.getElementById("job-note");
  const language = document.documentElement.lang || "zh-Hans";
  const number = (n) => Number(n).toLocaleString(language);

  async function poll() {
    try {
      const response = await fetch(box.dataset.statusUrl, {
        credentials: "same-origin", headers: { Accept: "application/json" },
      });
      if (response.ok) {
        const status = await response.json();
        if (status.finished) {
          window.location.reload();
          return;
        }
        if (state.textContent !== status.state_label) {
          state.textContent = status.state_label;
        }
        if (status.percent === null) {
          bar.removeAttribute("value");
          bar.textContent = "";
        } else {
          bar.value = status.percent;
          bar.textContent = status.percent + "%";
        }
        count.textContent = status.total ? number(status.done) + " / " + number(status.total)
          : (status.done ? number(status.done) : "");
        note.textContent = status.note;
      }
    } catch (error) {
      // The server is busy or restarting: try again at the next tick.
    }
    window.setTimeout(poll, 1500);
  }
  window.setTimeout(poll, 1000);
})();
