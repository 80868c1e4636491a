/* Maillage – the flows of materials: one line per synergy between its two sites.
 *
 * Contract (see symbiosis/flows.html):
 *   #flows-map  data-source="<id of a <script type=application/json>>" holding a GeoJSON
 *               FeatureCollection of LineStrings; data-tiles-url, data-attribution, and the
 *               words data-per-year, data-magnitude, data-exchanged for the popups.
 * Each feature's properties: offer_title, demand_title, offer_organisation, demand_organisation,
 *   state_label, unit_symbol, exact, per_year (exact) or per_year_low / per_year_high, weight
 *   (pixels), exchanged_total, url.
 * After drawing, #flows-map gets data-loaded-features="<n>" so tests can wait on it.
 * Text goes into the DOM with textContent only: nothing from the data is parsed as HTML.
 */
(function () {
  "use strict";

  const mapEl = document.getElementById("flows-map");
  if (!mapEl || !window.L || !window.MaillageMap) return;
  const source = document.getElementById(mapEl.dataset.source || "");
  const data = source ? JSON.parse(source.textContent) : { features: [] };

  const map = MaillageMap.create(mapEl, [43.45, 5.35], 10, MaillageMap.WORLD);
  const layer = L.featureGroup().addTo(map);
  const STATE_COLOURS = { agreed: "#1f6fb2", running: "#17803d", ended: "#6b7280" };

  function number(value) {
    return Number(value).toLocaleString(document.documentElement.lang || undefined, {
      maximumFractionDigits: 1,
    });
  }

  function line(box, text) {
    const div = document.createElement("div");
    div.textContent = text;
    box.appendChild(div);
  }

  function popup(p) {
    const box = MaillageMap.popupBox(String(p.offer_title) + " → " + String(p.demand_title), p.url);
    line(box, String(p.offer_organisation) + " → " + String(p.demand_organisation));
    line(box, String(p.state_label));
    const unit = String(p.unit_symbol || "");
    if (p.exact && p.per_year != null) {
      line(box, number(p.per_year) + " " + unit + " " + mapEl.dataset.perYear);
      if (p.exchanged_total != null) {
        line(box, number(p.exchanged_total) + " " + unit + " " + mapEl.dataset.exchanged);
      }
    } else {
      line(
        box,
        mapEl.dataset.magnitude + " " + number(p.per_year_low) + "–" + number(p.per_year_high) +
          " " + unit + " " + mapEl.dataset.perYear,
      );
    }
    return box;
  }

  let drawn = 0;
  for (const f of data.features || []) {
    if (!f.geometry || f.geometry.type !== "LineString") continue;
    const p = f.properties || {};
    const latlngs = f.geometry.coordinates.map(function (c) {
      return [c[1], c[0]];
    });
    const polyline = L.polyline(latlngs, {
      color: STATE_COLOURS[p.state] || "#1f6fb2",
      weight: Number(p.weight) || 2,
      opacity: 0.75,
    });
    polyline.bindPopup(function () {
      return popup(p);
    });
    polyline.addTo(layer);
    for (const point of latlngs) {
      L.circleMarker(point, { radius: 4, weight: 1, color: "#333", fillOpacity: 0.9 }).addTo(layer);
    }
    drawn += 1;
  }
  if (drawn) map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 13, animate: false });
  mapEl.dataset.loadedFeatures = String(drawn);
})();
