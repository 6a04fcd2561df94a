// policytrack site search: queries the static segment index under search/ (see
// policytrack/site/search.py for the format; tokens and hashes must match it).
//
// Round trips are what a slow connection pays for: the manifest and search/meta.json
// (status, kind, place, issuer and year of every document: results show them and the
// filters use them) are fetched when the page opens; a query then fetches one shard per
// token and segment, which also holds the rows of the documents whose titles match, so a
// query whose words stand in titles shows its first results after that one round trip.
// Other rows come from small docs-<k>.json files; each shown result then fetches its
// document's text to find the article the words are in and the sentence to show.
(function () {
  "use strict";
  var TOKEN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g;
  var PAGE = 8;
  var DOCS_PER_FILE = 100;
  var FILTERS = ["status", "kind", "place", "issuer", "year"];
  var root = document.currentScript.getAttribute("data-root") || "";
  var labels = JSON.parse(document.getElementById("search-labels").textContent);
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

  // meta.json, unpacked once: per segment, per ordinal, {status, kind, place, issuer, year}
  var metaP = null;
  function meta() {
    if (!metaP) {
      metaP = load("meta.json").then(function (m) {
        var segs = m.segments.map(function (packed) {
          return packed.split(";").map(function (p) {
            if (!p) return null;
            var f = p.split(",");
            return { status: m.status[+f[0]], kind: m.kind[+f[1]], place: m.place[+f[2]],
                     issuer: m.issuer[+f[3]], year: f[4] };
          });
        });
        return segs;
      });
    }
    return metaP;
  }

  async function searchSegment(seg, k, toks, facts) {
    var shards = await Promise.all(toks.map(function (t) {
      return load(seg.name + "/p" + (hash(t) % seg.shards) + ".json");
    }));
    var any = intersect(shards.map(function (s, i) { return decode(s[toks[i]]); }));
    if (!any.length) return [];
    var inTitle = new Set(intersect(shards.map(function (s, i) { return decode(s["^" + toks[i]]); })));
    var rows = {};
    shards.forEach(function (s) { Object.assign(rows, s["#rows"] || {}); });
    var deleted = new Set(seg.deleted);
    return any.filter(function (n) { return !deleted.has(n) && facts[k][n]; }).map(function (n) {
      return { seg: seg.name, n: n, title: inTitle.has(n), row: rows[n] || null, facts: facts[k][n] };
    });
  }

  // every candidate: title matches first, then newest (ordinals within a segment are
  // newest first; across segments by date, then the hash of the id, as the indexer sorts)
  async function search(query) {
    var toks = tokens(query);
    if (!toks.length) return null;
    var manifest = await load("index.json");
    var facts = await meta();
    var parts = await Promise.all(manifest.segments.map(function (seg, k) {
      return searchSegment(seg, k, toks, facts);
    }));
    var hits = [].concat.apply([], parts);
    var dates = await Promise.all(manifest.segments.map(function (seg) { return load(seg.name + "/dates.json"); }));
    var bySeg = {};
    manifest.segments.forEach(function (seg, k) { bySeg[seg.name] = dates[k]; });
    hits.forEach(function (h) { h.day = bySeg[h.seg].d[h.n]; h.tie = bySeg[h.seg].t[h.n]; });
    return hits.sort(function (a, b) {
      return (b.title - a.title) || (b.day - a.day) || (a.tie - b.tie);
    });
  }

  function describe(hit) {
    if (hit.row) return Promise.resolve(hit.row);
    return load(hit.seg + "/docs-" + Math.floor(hit.n / DOCS_PER_FILE) + ".json").then(function (rows) {
      return rows[hit.n % DOCS_PER_FILE];
    });
  }

  function fold(text) {
    return text.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
  }

  // a text folded as `fold` does, with where each folded character came from: the excerpt
  // is cut from the text as written (its full-width punctuation kept)
  function folded(text) {
    var out = "", at = [];
    for (var i = 0; i < text.length; i++) {
      var f = fold(text[i]);
      for (var j = 0; j < f.length; j++) { out += f[j]; at.push(i); }
    }
    return { text: out, at: at };
  }

  // Bigrams say a document holds every pair of characters, not that they stand together:
  // the document's own text (its JSON) confirms each term and gives the article and excerpt.
  async function verify(row, terms) {
    var r = await fetch(root + "api/documents/" + encodeURIComponent(row[0]) + ".json");
    if (!r.ok) return null;
    var doc = await r.json();
    var parts = [[doc.title || "", "", ""], [doc.doc_number || "", "", ""], [doc.issuer || "", "", ""]];
    (doc.units || []).forEach(function (u) { parts.push([u.text, u.label, u.anchor]); });
    var all = fold(parts.map(function (p) { return p[0]; }).join("\n"));
    if (!terms.every(function (t) { return all.indexOf(t) >= 0; })) return null;
    for (var i = 3; i < parts.length; i++) {
      var f = folded(parts[i][0]), at = f.text.indexOf(terms[0]);
      if (at >= 0) {
        var text = parts[i][0], start = f.at[at], end = f.at[at + terms[0].length - 1] + 1;
        var from = Math.max(0, start - 40), to = Math.min(text.length, end + 60);
        return { label: parts[i][1], anchor: parts[i][2],
                 before: (from ? "…" : "") + text.slice(from, start).replace(/\s+/g, " "),
                 match: text.slice(start, end),
                 after: text.slice(end, to).replace(/\s+/g, " ") + (to < text.length ? "…" : "") };
      }
    }
    return { label: "", anchor: "", before: "", match: "", after: "" };
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
    var selects = {};
    FILTERS.forEach(function (f) { selects[f] = document.getElementById("filter-" + f); });
    var hits = [], shown = [], cursor = 0, terms = [], serial = 0, exact = true;
    meta().catch(function () {});  // fetched while the visitor types
    load("index.json").then(function (manifest) {
      // and the newest documents' rows: results without a title match are mostly there
      manifest.segments.forEach(function (seg) { load(seg.name + "/dates.json"); load(seg.name + "/docs-0.json"); });
    }).catch(function () {});

    function wanted() {
      var out = {};
      FILTERS.forEach(function (f) { if (selects[f].value) out[f] = selects[f].value; });
      return out;
    }

    // each filter lists the values of the results the other filters leave, with counts
    function fillFilters(all, chosen) {
      FILTERS.forEach(function (f) {
        var counts = {};
        all.forEach(function (h) {
          var ok = FILTERS.every(function (g) { return g === f || !chosen[g] || h.facts[g] === chosen[g]; });
          if (ok && h.facts[f]) counts[h.facts[f]] = (counts[h.facts[f]] || 0) + 1;
        });
        if (chosen[f] && !counts[chosen[f]]) counts[chosen[f]] = 0;
        var select = selects[f];
        select.textContent = "";
        select.appendChild(el("option", { value: "" }, "全部"));
        Object.keys(counts).sort(function (a, b) {
          return f === "year" ? b.localeCompare(a) : (counts[b] - counts[a]) || a.localeCompare(b);
        }).forEach(function (v) {
          var name = f === "status" ? labels.status[v] || v : f === "kind" ? labels.kind[v] || v : v;
          var o = el("option", { value: v }, name + "（" + counts[v] + "）");
          if (v === chosen[f]) o.selected = true;
          select.appendChild(o);
        });
      });
    }

    function say() {
      if (!shown.length) {
        status.textContent = "没有找到包含“" + input.value.trim() + "”的文件。";
        return;
      }
      status.textContent = (exact ? "找到 " : "找到至多 ") + shown.length + " 个文件" +
        (Object.keys(wanted()).length ? "（已筛选）" : "");
    }

    function item(hit, row) {
      var li = el("li", { "class": "search-result" });
      var href = root + "documents/" + encodeURIComponent(row[0]) + ".html";
      var a = el("a", { href: href }, row[1] || row[2] || row[0]);
      li.appendChild(a);
      var p = el("p", { "class": "search-meta" });
      p.appendChild(el("span", { "class": "badge status-" + hit.facts.status }, labels.status[hit.facts.status] || hit.facts.status));
      var info = [row[2], row[4], row[3]].filter(Boolean).join(" · ");
      if (info) p.appendChild(document.createTextNode(" " + info));
      li.appendChild(p);
      return { li: li, link: a, href: href };
    }

    async function excerpt(hit, row, view, mine) {
      var found = await verify(row, terms);
      if (mine !== serial) return;
      if (!found) {  // a candidate the text does not confirm (several words)
        view.li.remove();
        shown.splice(shown.indexOf(hit), 1);
        say();
        return;
      }
      if (found.anchor) view.link.href = view.href + "#" + found.anchor;
      if (found.match) {
        var p = el("p", { "class": "search-excerpt" });
        if (found.label) {
          var to = el("a", { href: view.href + "#" + found.anchor }, found.label);
          p.appendChild(to);
          p.appendChild(document.createTextNode("："));
        }
        p.appendChild(document.createTextNode(found.before));
        p.appendChild(el("mark", {}, found.match));
        p.appendChild(document.createTextNode(found.after));
        view.li.appendChild(p);
      }
    }

    // results appear in order as their rows arrive: those the shards held at once
    async function show(count, mine) {
      var batch = shown.slice(cursor, cursor + count);
      cursor += batch.length;
      var rows = batch.map(describe);
      for (var i = 0; i < batch.length; i++) {
        var row = await rows[i];
        if (mine !== serial) return;
        var view = item(batch[i], row);
        list.appendChild(view.li);
        excerpt(batch[i], row, view, mine);
      }
      more.hidden = cursor >= shown.length;
    }

    function filtered() {
      var chosen = wanted();
      fillFilters(hits, chosen);
      shown = hits.filter(function (h) {
        return FILTERS.every(function (f) { return !chosen[f] || h.facts[f] === chosen[f]; });
      });
      cursor = 0;
      list.textContent = "";
      say();
      return show(PAGE, serial);
    }

    async function run() {
      var mine = ++serial;
      var query = input.value.trim();
      list.textContent = "";
      more.hidden = true;
      if (!query) { status.textContent = ""; return; }
      status.textContent = "搜索中…";
      try {
        var candidates = await search(query);
        if (mine !== serial) return;
        if (candidates === null) {
          status.textContent = "请输入至少两个汉字或一个词。";
          return;
        }
        hits = candidates;
        terms = query.split(/\s+/).map(fold).filter(Boolean);
        exact = tokens(query).length === 1 && terms.length === 1 && terms[0].length <= 2;
        await filtered();
      } catch (err) {
        status.textContent = "搜索索引无法读取：" + err.message;
      }
    }

    // the query and the filters live in the address (?q=…&status=…): a search can be
    // linked to, and the back button returns to the search before
    function address() {
      var params = new URLSearchParams();
      if (input.value.trim()) params.set("q", input.value.trim());
      FILTERS.forEach(function (f) { if (selects[f].value) params.set(f, selects[f].value); });
      var text = params.toString();
      return location.pathname + (text ? "?" + text : "");
    }

    function fromAddress() {
      var params = new URLSearchParams(location.search);
      input.value = params.get("q") || "";
      FILTERS.forEach(function (f) {
        var v = params.get(f) || "";
        if (v && !Array.prototype.some.call(selects[f].options, function (o) { return o.value === v; })) {
          selects[f].appendChild(el("option", { value: v }, v));
        }
        selects[f].value = v;
      });
    }

    // typing searches after a pause (the address follows without a history entry each key)
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { history.replaceState(null, "", address()); run(); }, 250);
    });
    form.addEventListener("submit", function (ev) {
      clearTimeout(timer);
      ev.preventDefault();
      if (address() !== location.pathname + location.search) history.pushState(null, "", address());
      run();
    });
    FILTERS.forEach(function (f) {
      selects[f].addEventListener("change", function () {
        history.pushState(null, "", address());
        if (hits.length || serial) filtered(); else run();
      });
    });
    more.addEventListener("click", function () { show(PAGE, serial); });
    window.addEventListener("popstate", function () { fromAddress(); run(); });
    fromAddress();
    if (input.value) run();
  }

  window.policytrackSearch = { tokens: tokens, hash: hash, search: search };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
