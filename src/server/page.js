// scout search page: vanilla JS, no build step. The page's URL holds the same parameters as
// /v1/search, so a search can be shared or bookmarked. Every value shown comes from crawled
// profiles, so text is only ever set with textContent and links only to http(s) URLs.
"use strict";

(function () {
  var LANGS = [
    ["", "Any language"], ["en", "English"], ["es", "Spanish"], ["pt", "Portuguese"],
    ["de", "German"], ["fr", "French"], ["it", "Italian"], ["nl", "Dutch"], ["pl", "Polish"],
    ["sv", "Swedish"], ["tr", "Turkish"], ["ja", "Japanese"], ["ko", "Korean"],
    ["zh", "Chinese"], ["hi", "Hindi"], ["ar", "Arabic"]
  ];
  // Friendly names for the ranker's signals (`explain`); unknown ones are shown as named.
  var SIGNALS = [
    ["relevance", "Matches the query"],
    ["theme_consistency", "Focus on the niche"],
    ["buyer", "Audience like your buyer"],
    ["ship_to", "Audience in your markets"],
    ["values", "Shares your values"],
    ["authenticity", "Real audience"],
    ["engagement", "Engagement vs peers"],
    ["comment_quality", "Comment quality"],
    ["creator_replies", "Replies to fans"],
    ["recency", "Posts recently"],
    ["audience_language", "Audience language"],
    ["sponsored_penalty", "Many sponsored posts"],
    ["undisclosed_penalty", "Undisclosed ads"],
    ["inactivity_penalty", "Stopped posting"],
    ["avoid_penalty", "Near topics to avoid"]
  ];
  var SIGNAL_LABEL = {};
  SIGNALS.forEach(function (s) { SIGNAL_LABEL[s[0]] = s[1]; });

  var form = document.getElementById("search");
  var cards = document.getElementById("cards");
  var summary = document.getElementById("summary");
  var errorBox = document.getElementById("error");
  var download = document.getElementById("download");
  var more = document.getElementById("more");
  var shipMore = document.getElementById("ship-more");
  var engagementPct = document.getElementById("min_engagement_pct");
  var sponsoredPct = document.getElementById("max_sponsored_pct");

  var moreFilters = document.getElementById("more-filters");
  var narrow = window.matchMedia("(max-width: 900px)");
  var state = { params: null, shown: 0, total: 0, scale: 1 };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function fillLangs(select) {
    LANGS.forEach(function (l) {
      var o = el("option", null, l[0] ? l[1] + " (" + l[0] + ")" : l[1]);
      o.value = l[0];
      select.appendChild(o);
    });
  }
  fillLangs(document.getElementById("lang"));
  fillLangs(document.getElementById("audience_lang"));

  function setSelect(select, value) {
    if (!Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      var o = el("option", null, value);
      o.value = value;
      select.appendChild(o);
    }
    select.value = value;
  }

  // ---- form <-> API parameters ----

  function trimmed(id) {
    var v = document.getElementById(id).value;
    return v ? v.trim() : "";
  }

  function formParams() {
    var p = new URLSearchParams();
    ["q", "buyer", "values", "avoid", "lang", "audience_lang", "min_followers",
      "max_followers", "active_within_days"].forEach(function (id) {
      var v = trimmed(id);
      if (v) p.set(id, v);
    });
    form.querySelectorAll('input[name="tier"]:checked').forEach(function (c) { p.append("tier", c.value); });
    form.querySelectorAll('input[name="platform"]:checked').forEach(function (c) { p.append("platform", c.value); });
    var markets = [];
    form.querySelectorAll('input[name="ship_to"]:checked').forEach(function (c) { markets.push(c.value); });
    shipMore.value.split(/[\s,;]+/).forEach(function (c) {
      c = c.trim().toUpperCase();
      if (c && markets.indexOf(c) < 0) markets.push(c);
    });
    markets.forEach(function (m) { p.append("ship_to", m); });
    // The page asks in percent; the API takes rates and shares (0.03 = 3 %).
    if (engagementPct.value.trim()) p.set("min_engagement", String(Number(engagementPct.value) / 100));
    if (sponsoredPct.value.trim()) p.set("max_sponsored_share", String(Number(sponsoredPct.value) / 100));
    if (document.getElementById("has_email").checked) p.set("has_email", "true");
    var limit = document.getElementById("limit").value;
    if (limit && limit !== "20") p.set("limit", limit);
    return p;
  }

  function fillForm(p) {
    ["q", "buyer", "values", "avoid", "min_followers", "max_followers", "active_within_days"]
      .forEach(function (id) { if (p.has(id)) document.getElementById(id).value = p.get(id); });
    ["lang", "audience_lang", "limit"].forEach(function (id) {
      if (p.has(id)) setSelect(document.getElementById(id), p.get(id).toLowerCase());
    });
    ["tier", "platform"].forEach(function (name) {
      var wanted = p.getAll(name).join(",").toLowerCase().split(",");
      form.querySelectorAll('input[name="' + name + '"]').forEach(function (c) {
        c.checked = wanted.indexOf(c.value) >= 0;
      });
    });
    var markets = p.getAll("ship_to").join(",").toUpperCase().split(/[\s,]+/).filter(Boolean);
    var rest = [];
    markets.forEach(function (m) {
      var chip = form.querySelector('input[name="ship_to"][value="' + m.replace(/[^A-Z]/g, "") + '"]');
      if (chip) chip.checked = true; else rest.push(m);
    });
    shipMore.value = rest.join(", ");
    if (p.has("min_engagement")) engagementPct.value = round(Number(p.get("min_engagement")) * 100, 2);
    if (p.has("max_sponsored_share")) sponsoredPct.value = round(Number(p.get("max_sponsored_share")) * 100, 1);
    document.getElementById("has_email").checked = p.get("has_email") === "true";
  }

  function round(x, digits) {
    var f = Math.pow(10, digits);
    return Math.round(x * f) / f;
  }

  // ---- formatting ----

  function followers(n) {
    if (n === null || n === undefined) return "unknown";
    if (n >= 1e6) return (n / 1e6).toFixed(1) + "M";
    if (n >= 1e4) return Math.round(n / 1e3) + "k";
    if (n >= 1e3) return (n / 1e3).toFixed(1) + "k";
    return String(n);
  }

  function pct(x, digits) {
    if (x === null || x === undefined) return "–";
    return (x * 100).toFixed(digits === undefined ? 1 : digits) + "%";
  }

  function audience(langs) {
    var items = Object.keys(langs || {}).map(function (k) { return [k, langs[k]]; });
    items.sort(function (a, b) { return b[1] - a[1]; });
    if (!items.length) return "–";
    return items.slice(0, 3).map(function (i) { return i[0].toUpperCase() + " " + pct(i[1], 0); }).join(" · ");
  }

  function safeUrl(u) {
    try {
      var parsed = new URL(u);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  // An outgoing link that opens apart, or plain text when the URL is not http(s).
  function link(text, url) {
    var href = safeUrl(url);
    if (!href) return el("span", null, text);
    var a = el("a", null, text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  // Shared with campaigns.js (loaded after this script).
  window.scoutPage = { el: el, link: link };

  function humanise(key) {
    return SIGNAL_LABEL[key] || key.replace(/_/g, " ");
  }

  // ---- cards ----

  function fact(list, key, value, cls) {
    var li = el("li");
    li.appendChild(el("span", "k", key));
    li.appendChild(el("span", "v" + (cls ? " " + cls : ""), value));
    list.appendChild(li);
  }

  function signalBars(explain) {
    var box = el("section", "signals");
    box.appendChild(el("h2", null, "Why this rank"));
    var list = el("ul", "bars");
    var keys = Object.keys(explain).filter(function (k) { return typeof explain[k] === "number"; });
    var order = SIGNALS.map(function (s) { return s[0]; });
    keys.sort(function (a, b) {
      var ia = order.indexOf(a), ib = order.indexOf(b);
      if (ia < 0) ia = 1e3;
      if (ib < 0) ib = 1e3;
      return ia - ib || (a < b ? -1 : 1);
    });
    keys.forEach(function (k) {
      var v = explain[k];
      var row = el("li", "bar-row " + (v > 0 ? "pos" : v < 0 ? "neg" : "zero"));
      var label = el("span", "bar-label", humanise(k));
      label.title = k;
      row.appendChild(label);
      var track = el("span", "bar-track");
      track.setAttribute("aria-hidden", "true");
      var left = el("span", "half left");
      var right = el("span", "half right");
      var fill = el("span", "fill " + (v < 0 ? "neg" : "pos"));
      fill.style.width = Math.min(100, (Math.abs(v) / state.scale) * 100) + "%";
      (v < 0 ? left : right).appendChild(fill);
      track.appendChild(left);
      track.appendChild(right);
      row.appendChild(track);
      row.appendChild(el("span", "bar-value", (v > 0 ? "+" : "") + v.toFixed(2)));
      list.appendChild(row);
    });
    box.appendChild(list);
    return box;
  }

  // The evidence behind the fit signals (`evidence`, beside `explain`): the audience's own words for `buyer`,
  // which market languages it writes in, which values the posts name, what to avoid was found.
  function fitDetails(main, ex) {
    var quotes = Array.isArray(ex.buyer_evidence) ? ex.buyer_evidence : [];
    if (quotes.length) {
      main.appendChild(el("p", "small", "What their audience says"));
      var list = el("ul", "tags evidence");
      quotes.forEach(function (q) { list.appendChild(el("li", "bio", "“" + q + "”")); });
      main.appendChild(list);
    }
    var ship = ex.ship_to_fit;
    if (ship && typeof ship === "object") {
      var where = [];
      if (typeof ship.audience_share === "number") {
        where.push(pct(ship.audience_share, 0) + " of comments in " +
          (ship.languages.length ? ship.languages.join(", ").toUpperCase() : "your markets' languages"));
      } else if (ship.languages && ship.languages.length) {
        where.push("writes in " + ship.languages.join(", ").toUpperCase());
      }
      if (ship.location_in) where.push("based in " + ship.location_in);
      if (where.length) main.appendChild(el("p", "small", "Markets: " + where.join(" · ")));
    }
    var values = ex.values_match;
    if (values && typeof values === "object" && values.matched && values.matched.length) {
      main.appendChild(el("p", "small", "Values: " + values.matched.join(", ") + " in " +
        values.posts + " of " + values.of + " posts" + (values.posts < 2 ? " (one mention does not count)" : "")));
    }
    var hits = ex.avoid_hits && typeof ex.avoid_hits === "object" ? Object.keys(ex.avoid_hits) : [];
    if (hits.length) {
      var flags = el("ul", "tags flags");
      flags.setAttribute("aria-label", "Topics to avoid found");
      hits.forEach(function (h) {
        var li = el("li", "flag", "⛔ " + h);
        var ev = ex.avoid_hits[h];
        if (Array.isArray(ev) && ev.length) li.title = ev.join("\n");
        flags.appendChild(li);
      });
      main.appendChild(flags);
    }
    if (Array.isArray(ex.avoid_unmatched) && ex.avoid_unmatched.length) {
      main.appendChild(el("p", "hint", "Not a known brand-safety topic, looked for in posts: " +
        ex.avoid_unmatched.join(", ")));
    }
  }

  // A snippet is HTML-escaped text with the query's words in <b>…</b>; it is rebuilt as text
  // nodes and <mark>s, never parsed as HTML.
  function snippetNode(snippet) {
    var p = el("p", "quote");
    var txt = document.createElement("textarea");
    String(snippet || "").split(/(<b>|<\/b>)/).reduce(function (bold, part) {
      if (part === "<b>") return true;
      if (part === "</b>") return false;
      txt.innerHTML = part.replace(/</g, "&lt;");
      var text = txt.value;
      if (text) p.appendChild(bold ? el("mark", null, text) : document.createTextNode(text));
      return bold;
    }, false);
    return p;
  }

  function evidencePosts(main, posts, comments) {
    if ((!posts || !posts.length) && (!comments || !comments.length)) return;
    var box = el("div", "evidence-posts");
    box.appendChild(el("h3", null, "Posts to quote"));
    var list = el("ol", "evidence-list");
    (posts || []).forEach(function (p) {
      var li = el("li", "evidence-post");
      li.appendChild(snippetNode(p.snippet));
      var meta = el("p", "evidence-meta");
      meta.appendChild(link(p.published_at ? p.published_at.slice(0, 10) : "undated", p.url));
      var figures = [["likes", p.likes], ["comments", p.comments], ["shares", p.shares], ["views", p.views]]
        .filter(function (f) { return typeof f[1] === "number"; })
        .map(function (f) { return f[1] + " " + f[0]; });
      if (figures.length) meta.appendChild(document.createTextNode(" · " + figures.join(" · ")));
      li.appendChild(meta);
      list.appendChild(li);
    });
    box.appendChild(list);
    (comments || []).forEach(function (c) { box.appendChild(el("p", "bio", "Buyer says: “" + c + "”")); });
    main.appendChild(box);
  }

  function card(r, rank) {
    var li = el("li", "card");
    li.dataset.id = r.id;
    var main = el("div", "card-main");
    var head = el("div", "card-head");
    var who = el("div", "who");
    var h = el("h2", "name");
    h.appendChild(el("span", "rank", rank + "."));
    h.appendChild(link(r.display_name || r.handle || r.profile_url, r.profile_url));
    who.appendChild(h);
    who.appendChild(el("p", "handle", (r.handle ? "@" + r.handle.replace(/^@/, "") + " · " : "") + r.platform));
    head.appendChild(who);
    if (typeof r.score === "number") {
      var score = el("div", "score");
      score.appendChild(el("span", "score-value", r.score.toFixed(2)));
      score.appendChild(el("span", "score-label", "score"));
      head.appendChild(score);
    }
    main.appendChild(head);

    var facts = el("ul", "facts");
    fact(facts, "Tier", r.tier || "unknown", "tier");
    fact(facts, "Followers", followers(r.followers));
    fact(facts, "Engagement", pct(r.engagement_rate));
    fact(facts, "Writes in", r.language ? r.language.toUpperCase() : "–");
    fact(facts, "Audience", audience(r.audience_languages));
    if (typeof r.buyer_match === "number") fact(facts, "Buyer match", pct(r.buyer_match, 0));
    if (typeof r.ship_to_fit === "number") fact(facts, "Market fit", pct(r.ship_to_fit, 0));
    if (typeof r.values_share === "number") fact(facts, "Posts on your values", pct(r.values_share, 0));
    main.appendChild(facts);

    if (r.bio) {
      var bio = r.bio.length > 240 ? r.bio.slice(0, 239) + "…" : r.bio;
      main.appendChild(el("p", "bio", bio));
    }
    if (r.niches && r.niches.length) {
      var niches = el("ul", "tags niches");
      niches.setAttribute("aria-label", "Niches");
      r.niches.forEach(function (n) { niches.appendChild(el("li", "tag", n.replace(/_/g, " "))); });
      main.appendChild(niches);
    }
    if (r.brand_safety_flags && r.brand_safety_flags.length) {
      var flags = el("ul", "tags flags");
      flags.setAttribute("aria-label", "Brand-safety flags");
      r.brand_safety_flags.forEach(function (f) { flags.appendChild(el("li", "flag", "⚠ " + f.replace(/_/g, " "))); });
      main.appendChild(flags);
    } else {
      main.appendChild(el("p", "safe", "No brand-safety flags found"));
    }
    if (r.evidence && typeof r.evidence === "object") fitDetails(main, r.evidence);
    evidencePosts(main, r.evidence_posts, r.evidence_comments);
    if (r.emails && r.emails.length) {
      var contact = el("p", "contact", "Contact: ");
      r.emails.slice(0, 3).forEach(function (m, i) {
        if (i) contact.appendChild(document.createTextNode(", "));
        var a = el("a", null, m);
        a.href = "mailto:" + encodeURIComponent(m).replace(/%40/g, "@");
        contact.appendChild(a);
      });
      main.appendChild(contact);
    }
    li.appendChild(main);
    if (r.explain && typeof r.explain === "object") li.appendChild(signalBars(r.explain));
    return li;
  }

  // ---- requests ----

  function showError(title, detail) {
    errorBox.textContent = "";
    errorBox.appendChild(el("strong", null, title));
    if (detail) errorBox.appendChild(el("span", null, detail));
    errorBox.hidden = false;
  }

  function fetchPage(params) {
    return fetch("v1/search?" + params.toString(), {
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (resp) {
      return resp.json().catch(function () { return null; }).then(function (body) {
        if (!resp.ok) {
          var detail = body && body.detail ? body.detail : "HTTP " + resp.status;
          if (resp.status === 401) detail = "This server needs a token. " + detail;
          throw { title: "The search could not run", detail: detail };
        }
        if (!body || !Array.isArray(body.results)) {
          throw { title: "Unexpected answer from the server", detail: "HTTP " + resp.status };
        }
        return body;
      });
    }, function () {
      throw { title: "The server could not be reached", detail: "Check that `scout serve` is running." };
    });
  }

  function updateScale(results) {
    results.forEach(function (r) {
      Object.keys(r.explain || {}).forEach(function (k) {
        var v = r.explain[k];
        if (typeof v === "number") state.scale = Math.max(state.scale, Math.abs(v));
      });
    });
  }

  function describe(body, params) {
    var what = params.get("q") ? "“" + params.get("q") + "”" : "your filters";
    if (!body.total) return "No creators match " + what + ". Try a broader niche or fewer filters.";
    return body.total + (body.total === 1 ? " creator matches " : " creators match ") + what +
      " · showing " + state.shown;
  }

  function updateDownload(params) {
    var p = new URLSearchParams(params);
    p.delete("explain");
    // The spreadsheet carries the posts to quote (their URLs).
    p.set("evidence", "true");
    p.delete("offset");
    p.set("limit", String(Math.max(1, Math.min(200, state.shown))));
    download.href = "v1/search.csv?" + p.toString();
    download.hidden = state.shown === 0;
  }

  function run(params) {
    var api = new URLSearchParams(params);
    api.set("explain", "true");
    api.set("evidence", "true");
    state.params = params;
    errorBox.hidden = true;
    cards.setAttribute("aria-busy", "true");
    summary.textContent = "Searching…";
    return fetchPage(api).then(function (body) {
      cards.textContent = "";
      state.scale = 0.5;
      state.total = body.total;
      state.shown = body.results.length;
      updateScale(body.results);
      body.results.forEach(function (r, i) { cards.appendChild(card(r, i + 1)); });
      summary.textContent = describe(body, params);
      more.hidden = state.shown >= body.total || state.shown === 0;
      updateDownload(params);
    }).catch(function (e) {
      cards.textContent = "";
      summary.textContent = "";
      download.hidden = true;
      more.hidden = true;
      showError(e.title || "Something went wrong", e.detail || String(e));
    }).then(function () {
      cards.removeAttribute("aria-busy");
    });
  }

  function loadMore() {
    var api = new URLSearchParams(state.params);
    api.set("explain", "true");
    api.set("evidence", "true");
    api.set("offset", String(state.shown));
    more.disabled = true;
    fetchPage(api).then(function (body) {
      updateScale(body.results);
      body.results.forEach(function (r, i) { cards.appendChild(card(r, state.shown + i + 1)); });
      state.shown += body.results.length;
      summary.textContent = describe(body, state.params);
      more.hidden = state.shown >= body.total || body.results.length === 0;
      updateDownload(state.params);
    }).catch(function (e) {
      showError(e.title || "Something went wrong", e.detail || String(e));
    }).then(function () {
      more.disabled = false;
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var params = formParams();
    var url = location.pathname + (params.toString() ? "?" + params.toString() : "");
    history.pushState(null, "", url);
    run(params).then(function () {
      // On a phone the form fills the screen: bring the answer into view.
      if (narrow.matches) document.getElementById("results-title").scrollIntoView();
    });
  });
  form.addEventListener("reset", function () {
    setTimeout(function () { shipMore.value = ""; }, 0);
  });
  more.addEventListener("click", loadMore);
  window.addEventListener("popstate", function () {
    var p = new URLSearchParams(location.search);
    form.reset();
    fillForm(p);
    if (p.toString()) run(p);
  });

  // A URL with parameters (a shared or bookmarked search) runs at once.
  var initial = new URLSearchParams(location.search);
  // On a phone the secondary filters start folded, unless the URL sets one of them.
  var secondary = ["lang", "audience_lang", "tier", "platform", "min_followers", "max_followers",
    "min_engagement", "max_sponsored_share", "active_within_days", "has_email", "limit"];
  if (narrow.matches && !secondary.some(function (k) { return initial.has(k); })) {
    moreFilters.open = false;
  }
  if (initial.toString()) {
    fillForm(initial);
    run(formParams());
  }
})();
