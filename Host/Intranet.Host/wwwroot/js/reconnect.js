// Buttons of the reconnection banner (Components/Layout/ReconnectBanner.razor). No inline script: CSP-friendly.
(function () {
  document.addEventListener("click", async function (e) {
    const button = e.target.closest && e.target.closest("[data-reconnect]");
    if (!button || !window.Blazor) return;
    const action = button.getAttribute("data-reconnect");
    try {
      if (action === "retry") {
        if (!(await Blazor.reconnect())) { if (!(await Blazor.resumeCircuit())) location.reload(); }
      } else if (action === "resume") {
        if (!(await Blazor.resumeCircuit())) location.reload();
      } else {
        location.reload();
      }
    } catch { location.reload(); }
  });
  // A rejected circuit (host restarted and the circuit could not be resumed) reloads on its own after a moment.
  document.addEventListener("components-reconnect-state-changed", function (e) {
    if (e.detail && e.detail.state === "rejected") setTimeout(function () { location.reload(); }, 3000);
  });
})();
