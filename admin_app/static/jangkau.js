/* Jangkau: page behaviour without inline JavaScript, so the Content-Security-Policy needs no 'unsafe-inline'
 * (see admin_app/security/headers.py).
 *
 * - Our templates mark a print button with `data-jangkau-print` instead of onclick="window.print()", and a
 *   button that must be confirmed with `data-jangkau-confirm="question"` instead of onclick="return confirm()".
 * - Flask-Admin 2.2's templates still write a few inline handlers (pallets-eco/flask-admin#2556). The server
 *   moves the known ones to `data-jangkau-onclick` (never run as script by the browser); here each is
 *   recognised and the same thing is done by ordinary code. Nothing is ever evaluated: an attribute that does
 *   not match one of the patterns below does nothing.
 * - `javascript:void(0)` links (Flask-Admin's menus and pagination) do not navigate: the policy would block it.
 */
(function () {
  "use strict";

  function jsString(text) {
    return text.replace(/\\(.)/g, "$1");
  }

  function confirmOrStop(element, event, match) {
    if (!window.confirm(jsString(match[1]))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }

  // [pattern of the handler's text, what it did]
  var KNOWN_HANDLERS = [
    [/^\s*return faHelpers\.safeConfirm\('(.*)'\);?\s*$/, confirmOrStop],
    [/^\s*return confirm\('(.*)'\);?\s*$/, confirmOrStop],
    [/^\s*return modelActions\.execute\('([\w.-]+)'\);?\s*$/, function (element, event, match) {
      event.preventDefault();
      if (window.modelActions) {
        window.modelActions.execute(match[1]);
      }
    }],
    [/^\s*faForm\.addInlineField\(this, '([\w.-]+)'\);?\s*$/, function (element, event, match) {
      event.preventDefault();
      if (window.faForm) {
        window.faForm.addInlineField(element, match[1]);
      }
    }],
    [/^\s*return false;?\s*$/, function (element, event) {
      event.preventDefault();
    }],
    [/^\s*window\.print\(\);?\s*$/, function (element, event) {
      event.preventDefault();
      window.print();
    }]
  ];

  function runKnownHandler(element, event) {
    var code = element.getAttribute("data-jangkau-onclick") || "";
    for (var i = 0; i < KNOWN_HANDLERS.length; i++) {
      var match = KNOWN_HANDLERS[i][0].exec(code);
      if (match) {
        KNOWN_HANDLERS[i][1](element, event, match);
        return;
      }
    }
  }

  // Capture phase on the document: before Flask-Admin's and Bootstrap's own listeners, as an inline handler was.
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) {
      return;
    }
    var link = target.closest("a[href]");
    if (link && /^\s*javascript:/i.test(link.getAttribute("href"))) {
      event.preventDefault();
    }
    if (target.closest("[data-jangkau-print]")) {
      event.preventDefault();
      window.print();
      return;
    }
    var confirmed = target.closest("[data-jangkau-confirm]");
    if (confirmed && !window.confirm(confirmed.getAttribute("data-jangkau-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    var handled = target.closest("[data-jangkau-onclick]");
    if (handled) {
      runKnownHandler(handled, event);
    }
  }, true);

  // The risk form: the running score and level as indicators are ticked (the server computes the same).
  function updateRisk() {
    var box = document.getElementById("risk-live");
    if (!box) {
      return;
    }
    var score = 0;
    var forced = false;
    document.querySelectorAll("input[data-weight]").forEach(function (input) {
      if (input.checked) {
        score += parseInt(input.getAttribute("data-weight"), 10) || 0;
        forced = forced || input.getAttribute("data-forces-high") === "1";
      }
    });
    var high = parseInt(box.getAttribute("data-high"), 10);
    var medium = parseInt(box.getAttribute("data-medium"), 10);
    var level = forced || score >= high ? "Tinggi" : (score >= medium ? "Sedang" : "Rendah");
    document.getElementById("risk-live-score").textContent = String(score);
    document.getElementById("risk-live-level").textContent = level + (forced ? " (indikator langsung tinggi)" : "");
    box.className = "alert py-2 sticky-top " + (level === "Tinggi" ? "alert-danger" : (level === "Sedang" ? "alert-warning" : "alert-info"));
  }

  // Fields shown only while an option is ticked: `data-jangkau-when="id1 id2"` on their container (any of the
  // named checkboxes ticked shows it). Without this script every group stays visible.
  function updateConditional() {
    document.querySelectorAll("[data-jangkau-when]").forEach(function (group) {
      var shown = group.getAttribute("data-jangkau-when").split(/\s+/).some(function (id) {
        var box = document.getElementById(id);
        return box && box.checked;
      });
      group.hidden = !shown;
    });
  }

  // A file field drawn by Bootstrap (`data-jangkau-file`): its label shows the chosen file's name, on this
  // screen only (the server never keeps it).
  function showChosenFile(input) {
    var label = input.parentElement && input.parentElement.querySelector(".custom-file-label");
    if (label) {
      label.textContent = input.files && input.files.length ? input.files[0].name : "Belum ada berkas dipilih";
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target instanceof Element && event.target.matches("input[data-weight]")) {
      updateRisk();
    }
    if (event.target instanceof Element && event.target.matches("input[data-jangkau-file]")) {
      showChosenFile(event.target);
    }
    updateConditional();
  });
  // The navbar bell (`#notification-bell`): asks the server for the unread count every `data-poll-seconds`
  // while the page is shown, and once more when it is shown again. The poll does not keep an idle session alive;
  // when the session has ended (401) the page reloads onto the login form, so an unattended screen closes itself.
  function showUnread(bell, unread) {
    var badge = document.getElementById("notification-count");
    var label = "Pemberitahuan" + (unread ? ": " + unread + " belum dibaca" : "");
    bell.setAttribute("title", label);
    bell.setAttribute("aria-label", label);
    if (!unread) {
      if (badge) {
        badge.parentNode.removeChild(badge);
      }
      return;
    }
    if (!badge) {
      badge = document.createElement("span");
      badge.id = "notification-count";
      badge.className = "badge badge-danger";
      bell.appendChild(document.createTextNode(" "));
      bell.appendChild(badge);
    }
    badge.textContent = String(unread);
  }

  function pollBell() {
    var bell = document.getElementById("notification-bell");
    var seconds = bell ? parseInt(bell.getAttribute("data-poll-seconds"), 10) : 0;
    if (!bell || !window.fetch || !(seconds > 0)) {
      return;
    }
    var stopped = false;
    function ask() {
      if (stopped || document.hidden) {
        return;
      }
      fetch(bell.getAttribute("data-poll-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) {
          if (response.status === 401) {
            stopped = true;
            window.location.reload();
            return null;
          }
          return response.ok && (response.headers.get("Content-Type") || "").indexOf("json") >= 0 ? response.json() : null;
        })
        .then(function (body) {
          if (body && typeof body.unread === "number") {
            showUnread(bell, body.unread);
          }
        })
        .catch(function () { /* offline for a moment: the next poll tries again */ });
    }
    window.setInterval(ask, seconds * 1000);
    document.addEventListener("visibilitychange", ask);
  }

  document.addEventListener("DOMContentLoaded", function () {
    updateRisk();
    updateConditional();
    pollBell();
  });
})();
