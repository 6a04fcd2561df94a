// policytrack site search: queries the static segment index under search/ (see
// policytrack/site/search.py for the format; tokens and hashes must match it).
(function () {
  "use strict";
  var TOKEN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g;
  var PAGE = 20;
  var root = document.currentScript.getAttribute("data-root") || "";
  var cache = {};

  // the indexer's folding table (policytrack/site/search.py FOLD_RANGES)
  var FOLD = {};
  [[0x2150, 0x218f], [0x2460, 0x24ff], [0x3200, 0x33ff], [0xf900, 0xfaff], [0xff01, 0xff5e]].forEach(function (r) {
    for (var cp = r[0]; cp <= r[1]; cp++) {
      var ch = String.fromCharCode(cp), to = ch.normalize("NFKC");
      if (to !== ch) FOLD[ch] = to;
    }
  });

  function foldText(text) {
    var out = "";
    for (var ch of text) out += FOLD[ch] !== undefined ? FOLD[ch] : ch;
    return out.toLowerCase();
  }

  function tokens(text) {
    var runs = foldText(text).match(TOKEN) || [];
    var grams = [], singles = [];
    runs.forEach(function (run) {
      if (run[0] <= "z") grams.push(run.slice(0, 32));
      else if (run.length === 1) singles.push(run);
      else for (var i = 0; i + 1 < run.length; i++) grams.push(run.slice(i, i + 2));
    });
    // a lone character is indexed only where it stood alone: use it only if nothing else
    var all = grams.length ? grams : singles;
    return all.filter(function (t, i) { return all.indexOf(t) === i; });
  }

  function hash(token) {
    var h = 0x811c9dc5;
    for (var ch of token) {
      h ^= ch.codePointAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  }

  function load(path) {
    if (!cache[path]) {
      cache[path] = fetch(root + "search/" + path).then(function (r) {
        if (!r.ok) throw new Error(path + ": HTTP " + r.status);
        return r.json();
      });
    }
    return cache[path];
  }

  function decode(deltas) {
    var out = [], prev = 0;
    if (!deltas) return out;
    deltas.split(",").forEach(function (d) { prev += parseInt(d, 10); out.push(prev); });
    return out;
  }

  function intersect(lists) {
    lists.sort(function (a, b) { return a.length - b.length; });
    var out = lists[0];
    for (var i = 1; i < lists.length && out.length; i++) {
      var set = new Set(lists[i]);
      out = out.filter(function (x) { return set.has(x); });
    }
    return out;
  }

  async function searchSegment(seg, toks) {
    var shards = await Promise.all(toks.map(function (t) {
      return load(seg.name + "/p" + (hash(t) % seg.shards) + ".json");
    }));
    var any = intersect(shards.map(function (s, i) { return decode(s[toks[i]]); }));
    if (!any.length) return [];
    var inTitle = new Set(intersect(shards.map(function (s, i) { return decode(s["^" + toks[i]]); })));
    var deleted = new Set(seg.deleted);
    var dates = await load(seg.name + "/dates.json");
    return any.filter(function (n) { return !deleted.has(n); }).map(function (n) {
      return { seg: seg.name, n: n, title: inTitle.has(n), day: dates.d[n], tie: dates.t[n] };
    });
  }

  async function search(query) {
    var toks = tokens(query);
    if (!toks.length) return null;
    var manifest = await load("index.json");
    var parts = await Promise.all(manifest.segments.map(function (seg) {
      return searchSegment(seg, toks);
    }));
    var hits = [].concat.apply([], parts);
    // title matches first, then newest first, then by the hash of the id: one order
    // however the documents are spread over segments
    return hits.sort(function (a, b) {
      return (b.title - a.title) || (b.day - a.day) || (a.tie - b.tie);
    });
  }

  async function describe(hit) {
    var rows = await load(hit.seg + "/docs-" + Math.floor(hit.n / 1000) + ".json");
    return rows[hit.n % 1000];
  }

  function fold(text) {
    return text.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
  }

  // Bigrams say a document holds every pair of characters, not that they stand together:
  // the document's own text (its JSON) confirms each term and gives the excerpt.
  async function verify(row, terms) {
    var r = await fetch(root + "api/documents/" + encodeURIComponent(row[0]) + ".json");
    if (!r.ok) return null;
    var doc = await r.json();
    var parts = [[doc.title, ""], [doc.doc_number || "", ""], [doc.issuer || "", ""]];
    (doc.units || []).forEach(function (u) { parts.push([u.text, u.label]); });
    var all = fold(parts.map(function (p) { return p[0]; }).join("\n"));
    if (!terms.every(function (t) { return all.indexOf(t) >= 0; })) return null;
    for (var i = 3; i < parts.length; i++) {
      var text = fold(parts[i][0]), at = text.indexOf(terms[0]);
      if (at >= 0) {
        var from = Math.max(0, at - 40);
        return { label: parts[i][1], before: (from ? "…" : "") + text.slice(from, at),
                 match: text.slice(at, at + terms[0].length),
                 after: text.slice(at + terms[0].length, at + terms[0].length + 60) + "…" };
      }
    }
    return { label: "", before: "", match: "", after: "" };
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  function start() {
    var form = document.getElementById("search-form");
    var input = document.getElementById("search-input");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var more = document.getElementById("search-more");
    var hits = [], cursor = 0, found = 0, terms = [], serial = 0;

    async function show(count, mine) {
      var added = 0;
      while (added < count && cursor < hits.length) {
        var batch = hits.slice(cursor, cursor + count);
        cursor += batch.length;
        var rows = await Promise.all(batch.map(describe));
        var checks = await Promise.all(rows.map(function (row) { return verify(row, terms); }));
        if (mine !== serial) return;
        rows.forEach(function (row, i) {
          var excerpt = checks[i];
          if (!excerpt) return;
          var li = el("li", { "class": "search-result" });
          li.appendChild(el("a", { href: root + "documents/" + encodeURIComponent(row[0]) + ".html" }, row[1]));
          var meta = [row[2], row[3], row[4]].filter(Boolean).join(" · ");
          if (meta) li.appendChild(el("p", { "class": "search-meta" }, meta));
          if (excerpt.match) {
            var p = el("p", { "class": "search-excerpt" });
            if (excerpt.label) p.appendChild(el("strong", {}, excerpt.label + " "));
            p.appendChild(document.createTextNode(excerpt.before));
            p.appendChild(el("mark", {}, excerpt.match));
            p.appendChild(document.createTextNode(excerpt.after));
            li.appendChild(p);
          }
          list.appendChild(li);
          added++; found++;
        });
      }
      more.hidden = cursor >= hits.length;
      status.textContent = found
        ? "找到 " + found + (cursor < hits.length ? "+" : "") + " 个文件 · " + found + (cursor < hits.length ? "+" : "") + " documents found"
        : "没有找到包含“" + input.value.trim() + "”的文件。No document matches.";
    }

    async function run() {
      var mine = ++serial;
      var query = input.value.trim();
      list.textContent = "";
      more.hidden = true;
      if (!query) { status.textContent = ""; return; }
      status.textContent = "搜索中… Searching…";
      try {
        var candidates = await search(query);
        if (mine !== serial) return;
        if (candidates === null) {
          status.textContent = "请输入至少两个汉字或一个词。Type at least two Chinese characters or a word.";
          return;
        }
        hits = candidates; cursor = 0; found = 0;
        terms = query.split(/\s+/).map(fold).filter(Boolean);
        await show(PAGE, mine);
      } catch (err) {
        status.textContent = "搜索索引无法读取 The search index could not be read: " + err.message;
      }
    }

    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 200);
    });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
    more.addEventListener("click", function () { show(PAGE, serial); });
    var q = new URLSearchParams(location.search).get("q");
    if (q) { input.value = q; run(); }
  }

  window.policytrackSearch = { tokens: tokens, hash: hash, search: search };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
