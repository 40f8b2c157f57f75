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

  // ---- Triage queue -----------------------------------------------------------------------
  let currentId = null;
  let advanceAfterSwap = false;

  function rows() {
    return Array.from(document.querySelectorAll("#queue-rows tr.queue-row"));
  }

  function currentRow() {
    return currentId ? document.getElementById("row-" + currentId) : null;
  }

  function select(row) {
    rows().forEach((r) => {
      r.classList.remove("current");
      r.removeAttribute("aria-current");
    });
    if (!row) return;
    row.classList.add("current");
    row.setAttribute("aria-current", "true");
    currentId = row.dataset.claim;
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
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
        press(row, "[data-key=u]");
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

  // Clicking or tabbing into a row makes it the current one, so the keys act on what you see.
  document.addEventListener("focusin", function (event) {
    const row = event.target.closest && event.target.closest("tr.queue-row");
    if (row && row.dataset.claim !== currentId) {
      rows().forEach((r) => r.classList.remove("current"));
      row.classList.add("current");
      currentId = row.dataset.claim;
    }
  });

  document.addEventListener("htmx:afterSwap", function () {
    const row = currentRow();
    if (!row) return;
    select(row);
    if (advanceAfterSwap) {
      advanceAfterSwap = false;
      move(1);
    }
  });

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
