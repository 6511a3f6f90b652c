// The trace page's script (inlined into the page by trace/html.py). No network, no libraries.
// Filters (feature, states, search) and the sort order live in the URL fragment:
//   #feature=S-LOAN-001&state=untested,failing&q=fee&sort=state&dir=asc
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("data").textContent);
  const PAGE = 500;
  const SYMBOL = { failing: "✗", suspect: "!", "not-run": "○", covered: "✓", untested: "–" };
  const rows = data.reqs.map(function (r, n) {
    return { n: n, feature: r[0], id: r[1], kind: r[2], text: r[3], file: r[4], line: r[5], state: r[6],
             reason: r[7], tests: r[8], tasks: r[9], plan: r[10], haystack: null };
  });
  const view = { feature: "", states: new Set(), q: "", sort: "", dir: "asc", shown: PAGE };

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function link(file, line, label, title) {
    const href = data.base + data.files[file] + (line ? "#L" + line : "");
    const hint = title ? ' title="' + esc(title) + '"' : "";
    return '<a href="' + esc(href) + '"' + hint + ">" + esc(label) + "</a>";
  }
  function badge(state) {
    return '<span class="badge s-' + state + '">' + SYMBOL[state] + " " + state + "</span>";
  }
  function haystack(r) {
    if (r.haystack === null) {
      const f = data.features[r.feature];
      const tests = r.tests.map(function (t) { return data.files[t[1]] + "::" + t[0]; }).join(" ");
      const tasks = r.tasks.map(function (t) { return t[0]; }).join(" ");
      r.haystack = [r.id, r.text, f[0], f[1], tests, tasks].join(" ").toLowerCase();
    }
    return r.haystack;
  }

  // ------------------------------------------------------------------ fragment <-> view
  function readHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    view.feature = params.get("feature") || "";
    view.states = new Set((params.get("state") || "").split(",").filter(function (s) {
      return data.states.indexOf(s) >= 0;
    }));
    view.q = params.get("q") || "";
    view.sort = params.get("sort") || "";
    view.dir = params.get("dir") === "desc" ? "desc" : "asc";
    view.shown = PAGE;
  }
  function writeHash() {
    const params = new URLSearchParams();
    if (view.feature) params.set("feature", view.feature);
    if (view.states.size) params.set("state", Array.from(view.states).join(","));
    if (view.q) params.set("q", view.q);
    if (view.sort) { params.set("sort", view.sort); params.set("dir", view.dir); }
    const hash = params.toString();
    try { history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search); }
    catch (e) { /* some viewers forbid it: the filters still apply */ }
  }

  // ------------------------------------------------------------------ filter and sort
  const KEYS = {
    id: function (r) { return r.id; },
    feature: function (r) { return data.features[r.feature][0]; },
    state: function (r) { return r.state; },
    text: function (r) { return r.text.toLowerCase(); },
    tests: function (r) { return r.tests.length; },
    tasks: function (r) { return r.tasks.length; },
    plan: function (r) { return r.plan ? 1 : 0; },
  };
  function matching() {
    const q = view.q.trim().toLowerCase();
    const feature = view.feature;
    const found = rows.filter(function (r) {
      if (feature && data.features[r.feature][0] !== feature) return false;
      if (view.states.size && !view.states.has(data.states[r.state])) return false;
      return !q || haystack(r).indexOf(q) >= 0;
    });
    const key = KEYS[view.sort];
    if (key) {
      const sign = view.dir === "desc" ? -1 : 1;
      found.sort(function (a, b) {
        const x = key(a), y = key(b);
        return (x < y ? -1 : x > y ? 1 : a.n - b.n) * sign;
      });
    }
    return found;
  }

  // ------------------------------------------------------------------ render
  function testCell(t) {
    const result = t[3] || "none";
    const label = t[3] ? t[3] + (t[4] ? " " + t[4].replace("T", " ").replace("Z", "") : "") : "never run";
    const node = t[0] ? data.files[t[1]] + "::" + t[0] : data.files[t[1]];
    return '<li><span class="badge r-' + result + '" title="' + esc(label) + '">' + esc(t[3] || "not run") +
      "</span>" + link(t[1], t[2], t[0] || data.files[t[1]], node) + "</li>";
  }
  function taskCell(t) {
    const mark = t[1] ? '<span class="task-done">☑ done</span>' : '<span class="task-open">☐ open</span>';
    return "<li>" + mark + " " + link(t[2], t[3], t[0]) + "</li>";
  }
  function rowHtml(r) {
    const f = data.features[r.feature];
    const state = data.states[r.state];
    const plan = r.plan ? link(r.plan[0], r.plan[1], (r.plan[2] || "plan.md") + ":" + r.plan[1],
                               data.files[r.plan[0]]) : "";
    return '<tr data-state="' + state + '" data-id="' + esc(r.id) + '">' +
      '<td class="id">' + link(r.file, r.line, r.id) + "</td>" +
      '<td class="feature" title="' + esc(f[1]) + '">' + esc(f[0]) + "</td>" +
      "<td>" + badge(state) + '<div class="why">' + esc(r.reason) + "</div></td>" +
      '<td class="text">' + esc(r.text) + "</td>" +
      '<td><ul class="cells">' + r.tests.map(testCell).join("") + "</ul></td>" +
      '<td><ul class="cells">' + r.tasks.map(taskCell).join("") + "</ul></td>" +
      "<td>" + plan + "</td></tr>";
  }
  function render() {
    const found = matching();
    const shown = found.slice(0, view.shown);
    document.getElementById("rows").innerHTML = shown.map(rowHtml).join("");
    document.getElementById("count").textContent =
      "showing " + shown.length + " of " + found.length + " matching (" + rows.length + " requirements)";
    const more = document.getElementById("more");
    more.hidden = found.length <= shown.length;
    more.textContent = "Show " + Math.min(PAGE, found.length - shown.length) + " more";
    document.querySelectorAll("th[data-sort]").forEach(function (th) {
      const on = th.dataset.sort === view.sort;
      th.setAttribute("aria-sort", on ? (view.dir === "desc" ? "descending" : "ascending") : "none");
    });
    document.querySelectorAll("#summary button").forEach(function (b) {
      b.setAttribute("aria-pressed", view.states.has(b.dataset.state) ? "true" : "false");
    });
    document.querySelectorAll("#states input").forEach(function (box) {
      box.checked = view.states.has(box.value);
    });
    document.getElementById("feature").value = view.feature;
    document.getElementById("q").value = view.q;
    document.body.dataset.ready = "1";
  }
  function changed() { view.shown = PAGE; writeHash(); render(); }

  // ------------------------------------------------------------------ controls
  function setUp() {
    const counts = data.states.map(function () { return 0; });
    rows.forEach(function (r) { counts[r.state] += 1; });
    const summary = document.getElementById("summary");
    const boxes = document.getElementById("states");
    data.states.forEach(function (state, i) {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.state = state;
      b.innerHTML = '<span class="n">' + counts[i] + "</span>" + badge(state);
      b.addEventListener("click", function () {
        if (view.states.has(state)) view.states.delete(state); else view.states.add(state);
        changed();
      });
      summary.appendChild(b);
      const label = document.createElement("label");
      label.innerHTML = '<input type="checkbox" value="' + state + '"> ' + badge(state);
      label.firstChild.addEventListener("change", function (e) {
        if (e.target.checked) view.states.add(state); else view.states.delete(state);
        changed();
      });
      boxes.appendChild(label);
    });
    const select = document.getElementById("feature");
    data.features.forEach(function (f) {
      const option = document.createElement("option");
      option.value = f[0];
      option.textContent = f[0] + " " + f[1] + (f[5] ? " (tasks " + f[4] + "/" + f[5] + ")" : "");
      select.appendChild(option);
    });
    select.addEventListener("change", function () { view.feature = select.value; changed(); });
    let timer = 0;
    document.getElementById("q").addEventListener("input", function (e) {
      clearTimeout(timer);
      timer = setTimeout(function () { view.q = e.target.value; changed(); }, 150);
    });
    document.querySelectorAll("th[data-sort]").forEach(function (th) {
      th.addEventListener("click", function () {
        view.dir = view.sort === th.dataset.sort && view.dir === "asc" ? "desc" : "asc";
        view.sort = th.dataset.sort;
        changed();
      });
    });
    document.getElementById("more").addEventListener("click", function () { view.shown += PAGE; render(); });
    window.addEventListener("hashchange", function () { readHash(); render(); });
  }

  setUp();
  readHash();
  render();
})();
