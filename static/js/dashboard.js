/*
 * The dashboard's auto-refresh. Every N seconds (the "Auto-refresh" choice, kept in the URL as
 * ?refresh=N) it asks this same page for its panels alone (?partial=1) and swaps them in, so the
 * numbers stay current without a reload. No library.
 *
 * - Only #dashboard-panels' contents are replaced; the container, this script's state and the
 *   listeners (on the select and the document) stay, so it keeps working after every swap.
 * - A hidden tab does not poll; it refreshes once when it is shown again.
 * - Figures whose count changed glow for a moment (dashboard.css turns that off for people who
 *   prefer reduced motion), and focus stays on the link it was on.
 * - If the session has ended (the request lands on the login page) it stops and says so.
 */
(function () {
  "use strict";

  var panels = document.getElementById("dashboard-panels");
  var select = document.getElementById("dashboard-refresh");
  var status = document.getElementById("dashboard-status");
  if (!panels || !select || !window.fetch) {
    return;
  }

  var timer = null;
  var pending = null;
  var stopped = false;
  var due = false;

  function seconds() {
    var value = parseInt(select.value, 10);
    return value > 0 ? value : 0;
  }

  function say(message) {
    status.textContent = message;
  }

  function partialUrl() {
    var url = new URL(window.location.href);
    url.searchParams.set("partial", "1");
    url.hash = "";
    return url.toString();
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = null;
    due = false;
    if (stopped || !seconds()) {
      return;
    }
    timer = window.setTimeout(function () {
      timer = null;
      if (document.hidden) {
        due = true;  // refresh as soon as the tab is shown again
      } else {
        refresh();
      }
    }, seconds() * 1000);
  }

  function counts(root) {
    var found = {};
    root.querySelectorAll("[data-figure]").forEach(function (element) {
      found[element.getAttribute("data-figure")] = element.getAttribute("data-count");
    });
    return found;
  }

  function focusKey() {
    var active = document.activeElement;
    if (!active || !panels.contains(active)) {
      return null;
    }
    return active.getAttribute("data-figure") || active.getAttribute("href");
  }

  function restoreFocus(key) {
    if (!key) {
      return;
    }
    var candidates = panels.querySelectorAll("[data-figure], a[href]");
    for (var i = 0; i < candidates.length; i += 1) {
      var element = candidates[i];
      if (element.getAttribute("data-figure") === key || element.getAttribute("href") === key) {
        element.focus({preventScroll: true});
        return;
      }
    }
  }

  function swap(html) {
    var before = counts(panels);
    var focused = focusKey();
    var open = [];
    panels.querySelectorAll("details[id][open]").forEach(function (element) {
      open.push(element.id);
    });

    panels.innerHTML = html;

    open.forEach(function (id) {
      var element = document.getElementById(id);
      if (element) {
        element.open = true;
      }
    });
    panels.querySelectorAll("[data-figure]").forEach(function (element) {
      var key = element.getAttribute("data-figure");
      if (key in before && before[key] !== element.getAttribute("data-count")) {
        element.classList.add("is-changed");
      }
    });
    restoreFocus(focused);
  }

  function refresh() {
    if (pending || stopped) {
      return;
    }
    pending = new AbortController();
    var abandon = window.setTimeout(function () { pending.abort(); }, 20000);
    panels.setAttribute("aria-busy", "true");
    window.fetch(partialUrl(), {
      credentials: "same-origin",
      cache: "no-store",
      headers: {"X-Requested-With": "XMLHttpRequest"},
      signal: pending.signal
    }).then(function (response) {
      if (response.redirected && /\/login\//.test(response.url)) {
        stopped = true;
        throw new Error("Your session has ended, so the dashboard stopped refreshing. Reload the page to sign in again.");
      }
      if (!response.ok) {
        throw new Error("The dashboard could not refresh (the server answered " + response.status + "); it will try again.");
      }
      return response.text();
    }).then(function (html) {
      swap(html);
      say("");
    }).catch(function (error) {
      say(error.name === "AbortError"
        ? "The dashboard could not refresh (no answer in time); it will try again."
        : error.message);
    }).then(function () {
      window.clearTimeout(abandon);
      pending = null;
      panels.removeAttribute("aria-busy");
      schedule();
    });
  }

  // Choosing an interval takes effect at once and goes into the URL (so a bookmark keeps it)
  // without reloading the page.
  select.addEventListener("change", function () {
    var url = new URL(window.location.href);
    if (seconds()) {
      url.searchParams.set("refresh", String(seconds()));
    } else {
      url.searchParams.delete("refresh");
    }
    window.history.replaceState(window.history.state, "", url.toString());
    panels.setAttribute("data-refresh", seconds() ? String(seconds()) : "");
    stopped = false;
    schedule();
  });

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && due) {
      refresh();
    }
  });

  schedule();
}());
