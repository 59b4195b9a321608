"use strict";
const $ = (id) => document.getElementById(id);
async function unpack(id) {  // base64 -> gunzip -> JSON, all inside the page (no request)
  const bytes = Uint8Array.from(atob($(id).textContent), (c) => c.charCodeAt(0));
  return JSON.parse(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text());
}
Promise.all(["rows", "details", "values", "pictures"].map(unpack)).then(([packed, details, values, pictures]) => {
  const KEYS = ["i", "n", "s", "c", "h", "x", "r", "p", "t", "w", "e", "m", "d", "q", "u"];
  const rows = packed.map((a) => Object.fromEntries(KEYS.map((k, j) => [k, a[j]])));
  rows.forEach((r) => { r.k = [r.n, r.c, r.w, r.m, r.e].join(" ").toLowerCase(); });  // what the search box matches
  const RISK = { "": 0, low: 1, moderate: 2, high: 3 };
  const PAGE = 60;
  let shown = rows.slice(), page = 0;
  const full = (v) => typeof v === "string" && v.charCodeAt(0) === 1 ? full(JSON.parse(values[+v.slice(1)]))
    : Array.isArray(v) ? v.map(full)
    : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, full(x)])) : v;
  const fmt = (x, d = 3) => (x === null || x === undefined ? "n/a" : typeof x === "number" ? (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5 ? x.toExponential(d - 1) : String(+x.toPrecision(d))) : String(x));
  function el(tag, content, cls) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (content !== undefined && content !== null) node.textContent = content;
    return node;
  }
  function table(head, body) {
    const t = el("table"), tr = el("tr");
    head.forEach((h) => tr.append(el("th", h)));
    t.append(tr);
    body.forEach((cells) => { const r = el("tr"); cells.forEach((c) => r.append(el("td", fmt(c)))); t.append(r); });
    return t;
  }
  function picture(slot, note) {
    const div = el("div", slot >= 0 ? null : note, "pic");
    if (slot >= 0) div.innerHTML = pictures[slot];  // SVG written by the report generator, no input text
    return div;
  }
  function card(r) {
    const c = el("article", null, "card " + r.s);
    c.dataset.index = r.i;
    c.append(picture(r.d, r.s === "error" ? "unreadable record" : "no picture (depiction limit)"));
    const h = el("h3", r.n || "(no name)");
    c.append(h, el("p", "#" + (r.i + 1) + " "));
    c.lastChild.prepend(el("span", { ok: "ring", no_scaffold: "no ring", error: "error" }[r.s], "badge " + r.s));
    if (r.c) c.append(el("p", "N4: " + r.c + (r.p !== null ? " · pKaH " + r.p : "")));
    if (r.h) c.append(el("p", "hydrolysis risk: " + r.h, "risk-" + r.h));
    Object.entries(r.r).forEach(([k, v]) => c.append(el("p", k + ": " + v, "risk-" + v)));
    if (r.m) c.append(el("p", "near miss: " + r.m));
    if (r.e) c.append(el("p", r.e, "warn"));
    if (r.w) c.append(el("p", "warning: " + r.w, "warn"));
    if (r.s === "ok") { const b = el("button", "details"); b.type = "button"; b.addEventListener("click", () => open(r)); c.append(b); }
    return c;
  }
  const sorters = {
    index: (a, b) => a.i - b.i,
    name: (a, b) => a.n.localeCompare(b.n) || a.i - b.i,
    risk: (a, b) => RISK[b.x] - RISK[a.x] || a.i - b.i,
    pka_desc: (a, b) => (b.p ?? -99) - (a.p ?? -99) || a.i - b.i,
    pka_asc: (a, b) => (a.p ?? 99) - (b.p ?? 99) || a.i - b.i,
    half_life: (a, b) => (a.t ?? Infinity) - (b.t ?? Infinity) || a.i - b.i,
  };
  function apply() {
    const status = $("f-status").value, cls = $("f-class").value, risk = $("f-risk").value;
    const q = $("f-text").value.trim().toLowerCase();
    shown = rows.filter((r) => (!status || r.s === status) && (!cls || r.c.split(",").includes(cls))
      && (!risk || r.x === risk) && (!q || r.k.includes(q)));
    shown.sort(sorters[$("f-sort").value]);
    page = 0;
    draw();
  }
  function draw() {
    const pages = Math.max(1, Math.ceil(shown.length / PAGE));
    page = Math.min(Math.max(page, 0), pages - 1);
    $("grid").replaceChildren(...shown.slice(page * PAGE, (page + 1) * PAGE).map(card));
    $("count").textContent = shown.length + " of " + rows.length + " records match" + (pages > 1 ? " (" + PAGE + " per page)" : "");
    $("page").textContent = "page " + (page + 1) + " of " + pages;
    $("prev").disabled = page === 0;
    $("next").disabled = page >= pages - 1;
  }
  function section(body, title) { body.append(el("h3", title)); }
  function open(r) {
    const d = full(details[r.i] || {}), body = $("detail-body");
    body.replaceChildren(el("h2", r.n || "(no name)"));
    body.firstChild.id = "detail-title";
    body.append(el("p", "record #" + (r.i + 1) + (r.u ? " · annotation read from the input (RX_JSON)" : "")), picture(r.d, "no picture (depiction limit)"));
    (d.rings || []).forEach((ring, n) => {
      section(body, "Ring " + (n + 1) + " of " + d.rings.length + ": " + ring.ring_variant + (ring.salt_form ? " (salt form)" : ""));
      const facts = { N4: ring.n4_class, N1: ring.n1_class, C2: (ring.c2_activation || []).join(", ") || "plain lactam",
        C3: ring.c3_enolizable_h + " enolizable H" + (ring.c3_epimerizable ? ", epimerizable stereocentre" : "") };
      body.append(table(["site", "atom", "class / facts", "guidance", "references"],
        (ring.guidance || []).map((g) => [g.site, ring.atoms[g.site], facts[g.site], g.text, (g.references || []).join(", ")])));
      (ring.stereocentres || []).forEach((s) => body.append(el("p", "stereocentre " + s.position + " (atom " + s.atom + "): " + s.label)));
      (ring.notes || []).forEach((note) => body.append(el("p", "note: " + note)));
    });
    if ((d.competing_sites || []).length) {
      section(body, "Competing sites");
      body.append(table(["kind", "category", "atoms", "note"], d.competing_sites.map((s) => [s.kind, s.category, s.atoms.join(","), s.note])));
    }
    const b = d.basicity;
    if (b) {
      section(body, "N4 basicity");
      body.append(el("p", b.n4_pka === null ? "N4 is not a basic amine (" + b.n4_class + "): no pKaH."
        : "pKaH " + fmt(b.n4_pka) + (b.n4_pka_band ? " (band " + b.n4_pka_band.map((x) => fmt(x)).join("-") + ")" : "")
          + ", " + fmt(100 * b.n4_protonated_fraction) + " % protonated at pH " + b.ph));
    }
    const s = d.stability;
    if (s) {
      const c = d.scored_condition || {};
      section(body, "Stability at pH " + c.ph + ", " + c.temperature_c + " °C, " + c.hours + " h: risk " + s.risk);
      body.append(el("p", "k_obs " + fmt(s.k_obs_per_s) + " s⁻¹ (band " + (s.k_band_per_s || []).map((x) => fmt(x, 2)).join("-")
        + "), half-life " + fmt(s.half_life_h) + " h; stable pH window " + (s.stable_ph_window ? s.stable_ph_window.join("-") : "none")));
      const fig = el("figure", null, "profile");
      if (r.q >= 0) { fig.innerHTML = pictures[r.q]; fig.append(el("figcaption", "pH-rate profile: stable window shaded green, uncertainty band around the curve, scored pH dashed.")); }
      else fig.append(el("p", "pH-rate profile not embedded (profile limit); `reactivity stability SMILES --plot FILE.svg` draws it."));
      body.append(fig);
      const reasons = el("ul");
      (s.risk_reasons || []).concat((s.warnings || []).map((w) => "warning: " + w)).forEach((x) => reasons.append(el("li", x)));
      body.append(reasons);
      if ((s.pathways || []).length) {
        section(body, "Pathways");
        body.append(table(["pathway", "site", "atoms", "reversible", "k (s⁻¹)", "dominant"],
          s.pathways.map((p) => [p.kind, p.site, (p.atoms || []).join(","), p.reversible ? "yes" : "no", p.k_per_s, p.dominant ? "yes" : ""])));
        const degradants = s.pathways.flatMap((p) => (p.degradants || []).map((x) => [p.kind, x])).concat((s.degradants || []).map((x) => ["", x]));
        if (degradants.length) {
          section(body, "Degradants");
          const keys = [...new Set(degradants.flatMap(([, x]) => Object.keys(x).filter((k) => x[k] === null || typeof x[k] !== "object")))];
          body.append(table(["pathway", ...keys], degradants.map(([kind, x]) => [kind, ...keys.map((k) => x[k])])));
        } else if ((d.degradant_tags || []).length) {
          section(body, "Degradants (name@[M+H]+)");
          const list = el("ul");
          d.degradant_tags.forEach((x) => list.append(el("li", x)));
          body.append(list);
        }
      }
      const names = Object.keys(d.conditions || {});
      if (names.length) {
        section(body, "Handling presets");
        body.append(table(["preset", "chemical risk", "material-loss risk", "advice"],
          names.map((n) => [n, d.conditions[n].chemical_risk, d.conditions[n].material_loss_risk, (d.conditions[n].advice || []).join(" ")])));
      }
      const more = el("details"), list = el("ul");
      more.append(el("summary", "Assumptions and sources (" + (s.assumptions || []).length + " assumptions)"));
      (s.assumptions || []).forEach((a) => list.append(el("li", a)));
      more.append(list, el("p", "source ids: " + (s.reference_ids || []).join(", ")));
      body.append(more);
    }
    $("detail").hidden = false;
    $("close").focus();
  }
  const close = () => { $("detail").hidden = true; };
  $("close").addEventListener("click", close);
  $("detail").addEventListener("click", (e) => { if (e.target === $("detail")) close(); });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") close(); });
  [...new Set(rows.flatMap((r) => (r.c ? r.c.split(",") : [])))].sort().forEach((c) => $("f-class").append(new Option(c, c)));
  ["f-status", "f-class", "f-risk", "f-sort"].forEach((id) => $(id).addEventListener("change", apply));
  $("f-text").addEventListener("input", apply);
  $("prev").addEventListener("click", () => { page -= 1; draw(); });
  $("next").addEventListener("click", () => { page += 1; draw(); });
  draw();
}).catch((error) => { $("count").textContent = "This page could not unpack its data: " + error; });
