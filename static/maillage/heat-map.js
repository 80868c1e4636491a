/* Maillage – the waste heat map: sources, sinks and the route lines of a study.
 *
 * Contract (see symbiosis/heat_list.html, heat_declaration.html, heat_study.html):
 *   #heat-map  data-source="<id of a <script type=application/json>>": a GeoJSON
 *              FeatureCollection of Points (properties: kind source|sink, label, title, url,
 *              lines) and LineStrings (a study's route); data-tiles-url, data-attribution.
 * After drawing, #heat-map gets data-loaded-features="<n>" so tests can wait on it.
 * Text goes into the DOM with textContent only: nothing from the data is parsed as HTML.
 */
(function () {
  "use strict";

  const mapEl = document.getElementById("heat-map");
  if (!mapEl || !window.L || !window.MaillageMap) return;
  const dataEl = document.getElementById(mapEl.dataset.source || "");
  if (!dataEl) return;
  let data;
  try {
    data = JSON.parse(dataEl.textContent);
  } catch (e) {
    mapEl.dataset.loadError = String(e);
    return;
  }

  const map = MaillageMap.create(mapEl, [43.45, 5.3], 9, MaillageMap.WORLD);
  const layer = L.featureGroup().addTo(map);
  let drawn = 0;

  function popup(p) {
    const box = MaillageMap.popupBox(String(p.title || ""), p.url);
    for (const text of Array.isArray(p.lines) ? p.lines : []) {
      const line = document.createElement("div");
      line.textContent = String(text);
      box.appendChild(line);
    }
    return box;
  }

  for (const f of (data && data.features) || []) {
    const g = f && f.geometry;
    const p = (f && f.properties) || {};
    if (!g || !Array.isArray(g.coordinates)) continue;
    if (g.type === "Point") {
      const lat = Number(g.coordinates[1]);
      const lon = Number(g.coordinates[0]);
      if (!Number.isFinite(lat) || !Number.isFinite(lon)) continue;
      const text = document.createElement("span");
      text.textContent = String(p.label || "").slice(0, 2);
      const icon = L.divIcon({
        className: "heat-marker heat-" + (p.kind === "source" ? "source" : "sink"),
        html: text,
        iconSize: [26, 26],
      });
      L.marker([lat, lon], { icon: icon, title: String(p.title || "") })
        .bindPopup(function () {
          return popup(p);
        })
        .addTo(layer);
      drawn += 1;
    } else if (g.type === "LineString") {
      const points = g.coordinates
        .map(function (c) {
          return [Number(c[1]), Number(c[0])];
        })
        .filter(function (c) {
          return Number.isFinite(c[0]) && Number.isFinite(c[1]);
        });
      if (points.length < 2) continue;
      L.polyline(points, { color: "#c0392b", weight: 4, dashArray: "8 6" }).addTo(layer);
      drawn += 1;
    }
  }
  const bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 });
  mapEl.dataset.loadedFeatures = String(drawn);
})();
