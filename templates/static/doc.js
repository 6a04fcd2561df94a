// policytrack document pages: a copy-link button on every article and heading, the
// "as it stood on" date picker and the version comparison form. The page works without
// it: headings are links to themselves, the periods and comparisons are plain lists.
(function () {
  "use strict";

  function copyLinks() {
    document.querySelectorAll("section.unit[id] > :is(h2,h3,h4,h5,h6)").forEach(function (h) {
      var id = h.parentElement.id;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-link";
      button.textContent = "复制链接";
      button.setAttribute("aria-label", "复制链接：" + h.textContent.trim());
      button.addEventListener("click", function () {
        var url = location.href.replace(/#.*$/, "") + "#" + id;
        var done = function () { button.textContent = "已复制"; setTimeout(function () { button.textContent = "复制链接"; }, 1500); };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(url).then(done, function () { history.replaceState(null, "", "#" + id); });
        } else {
          history.replaceState(null, "", "#" + id);
        }
      });
      h.appendChild(button);
    });
  }

  // the version in force on a day: the last period starting on or before it
  function asOf() {
    var form = document.getElementById("as-of-form");
    var periods = document.querySelectorAll("#periods li[data-from]");
    if (!form || !periods.length) return;
    form.hidden = false;
    var input = document.getElementById("as-of-date");
    var out = document.getElementById("as-of-result");
    var shown = /[?&]date=(\d{4}-\d{2}-\d{2})/.exec(location.search);
    function show() {
      var day = input.value, found = null;
      periods.forEach(function (li) {
        li.classList.remove("in-force");
        if (day && li.getAttribute("data-from") <= day) found = li;
      });
      out.textContent = "";
      if (!day) return;
      if (!found) { out.textContent = day + "：尚无施行中的版本"; return; }
      found.classList.add("in-force");
      if (found.hasAttribute("data-href")) {
        out.appendChild(document.createTextNode(day + " 施行的版本："));
        var a = document.createElement("a");
        a.href = found.getAttribute("data-href");
        a.textContent = found.getAttribute("data-label");
        out.appendChild(a);
      } else {
        out.textContent = day + "：无施行中的版本";
      }
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      history.replaceState(null, "", "?date=" + input.value + "#as-of");
      show();
    });
    if (shown) { input.value = shown[1]; show(); }
  }

  function compare() {
    var form = document.getElementById("compare-form");
    if (!form) return;
    var links = {};
    document.querySelectorAll("#comparisons a[data-old]").forEach(function (a) {
      links[a.getAttribute("data-old") + "\n" + a.getAttribute("data-new")] = a.href;
    });
    form.hidden = false;
    var older = document.getElementById("compare-old"), newer = document.getElementById("compare-new");
    var out = document.getElementById("compare-result");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var a = older.value, b = newer.value;
      if (older.selectedIndex > newer.selectedIndex) { var t = a; a = b; b = t; }
      var href = links[a + "\n" + b];
      if (a === b) out.textContent = "请选择两个不同的版本。";
      else if (href) location.href = href;
      else out.textContent = "这两个版本之间没有对比页。";
    });
  }

  copyLinks();
  asOf();
  compare();
})();
