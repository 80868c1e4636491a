/* Maillage – coordinate picker for the site edit form.
 *
 * <div id="site-map" data-lat-input="id_latitude" data-lon-input="id_longitude"
 *      data-tiles-url="…" data-attribution="…"></div>
 * Drag the marker or click the map to fill the inputs (6 decimals);
 * typing valid coordinates moves the marker.
 */
(function () {
  "use strict";

  const el = document.getElementById("site-map");
  if (!el || !window.L || !window.MaillageMap) return;
  const latInput = document.getElementById(el.dataset.latInput || "id_latitude");
  const lonInput = document.getElementById(el.dataset.lonInput || "id_longitude");
  if (!latInput || !lonInput) return;

  const FRANCE = [46.6, 2.4];

  // Accepts "43,5" too, since localized forms may use a decimal comma.
  function parse(input) {
    const n = parseFloat(String(input.value).trim().replace(",", "."));
    return Number.isFinite(n) ? n : null;
  }

  function readInputs() {
    const lat = parse(latInput);
    const lon = parse(lonInput);
    if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
    return L.latLng(lat, lon);
  }

  const start = readInputs();
  const map = MaillageMap.create(el, start || FRANCE, start ? 14 : 5);

  // A CSS divIcon avoids Leaflet's default PNG icon, whose path detection breaks with hashed static files.
  const marker = L.marker(start || FRANCE, {
    draggable: true,
    autoPan: true,
    icon: L.divIcon({ className: "picker-marker", html: "", iconSize: [22, 22] }),
  }).addTo(map);
  if (!start) marker.setOpacity(0.5); // hint that no position is saved yet

  let writing = false;

  function write(latlng) {
    const p = latlng.wrap();
    writing = true;
    latInput.value = p.lat.toFixed(6);
    lonInput.value = p.lng.toFixed(6);
    // Let other scripts (e.g. "unsaved changes" guards) notice the new values.
    latInput.dispatchEvent(new Event("change", { bubbles: true }));
    lonInput.dispatchEvent(new Event("change", { bubbles: true }));
    writing = false;
    marker.setOpacity(1);
  }

  marker.on("dragend", function () {
    write(marker.getLatLng());
  });

  map.on("click", function (e) {
    marker.setLatLng(e.latlng);
    write(e.latlng);
  });

  function onType() {
    if (writing) return;
    const p = readInputs();
    if (!p) return;
    marker.setLatLng(p).setOpacity(1);
    map.panTo(p);
  }
  for (const input of [latInput, lonInput]) {
    input.addEventListener("input", onType);
    input.addEventListener("change", onType);
  }

  // The map may be laid out after this script runs (e.g. inside <details>); recompute its size once visible.
  if ("ResizeObserver" in window) {
    new ResizeObserver(function () { map.invalidateSize(); }).observe(el);
  }
})();
