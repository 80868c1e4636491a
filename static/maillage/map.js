/* Maillage – public map page.
 *
 * Contract (see the map template):
 *   #map            data-geojson-url, data-tiles-url, data-attribution,
 *                   data-lat, data-lon, data-zoom (fallback initial view)
 *   #map-filters    GET form (q, kind, field, dept…); works without JS
 *   #result-count   receives the "total" of the last response
 *   #list-link      href kept in sync: <its path>?<filters>
 * URL query string: filters + lat, lon, z (shareable, survives reload).
 * After each render #map gets data-loaded-features="<n>" and an incremented
 * data-load-count, so browser tests can wait on them.
 */
(function () {
  "use strict";

  const mapEl = document.getElementById("map");
  if (!mapEl || !window.L || !window.MaillageMap) return;

  const form = document.getElementById("map-filters");
  const countEl = document.getElementById("result-count");
  const listLink = document.getElementById("list-link");
  const VIEW_KEYS = ["lat", "lon", "z"];
  const MOVE_DEBOUNCE_MS = 150;
  const INPUT_DEBOUNCE_MS = 350;

  function num(value, fallback) {
    const n = parseFloat(value);
    return Number.isFinite(n) ? n : fallback;
  }

  function debounce(fn, ms) {
    let timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  /* ---------- filters <-> URL ---------- */

  // Names of all form fields, so a cleared filter is also removed from the URL.
  function filterNames() {
    if (!form) return [];
    const names = new Set();
    for (const f of form.elements) {
      if (f.name && !VIEW_KEYS.includes(f.name)) names.add(f.name);
    }
    return Array.from(names);
  }

  // Current non-empty filters, in form order.
  function currentFilters() {
    const params = new URLSearchParams();
    if (!form) return params;
    for (const [key, value] of new FormData(form)) {
      if (VIEW_KEYS.includes(key) || typeof value !== "string") continue;
      if (value.trim() !== "") params.append(key, value.trim());
    }
    return params;
  }

  // The server normally pre-fills the form from GET; this covers the case it does not.
  function fillFormFromUrl(params) {
    if (!form) return;
    for (const name of filterNames()) {
      const field = form.elements.namedItem(name);
      if (field && "value" in field && params.has(name) && !field.value) {
        field.value = params.get(name);
      }
    }
  }

  function syncUrl() {
    const params = new URLSearchParams(location.search);
    for (const key of filterNames().concat(VIEW_KEYS)) params.delete(key);
    for (const [key, value] of currentFilters()) params.append(key, value);
    const c = map.getCenter().wrap();
    params.set("lat", c.lat.toFixed(5));
    params.set("lon", c.lng.toFixed(5));
    params.set("z", String(map.getZoom()));
    history.replaceState(history.state, "", location.pathname + "?" + params.toString() + location.hash);

    updateListLink();
  }

  function updateListLink() {
    if (!listLink) return;
    // Keep the link's own path (it may carry a language prefix).
    const base = (listLink.getAttribute("href") || "").split("?")[0] || "/organisations/";
    const qs = currentFilters().toString();
    listLink.setAttribute("href", qs ? base + "?" + qs : base);
  }

  /* ---------- map ---------- */

  const urlParams = new URLSearchParams(location.search);
  fillFormFromUrl(urlParams);

  const clamp = function (v, lo, hi) { return Math.min(hi, Math.max(lo, v)); };
  // URL values are user-editable, so keep them in a range Leaflet can display.
  const map = MaillageMap.create(
    mapEl,
    [
      clamp(num(urlParams.get("lat"), num(mapEl.dataset.lat, 46.6)), -85, 85),
      clamp(num(urlParams.get("lon"), num(mapEl.dataset.lon, 2.4)), -180, 180),
    ],
    clamp(Math.round(num(urlParams.get("z"), num(mapEl.dataset.zoom, 6))), 2, 19),
    MaillageMap.WORLD
  );

  // Server-side grid aggregates live in a plain group; individual sites are clustered client-side.
  const bubbles = L.layerGroup().addTo(map);
  const sites = (L.markerClusterGroup
    ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 })
    : L.layerGroup()
  ).addTo(map);

  function bubbleMarker(latlng, count) {
    const n = Math.max(0, Math.floor(Number(count) || 0));
    const label = String(n);
    // Grow a little with the number of digits so "1234" still fits.
    const size = n < 100 ? 36 : n < 1000 ? 42 : 48;
    const icon = L.divIcon({
      className: "map-bubble" + (n >= 1000 ? " map-bubble-lg" : n >= 100 ? " map-bubble-md" : ""),
      html: "<span>" + label + "</span>",
      iconSize: [size, size],
    });
    const m = L.marker(latlng, { icon: icon, title: label, riseOnHover: true });
    m.on("click", function () {
      map.setView(latlng, Math.min(map.getZoom() + 2, map.getMaxZoom()));
    });
    return m;
  }

  // Popup content is built with DOM nodes (textContent), so names are never parsed as HTML.
  function popupContent(p) {
    const box = MaillageMap.popupBox(p.org || "", p.url);
    for (const text of [p.kind_label, p.place, p.machines_label]) {
      if (!text) continue;
      const line = document.createElement("div");
      line.textContent = String(text);
      box.appendChild(line);
    }
    return box;
  }

  function siteMarker(latlng, p) {
    const kind = String(p.kind || "other").replace(/[^a-z0-9_-]/gi, "");
    const icon = L.divIcon({ className: "map-marker kind-" + kind, html: "", iconSize: [14, 14] });
    const m = L.marker(latlng, { icon: icon, title: String(p.org || ""), riseOnHover: true });
    m.bindPopup(function () {
      return popupContent(p);
    });
    return m;
  }

  // Site markers are kept by id across reloads so an open popup survives a pan (popups auto-pan).
  let siteMarkers = new Map();

  function render(data) {
    const newBubbles = [];
    const keep = new Map();
    const added = [];
    for (const f of (data && data.features) || []) {
      const g = f && f.geometry;
      if (!g || g.type !== "Point" || !Array.isArray(g.coordinates)) continue;
      const latlng = L.latLng(g.coordinates[1], g.coordinates[0]);
      const p = f.properties || {};
      if (p.cluster) {
        newBubbles.push(bubbleMarker(latlng, p.count));
        continue;
      }
      const key = String(p.id != null ? p.id : p.org) + "@" + latlng.lat + "," + latlng.lng;
      if (keep.has(key)) continue;
      let m = siteMarkers.get(key);
      if (!m) {
        m = siteMarker(latlng, p);
        added.push(m);
      }
      keep.set(key, m);
    }
    const removed = [];
    siteMarkers.forEach(function (m, key) {
      if (!keep.has(key)) removed.push(m);
    });
    siteMarkers = keep;

    bubbles.clearLayers();
    newBubbles.forEach(function (m) { bubbles.addLayer(m); });
    if (sites.removeLayers) {
      sites.removeLayers(removed);
      sites.addLayers(added);
    } else {
      removed.forEach(function (m) { sites.removeLayer(m); });
      added.forEach(function (m) { sites.addLayer(m); });
    }

    if (countEl) countEl.textContent = String(Number(data && data.total) || 0);
    mapEl.dataset.loadedFeatures = String(newBubbles.length + keep.size);
    mapEl.dataset.loadCount = String(num(mapEl.dataset.loadCount, 0) + 1);
  }

  let controller = null;

  function load() {
    if (controller) controller.abort(); // a newer view supersedes any in-flight request
    controller = new AbortController();
    const params = new URLSearchParams();
    params.set("bbox", map.getBounds().toBBoxString());
    params.set("zoom", String(map.getZoom()));
    for (const [key, value] of currentFilters()) params.append(key, value);
    const base = mapEl.dataset.geojsonUrl;
    const url = base + (base.includes("?") ? "&" : "?") + params.toString();
    MaillageMap.fetchGeoJson(mapEl, url, render, controller.signal);
  }

  const onMove = debounce(function () {
    syncUrl();
    load();
  }, MOVE_DEBOUNCE_MS);
  map.on("moveend", onMove);

  /* ---------- filter form (only intercepted when JS runs) ---------- */

  function applyFilters() {
    syncUrl();
    load();
  }

  if (form) {
    const applyTyped = debounce(applyFilters, INPUT_DEBOUNCE_MS);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      applyFilters();
    });
    // Typed fields reload after a pause; selects/checkboxes reload at once on "change".
    const isTyped = function (el) {
      return el && (el.tagName === "TEXTAREA" ||
        (el.tagName === "INPUT" && !/^(checkbox|radio|submit|button|reset|hidden)$/i.test(el.type)));
    };
    form.addEventListener("input", function (e) {
      if (isTyped(e.target)) applyTyped();
    });
    form.addEventListener("change", function (e) {
      if (!isTyped(e.target)) applyFilters();
    });
  }

  updateListLink();
  load();
})();
