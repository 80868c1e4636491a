/* Maillage – a small map of points: the results of a need, or unmet needs.
 *
 * Contract (see matching/need.html and matching/unmet.html):
 *   #need-map  data-source="<id of a <script type=application/json>>"  (embedded data), or
 *              data-geojson-url="<url>"  (fetched once);
 *              data-tiles-url, data-attribution.
 * The data is a GeoJSON FeatureCollection; each feature's properties may hold
 *   label (short text in the marker), title, url, lines (array of strings),
 *   action_url + action_text (a link under the popup), count (for unmet needs).
 * An optional "origin": {lat, lon, radius_km} marks where the search was made.
 * After drawing, #need-map gets data-loaded-features="<n>" so tests can wait on it.
 * Text goes into the DOM with textContent only: nothing from the data is parsed as HTML.
 */
(function () {
  "use strict";

  const mapEl = document.getElementById("need-map");
  if (!mapEl || !window.L || !window.MaillageMap) return;

  const map = MaillageMap.create(mapEl, [46.6, 2.4], 6, MaillageMap.WORLD);
  const layer = L.featureGroup().addTo(map);
  const area = L.layerGroup().addTo(map); // the search radius, left out of the view's bounds

  function popupContent(p) {
    const box = MaillageMap.popupBox(String(p.title || ""), p.url);
    for (const text of Array.isArray(p.lines) ? p.lines : []) {
      const line = document.createElement("div");
      line.textContent = String(text);
      box.appendChild(line);
    }
    const action = MaillageMap.safeUrl(p.action_url);
    if (action && p.action_text) {
      const a = document.createElement("a");
      a.href = action;
      a.className = "popup-action";
      a.textContent = String(p.action_text);
      const line = document.createElement("div");
      line.appendChild(a);
      box.appendChild(line);
    }
    return box;
  }

  function marker(latlng, p) {
    const label = String(p.label == null ? "" : p.label).slice(0, 6);
    const text = document.createElement("span");
    text.textContent = label;
    const icon = L.divIcon({
      className: "need-marker" + (p.count != null ? " need-unmet" : ""),
      html: text,
      iconSize: p.count != null ? [30, 30] : [26, 26],
    });
    const m = L.marker(latlng, { icon: icon, title: String(p.title || label), riseOnHover: true });
    m.bindPopup(function () {
      return popupContent(p);
    });
    return m;
  }

  function render(data) {
    layer.clearLayers();
    area.clearLayers();
    let drawn = 0;
    const origin = data && data.origin;
    if (origin && Number.isFinite(origin.lat) && Number.isFinite(origin.lon)) {
      const centre = L.latLng(origin.lat, origin.lon);
      if (Number(origin.radius_km) > 0) {
        L.circle(centre, {
          radius: Number(origin.radius_km) * 1000,
          weight: 1,
          fillOpacity: 0.05,
          interactive: false,
        }).addTo(area);
      }
      L.marker(centre, {
        icon: L.divIcon({ className: "need-marker need-origin", html: "", iconSize: [18, 18] }),
        keyboard: false,
        interactive: false,
      }).addTo(layer);
    }
    for (const f of (data && data.features) || []) {
      const g = f && f.geometry;
      if (!g || g.type !== "Point" || !Array.isArray(g.coordinates)) continue;
      const lat = Number(g.coordinates[1]);
      const lon = Number(g.coordinates[0]);
      if (!Number.isFinite(lat) || !Number.isFinite(lon)) continue;
      marker(L.latLng(lat, lon), f.properties || {}).addTo(layer);
      drawn += 1;
    }
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 12, animate: false });
    mapEl.dataset.loadedFeatures = String(drawn);
  }

  if (mapEl.dataset.source) {
    const script = document.getElementById(mapEl.dataset.source);
    let data = null;
    try {
      data = script ? JSON.parse(script.textContent) : null;
    } catch (err) {
      console.error("Maillage map: unreadable data", err);
    }
    render(data);
  } else if (mapEl.dataset.geojsonUrl) {
    MaillageMap.fetchGeoJson(mapEl, mapEl.dataset.geojsonUrl, render);
  }
})();
