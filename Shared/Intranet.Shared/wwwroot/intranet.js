// Small browser helpers of the suite's shared components (no inline scripts anywhere: CSP-friendly).
window.intranet = {
  // Moves focus to the element with this id (the first field with an error); false when there is none.
  focusById: function (id) {
    const el = document.getElementById(id);
    if (!el) return false;
    el.focus();
    if (el.scrollIntoView) el.scrollIntoView({ block: "center" });
    return true;
  },
  // Downloads a file the server produced for an interactive page (base64 content, name, MIME type).
  download: function (name, mime, base64) {
    const bytes = Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); });
    const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
    const a = document.createElement("a");
    a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }
};
