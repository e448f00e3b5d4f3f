// The campaign view of the search page: pick a campaign (or open `?campaign=NAME`), see each
// creator's row — posted or not yet, sponsored share over 30 days with the overexposure flag —
// and each post's figures, disclosure and comments, with a small chart of the post's engagement
// against the creator's own median (the line is the median, ×1). Data: /v1/campaigns.
(function () {
  "use strict";
  var section = document.getElementById("campaign-view");
  var pick = document.getElementById("campaign-pick");
  var table = document.getElementById("campaign-table");
  var body = table.querySelector("tbody");
  var summary = document.getElementById("campaign-summary");
  var errorBox = document.getElementById("campaign-error");
  var SVG = "http://www.w3.org/2000/svg";
  // The chart's right end: ×3 of the median (more is drawn full).
  var MAX_RATIO = 3;

  var el = window.scoutPage.el;
  var link = window.scoutPage.link;

  function num(x) { return typeof x === "number" ? String(x) : "–"; }
  function pct(x) { return typeof x === "number" ? Math.round(x * 100) + " %" : "–"; }

  function chart(ratio) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "vs-median");
    svg.setAttribute("viewBox", "0 0 300 14");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", typeof ratio === "number" ?
      "×" + ratio + " of the creator's median" : "engagement unknown");
    var track = document.createElementNS(SVG, "rect");
    track.setAttribute("class", "track");
    track.setAttribute("width", "300");
    track.setAttribute("height", "14");
    svg.appendChild(track);
    if (typeof ratio === "number") {
      var v = document.createElementNS(SVG, "rect");
      v.setAttribute("class", ratio < 1 ? "value below" : "value");
      v.setAttribute("width", String(Math.round(300 * Math.min(ratio, MAX_RATIO) / MAX_RATIO)));
      v.setAttribute("height", "14");
      svg.appendChild(v);
    }
    var median = document.createElementNS(SVG, "line");
    median.setAttribute("class", "median");
    median.setAttribute("x1", String(300 / MAX_RATIO));
    median.setAttribute("x2", String(300 / MAX_RATIO));
    median.setAttribute("y1", "0");
    median.setAttribute("y2", "14");
    svg.appendChild(median);
    return svg;
  }

  function postCell(p) {
    var box = el("div", "campaign-post");
    var head = el("p", p.deleted ? "deleted" : null);
    head.appendChild(link(p.published_at ? p.published_at.slice(0, 10) : "undated", p.url));
    head.appendChild(document.createTextNode(" · " + p.matched.join(" ") + (p.deleted ? " · deleted" : "")));
    box.appendChild(head);
    box.appendChild(chart(p.engagement_vs_median));
    box.appendChild(el("p", null, "×" + num(p.engagement_vs_median) + " of median · " +
      num(p.likes) + " likes · " + num(p.comments) + " comments · " + num(p.shares) + " shares · " +
      num(p.views) + " views"));
    var d = el("p", "disclosure-" + (p.disclosure || "unknown"), "Disclosure: " + (p.disclosure || "–"));
    box.appendChild(d);
    if (p.comments_read) {
      box.appendChild(el("p", null, "Comments read " + p.comments_read + ": genuine " +
        pct(p.genuine_comment_share) + ", purchase intent " + num(p.purchase_intent_comments)));
      (p.purchase_intent_examples || []).forEach(function (q) { box.appendChild(el("p", "bio", "“" + q + "”")); });
    }
    return box;
  }

  function row(c) {
    var tr = el("tr", "campaign-creator");
    var who = el("td");
    who.appendChild(link(c.handle ? "@" + c.handle : c.profile_url, c.profile_url));
    tr.appendChild(who);
    tr.appendChild(el("td", c.posted ? "posted" : "not-posted", c.posted ? "Posted" : "Not yet"));
    var share = el("td", c.overexposed ? "warn" : null, pct(c.sponsored_share_30d));
    if (c.overexposed) share.appendChild(el("span", null, " ⚠ overexposed"));
    tr.appendChild(share);
    var posts = el("td");
    c.posts.forEach(function (p) { posts.appendChild(postCell(p)); });
    tr.appendChild(posts);
    return tr;
  }

  function get(path) {
    return fetch(path, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        return r.json().then(function (b) {
          if (!r.ok) throw new Error(b && b.detail ? b.detail : "HTTP " + r.status);
          return b;
        });
      });
  }

  function show(name) {
    errorBox.hidden = true;
    return get("v1/campaigns/" + encodeURIComponent(name)).then(function (r) {
      body.textContent = "";
      r.creators.forEach(function (c) { body.appendChild(row(c)); });
      var t = r.totals;
      summary.textContent = r.campaign + " since " + r.since + ": " + t.posted + " of " + t.creators +
        " creators posted · " + t.posts + " posts · disclosure " + t.disclosure.present + " present, " +
        t.disclosure.missing + " missing, " + t.disclosure.unclear + " unclear";
      table.hidden = false;
    }).catch(function (e) {
      table.hidden = true;
      errorBox.textContent = "The campaign could not be shown: " + e.message;
      errorBox.hidden = false;
    });
  }

  get("v1/campaigns").then(function (list) {
    if (!list.campaigns || !list.campaigns.length) return;
    list.campaigns.forEach(function (c) {
      var o = el("option", null, c.name);
      o.value = c.name;
      pick.appendChild(o);
    });
    var wanted = new URLSearchParams(location.search).get("campaign");
    if (wanted && list.campaigns.some(function (c) { return c.name === wanted; })) pick.value = wanted;
    section.hidden = false;
    show(pick.value);
  }).catch(function () { /* no campaigns view without the API */ });
  pick.addEventListener("change", function () { show(pick.value); });
})();
