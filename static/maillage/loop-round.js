/* Maillage – a van's collection round on a map: the washing centre, the stops numbered in
 * their order and the route between them. Reads #round-map's data-points:
 *   {"depot": {name, lat, lon}, "stops": [{order, name, lat, lon, trip}, ...]}
 * Text goes into the DOM with textContent only.
 */
(function () {
  "use strict";
  const el = document.getElementById("round-map");
  if (!el || !window.L || !window.MaillageMap) return;
  const data = JSON.parse(el.dataset.points || "{}");
  const depot = data.depot;
  const stops = data.stops || [];
  const map = MaillageMap.create(el, depot ? [depot.lat, depot.lon] : [43.3, 5.4], 11);

  function numbered(text, extra) {
    const box = document.createElement("div");
    box.className = "stop-number" + (extra ? " " + extra : "");
    box.textContent = text;
    return L.divIcon({ html: box, className: "", iconSize: [24, 24], iconAnchor: [12, 12] });
  }

  const bounds = [];
  if (depot) {
    L.marker([depot.lat, depot.lon], { icon: numbered("0", "stop-depot"), title: depot.name })
      .bindPopup(MaillageMap.popupBox(depot.name, null))
      .addTo(map);
    bounds.push([depot.lat, depot.lon]);
  }
  const trips = {};
  stops.forEach(function (s) {
    L.marker([s.lat, s.lon], { icon: numbered(String(s.order)), title: s.order + ". " + s.name })
      .bindPopup(MaillageMap.popupBox(s.order + ". " + s.name, null))
      .addTo(map);
    bounds.push([s.lat, s.lon]);
    (trips[s.trip] = trips[s.trip] || []).push([s.lat, s.lon]);
  });
  Object.keys(trips).forEach(function (trip) {
    const line = depot ? [[depot.lat, depot.lon]].concat(trips[trip], [[depot.lat, depot.lon]]) : trips[trip];
    L.polyline(line, { color: "#1b4f72", weight: 3, opacity: 0.8 }).addTo(map);
  });
  if (bounds.length > 1) map.fitBounds(bounds, { padding: [24, 24], animate: false });
  el.dataset.ready = "true";
})();
