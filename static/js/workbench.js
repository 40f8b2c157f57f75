// Factcheck Workbench: keyboard triage, citation rows, and adding claims from a selection.
// Plain JS on top of htmx; every action also works without it through ordinary forms.
(function () {
  "use strict";

  // Offsets sent to the server count Unicode code points, as Python does, not UTF-16 units.
  function codePoints(text) {
    return Array.from(text).length;
  }

  window.workbench = {
    splitOffset: function (textareaId) {
      const area = document.getElementById(textareaId);
      return area ? codePoints(area.value.slice(0, area.selectionStart)) : "";
    },
  };

  // The quick editors' values go in when htmx builds the request, not through `js:` hx-vals:
  // those are eval'd, which the Content-Security-Policy (rightly) forbids.
  document.addEventListener("htmx:configRequest", function (event) {
    const elt = event.detail.elt;
    if (!elt || !elt.dataset || !elt.dataset.source) return;
    if (elt.hasAttribute("data-save-edit")) {
      const area = document.getElementById(elt.dataset.source);
      event.detail.parameters.claim_text = area ? area.value : "";
    } else if (elt.hasAttribute("data-save-split")) {
      event.detail.parameters.at = window.workbench.splitOffset(elt.dataset.source);
    }
  });

  // ---- Never a stale screen -----------------------------------------------------------------
  // A page the browser restores from its back/forward cache shows claims as they were when you
  // left (and its buttons carry old versions): load it again instead.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });
  // htmx keeps its own copy of pages it pushed into the history; Back must ask the server too.
  if (window.htmx) {
    window.htmx.config.historyCacheSize = 0;
    window.htmx.config.refreshOnHistoryMiss = true;
    // Settle in the same step as the swap: htmx wires up a new row's buttons only when it
    // settles, so during the default 20 ms a key pressed right after an answer did nothing.
    window.htmx.config.defaultSettleDelay = 0;
  }

  // ---- Triage queue -----------------------------------------------------------------------
  let currentId = null;
  let currentIndex = 0;
  let advanceAfterSwap = false;
  // Rows whose last action can be undone, the most recent last.
  let undoable = [];
  let undoWhenSettled = false;

  function rows() {
    return Array.from(document.querySelectorAll("#queue-rows tr.queue-row"));
  }

  function currentRow() {
    return currentId ? document.getElementById("row-" + currentId) : null;
  }

  // Show `row` as the one the keys act on.
  function mark(row) {
    rows().forEach((r) => {
      r.classList.remove("current");
      r.removeAttribute("aria-current");
    });
    if (!row) return;
    row.classList.add("current");
    row.setAttribute("aria-current", "true");
    currentId = row.dataset.claim;
    currentIndex = rows().indexOf(row);
  }

  function select(row) {
    mark(row);
    if (!row) return;
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    advanceAfterSwap = false; // a move of one's own wins over the move after an action
    const all = rows();
    if (!all.length) return;
    const index = all.indexOf(currentRow());
    const next = index < 0 ? 0 : Math.min(all.length - 1, Math.max(0, index + step));
    select(all[next]);
  }

  function press(row, selector) {
    const button = row && row.querySelector(selector);
    if (button) button.click();
    return Boolean(button);
  }

  function openPanel(row, panel, field) {
    row.querySelectorAll(".quick-edit, .quick-split").forEach((p) => (p.hidden = true));
    const box = row.querySelector(panel);
    box.hidden = false;
    const area = box.querySelector(field);
    area.focus();
    if (field === "[data-split]") {
      const middle = Math.floor(area.value.length / 2);
      area.setSelectionRange(middle, middle);
    }
  }

  function announce(text) {
    const status = document.getElementById("queue-status");
    if (status) status.textContent = text;
  }

  // Undo the most recent action whose row still offers it; the cursor follows the row.
  function undoLast() {
    // An action still on its way is the last one: wait until its row is back.
    if (document.querySelector("#queue-rows .htmx-request")) {
      undoWhenSettled = true;
      return;
    }
    while (undoable.length) {
      const row = document.getElementById("row-" + undoable.pop());
      if (row && row.querySelector("[data-undo]")) {
        select(row);
        press(row, "[data-undo]");
        return;
      }
    }
    announce("Nothing to undo on this page.");
  }

  function isTyping(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  // Buttons and links keep their own Enter and Space; no key acts behind an open dialog.
  function ownsKey(target, key) {
    if (document.querySelector("dialog[open]") !== null) return true;
    return (key === "Enter" || key === " ") && target.closest("button, a, summary") !== null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    // Inside the quick editors: Enter saves, Escape cancels.
    if (target.matches("[data-edit], [data-split]")) {
      const row = target.closest("tr");
      if (event.key === "Escape") {
        target.closest(".quick-edit, .quick-split").hidden = true;
        select(row);
        event.preventDefault();
      } else if (event.key === "Enter" && !event.shiftKey) {
        press(row, target.matches("[data-edit]") ? "[data-save-edit]" : "[data-save-split]");
        event.preventDefault();
      }
      return;
    }
    if (isTyping(target) || document.querySelector("dialog[open]")) return;
    if (event.key === "?") {
      const dialog = document.getElementById("keys-dialog");
      if (dialog) {
        dialog.showModal();
        event.preventDefault();
      }
      return;
    }
    if (!document.getElementById("queue-rows") || ownsKey(target, event.key)) return;
    const row = currentRow();
    switch (event.key) {
      case "j":
        move(1);
        break;
      case "k":
        move(-1);
        break;
      case "a":
        advanceAfterSwap = press(row, "[data-key=a]");
        break;
      case "x":
        advanceAfterSwap = press(row, "[data-key=x]");
        break;
      case "u":
        undoLast();
        break;
      case "r":
        press(row, "[data-key=r]");
        break;
      case "t":
        press(row, "[data-key=t]");
        break;
      case "m":
        press(row, "[data-key=m]");
        break;
      case "e":
        if (row) openPanel(row, ".quick-edit", "[data-edit]");
        break;
      case "s":
        if (row) openPanel(row, ".quick-split", "[data-split]");
        break;
      case " ":
        if (row) {
          const box = row.querySelector("input[type=checkbox]");
          box.checked = !box.checked;
        }
        break;
      case "Enter":
        if (row) press(row, "a.claim-link");
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful || !event.target.closest("#queue-rows")) return;
    // htmx swaps nothing on an error: say so rather than leave the row as if it had worked.
    const gone = event.detail.xhr && event.detail.xhr.status === 404;
    announce(
      gone
        ? "That claim no longer exists (merged into another?): reload the page."
        : "The action failed; nothing was done. Reload the page and try again."
    );
    undoWhenSettled = false;
  });

  // Clicking or tabbing into a row makes it the current one, so the keys act on what you see.
  document.addEventListener("focusin", function (event) {
    const row = event.target.closest && event.target.closest("tr.queue-row");
    if (row && row.dataset.claim !== currentId) mark(row);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    const swapped = event.target.closest && event.target.closest("tr.queue-row");
    if (swapped && swapped.querySelector("[data-undo]")) {
      undoable = undoable.filter((id) => id !== swapped.dataset.claim);
      undoable.push(swapped.dataset.claim);
    }
  });

  // Mark the cursor once htmx has settled: the settle step puts back the attributes the server
  // sent, which would wipe a mark made right after the swap.
  document.addEventListener("htmx:afterSettle", function () {
    const all = rows();
    if (!all.length) return;
    if (undoWhenSettled) {
      undoWhenSettled = false;
      advanceAfterSwap = false;
      undoLast();
      return;
    }
    // The current row may be gone (merged away, filtered out): stay at the same place.
    const row = currentRow() || all[Math.min(currentIndex, all.length - 1)];
    select(row);
    // A row that answers with an error keeps the cursor, so the message is read.
    if (advanceAfterSwap && !row.querySelector(".error")) move(1);
    advanceAfterSwap = false;
  });

  // ---- Rating colours ---------------------------------------------------------------------
  // The colour comes from the database; it is set through CSSOM, which the Content-Security-Policy
  // allows, instead of a style="" attribute, which it blocks.
  function paintRatings(root) {
    root.querySelectorAll("[data-colour]").forEach((el) =>
      el.style.setProperty("--rating", el.dataset.colour)
    );
  }
  document.addEventListener("htmx:load", (event) => paintRatings(event.target));
  document.addEventListener("DOMContentLoaded", () => paintRatings(document));

  document.addEventListener("DOMContentLoaded", function () {
    if (document.getElementById("queue-rows")) move(0);
    document.querySelectorAll("[data-show-keys]").forEach((button) =>
      button.addEventListener("click", () => document.getElementById("keys-dialog").showModal())
    );
  });

  // ---- Verdict form -----------------------------------------------------------------------
  document.addEventListener("click", function (event) {
    const add = event.target.closest("[data-add-citation]");
    if (!add) return;
    const template = document.getElementById("citation-template");
    const total = document.getElementById("id_citations-TOTAL_FORMS");
    const index = parseInt(total.value, 10);
    const html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__num__/g, String(index + 1));
    document.getElementById("citation-forms").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const fresh = document.querySelectorAll("#citation-forms [data-citation]");
    fresh[fresh.length - 1].querySelector("input").focus();
  });

  function updateCounter(input) {
    const counter = document.querySelector('[data-counter-for="' + input.id + '"]');
    if (counter) counter.textContent = codePoints(input.value) + " / 75";
  }
  document.addEventListener("input", function (event) {
    if (event.target.id === "id_summary") updateCounter(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    const summary = document.getElementById("id_summary");
    if (summary) updateCounter(summary);
    // A failed submit lists every problem at the top: take keyboard and screen-reader users there.
    const problems = document.querySelector("[data-error-summary]");
    if (problems) problems.focus();
  });

  // ---- Article: add a claim the extractor missed --------------------------------------------
  document.addEventListener("selectionchange", function () {
    const form = document.getElementById("add-claim-form");
    const text = document.querySelector("article.article-text");
    if (!form || !text) return;
    const selection = document.getSelection();
    const button = form.querySelector("button");
    if (!selection.rangeCount || selection.isCollapsed) {
      button.disabled = true;
      return;
    }
    const range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) {
      button.disabled = true;
      return;
    }
    const before = document.createRange();
    before.selectNodeContents(text);
    before.setEnd(range.startContainer, range.startOffset);
    const quote = range.toString();
    const start = codePoints(before.toString());
    form.elements.start.value = start;
    form.elements.end.value = start + codePoints(quote);
    form.elements.quote.value = quote;
    button.disabled = quote.trim() === "";
  });
})();
