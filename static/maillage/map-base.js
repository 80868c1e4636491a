/* Maillage – what every map page shares; load it after Leaflet and before the page's script.
 *
 *   MaillageMap.create(el, center, zoom, options)
 *       a Leaflet map on el, at center and zoom, with the tiles of el's data-tiles-url and
 *       data-attribution (OpenStreetMap's by default);
 *   MaillageMap.WORLD    the options of the maps that show the whole network;
 *   MaillageMap.safeUrl(url)
 *       url when it is a same-site path or an http(s) link, otherwise null;
 *   MaillageMap.popupBox(title, url)
 *       a .map-popup <div> headed by the title in <strong>, a link when url is safe;
 *   MaillageMap.fetchGeoJson(el, url, onData, signal)
 *       fetches url and hands the data to onData, el being aria-busy meanwhile; a failure
 *       is left in el's data-load-error (an aborted request is no failure).
 * Text goes into the DOM with textContent only: nothing from the data is parsed as HTML.
 */
(function () {
  "use strict";

  const TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  const ATTRIBUTION = "© OpenStreetMap contributors";

  function create(el, center, zoom, options) {
    const map = L.map(el, options).setView(center, zoom);
    L.tileLayer(el.dataset.tilesUrl || TILES_URL, {
      maxZoom: 19,
      attribution: el.dataset.attribution || ATTRIBUTION,
    }).addTo(map);
    return map;
  }

  function safeUrl(url) {
    // Only same-site paths or http(s) links end up in an href.
    return typeof url === "string" && /^(\/(?!\/)|https?:\/\/)/i.test(url) ? url : null;
  }

  function popupBox(title, url) {
    const box = document.createElement("div");
    box.className = "map-popup";
    const heading = document.createElement("strong");
    const href = safeUrl(url);
    if (href) {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = title;
      heading.appendChild(a);
    } else {
      heading.textContent = title;
    }
    box.appendChild(heading);
    return box;
  }

  function fetchGeoJson(el, url, onData, signal) {
    el.setAttribute("aria-busy", "true");
    fetch(url, { signal: signal, headers: { Accept: "application/geo+json, application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (data) {
        onData(data);
        el.removeAttribute("aria-busy");
        delete el.dataset.loadError;
      })
      .catch(function (err) {
        if (err.name === "AbortError") return;
        el.removeAttribute("aria-busy");
        el.dataset.loadError = err.message;
        console.error("Maillage map: could not load " + url, err);
      });
  }

  window.MaillageMap = {
    create: create,
    WORLD: { minZoom: 2, maxZoom: 19, worldCopyJump: true },
    safeUrl: safeUrl,
    popupBox: popupBox,
    fetchGeoJson: fetchGeoJson,
  };
})();
