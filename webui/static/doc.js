// Document page: mark and scroll to the paragraph in the URL fragment, copy citations, and
// step through the paragraphs the search matched with the keyboard.
(function () {
  "use strict";

  function markTarget() {
    document.querySelectorAll(".para.is-target").forEach(function (el) {
      el.classList.remove("is-target");
    });
    var id = window.location.hash.slice(1);
    try {
      id = decodeURIComponent(id);
    } catch (e) {
      // a malformed %-escape: look the fragment up as written
    }
    var el = id ? document.getElementById(id) : null;
    if (el && el.classList.contains("para")) {
      el.classList.add("is-target");
      el.scrollIntoView({ block: "center" });
    }
  }

  function say(message) {
    var status = document.querySelector(".cite-status");
    if (status) {
      status.textContent = message;
    }
  }

  // When the clipboard is unavailable (plain HTTP on another host, permission denied), show the
  // citation in a selected text box so the reader can copy it by hand.
  function showFallback(button, text) {
    var box = button.parentNode.querySelector(".cite-fallback");
    if (!box) {
      box = document.createElement("textarea");
      box.className = "cite-fallback";
      box.readOnly = true;
      box.rows = 3;
      button.parentNode.appendChild(box);
    }
    box.value = text;
    box.focus();
    box.select();
    say("请按 Ctrl+C（⌘C）复制引用");
  }

  function copyCitation(button) {
    var text = button.getAttribute("data-citation");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () {
          button.textContent = "已复制";
          say("已复制引用：" + text);
        },
        function () {
          showFallback(button, text);
        }
      );
    } else {
      showFallback(button, text);
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.cite");
    if (button) {
      copyCitation(button);
    }
  });
  // Hit navigation (the page has plain 上一处/下一处 links; keys only add a shortcut): n or j
  // goes to the next paragraph the search matched, p or k to the previous one.
  var hits = Array.prototype.slice.call(document.querySelectorAll(".para.is-hit"));

  function currentHit() {
    var id = window.location.hash.slice(1);
    for (var i = 0; i < hits.length; i++) {
      if (hits[i].id === id) {
        return i;
      }
    }
    return -1;
  }

  function stepHit(forward) {
    var at = currentHit();
    var target = null;
    if (at >= 0) {
      target = hits[at + (forward ? 1 : -1)];
    } else {
      // no hit in the URL: the first one below (or the last one above) the top of the window
      var below = hits.filter(function (el) { return el.getBoundingClientRect().top > 1; });
      var above = hits.filter(function (el) { return el.getBoundingClientRect().top < -1; });
      target = forward ? below[0] : above[above.length - 1];
    }
    if (target) {
      window.location.hash = target.id;
    }
  }

  var KEYS = { n: true, j: true, p: false, k: false };

  document.addEventListener("keydown", function (event) {
    if (!hits.length || event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) {
      return;
    }
    var el = event.target;
    if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(el.tagName))) {
      return;
    }
    var key = event.key ? event.key.toLowerCase() : "";
    if (Object.prototype.hasOwnProperty.call(KEYS, key)) {
      event.preventDefault();
      stepHit(KEYS[key]);
    }
  });

  if (hits.length) {
    document.querySelectorAll(".hit-keys").forEach(function (el) {
      el.hidden = false;
    });
  }

  window.addEventListener("hashchange", markTarget);
  markTarget();
})();
