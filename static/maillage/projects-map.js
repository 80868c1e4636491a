/* Maillage – the map of collective projects.
 *
 * Contract (see cooperation/projects_map.html):
 *   #projects-map  data-source="<id of a <script type=application/json>>": a GeoJSON
 *                  FeatureCollection of Points (properties: title, url, stage, lines);
 *                  data-tiles-url, data-attribution.
 * After drawing, #projects-map gets data-loaded-features="<n>" so tests can wait on it.
 * Text goes into the DOM with textContent only: nothing from the data is parsed as HTML.
 */
(function () {
  "use strict";

  const mapEl = document.getElementById("projects-map");
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
  const STAGES = ["idea", "study", "funded", "running", "done"];
  const map = MaillageMap.create(mapEl, [43.6, 5.4], 8, MaillageMap.WORLD);
  const layer = L.featureGroup().addTo(map);
  let drawn = 0;

  for (const f of (data && data.features) || []) {
    const g = f && f.geometry;
    const p = (f && f.properties) || {};
    if (!g || g.type !== "Point" || !Array.isArray(g.coordinates)) continue;
    const lat = Number(g.coordinates[1]);
    const lon = Number(g.coordinates[0]);
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) continue;
    const stage = STAGES.indexOf(p.stage) >= 0 ? p.stage : "running";
    const text = document.createElement("span");
    text.textContent = String(STAGES.indexOf(stage) + 1);
    const icon = L.divIcon({
      className: "project-marker stage-" + stage,
      html: text,
      iconSize: [22, 22],
    });
    L.marker([lat, lon], { icon: icon, title: String(p.title || "") })
      .bindPopup(function () {
        const box = MaillageMap.popupBox(String(p.title || ""), p.url);
        for (const line of Array.isArray(p.lines) ? p.lines : []) {
          const div = document.createElement("div");
          div.textContent = String(line);
          box.appendChild(div);
        }
        return box;
      })
      .addTo(layer);
    drawn += 1;
  }
  const bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 12 });
  mapEl.dataset.loadedFeatures = String(drawn);
})();
