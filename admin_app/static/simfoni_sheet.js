/* The Simfoni PPA recording sheet: "Salin" copies the value beside the button to the clipboard (no inline script:
 * see admin_app/security/headers.py). The Clipboard API needs a secure context (HTTPS or localhost); on a plain
 * office-network address the older copy command is used instead. */
(function () {
  "use strict";

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok;
  }

  function copied(button, ok) {
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    button.textContent = ok ? "Tersalin" : "Gagal, salin manual";
    button.classList.toggle("simfoni-copied", ok);
    window.setTimeout(function () {
      button.textContent = label;
      button.classList.remove("simfoni-copied");
    }, 1500);
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-simfoni-copy]") : null;
    if (!button) {
      return;
    }
    event.preventDefault();
    var row = button.closest(".simfoni-row");
    // The value only, without the badge beside a revealed identifier.
    var value = row ? row.querySelector(".simfoni-text") : null;
    if (!value) {
      return;
    }
    var text = value.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        copied(button, true);
      }, function () {
        copied(button, fallbackCopy(text));
      });
    } else {
      copied(button, fallbackCopy(text));
    }
  });
})();
