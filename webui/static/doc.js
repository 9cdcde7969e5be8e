// Document page: mark and scroll to the paragraph in the URL fragment, and copy citations.
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
  window.addEventListener("hashchange", markTarget);
  markTarget();
})();
