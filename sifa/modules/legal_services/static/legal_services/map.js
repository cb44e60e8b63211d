// 数字法务地图: Leaflet map of the listed places (markers are vector circles, so they are drawn even when no
// tile loads), 离我最近 (the browser's position sorts the list here; it is never sent to the server), and the
// static position map of a place's page. No inline scripts (CSP script-src 'self').
(function () {
  "use strict";

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  // Great-circle distance in metres (haversine, mean Earth radius), as geo.haversine_m on the server.
  function haversine(lat1, lng1, lat2, lng2) {
    var R = 6371008.8, rad = Math.PI / 180;
    var dp = (lat2 - lat1) * rad, dl = (lng2 - lng1) * rad;
    var a = Math.pow(Math.sin(dp / 2), 2) + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.pow(Math.sin(dl / 2), 2);
    return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  function distanceLabel(m) {
    if (m < 1000) { return Math.round(m / 10) * 10 + " 米"; }
    var km = m / 1000;
    return (km < 10 ? km.toFixed(1) : Math.round(km)) + " 公里";
  }

  function popup(marker) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = marker.name;
    var kind = document.createElement("div");
    kind.className = "small text-secondary";
    kind.textContent = marker.type_label;
    var address = document.createElement("div");
    address.className = "small";
    address.textContent = marker.address;
    var link = document.createElement("a");
    link.href = marker.url;
    link.textContent = "查看详情";
    box.append(title, kind, address, link);
    return box;
  }

  function makeMap(el, config, options) {
    var map = L.map(el, options);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com" target="_blank" rel="noopener">Leaflet</a>');
    config.layers.forEach(function (layer, i) {
      L.tileLayer(layer.url, {
        subdomains: layer.subdomains, maxZoom: 18, attribution: i === 0 ? config.attribution : ""
      }).addTo(map);
    });
    return map;
  }

  function addMarker(map, marker, extraClass) {
    return L.circleMarker([marker.lat, marker.lng], {
      radius: 8, color: "#ffffff", weight: 2, fillColor: marker.colour, fillOpacity: 0.95,
      className: "sifa-place-marker " + (extraClass || "")
    }).addTo(map);
  }

  var config = readJSON("map-config");
  var el = document.getElementById("place-map");
  var canMap = !!(config && el && window.L);

  // A place's page: one marker, a still map (no dragging or zooming).
  var single = readJSON("place-marker");
  if (single && canMap && el.hasAttribute("data-static")) {
    var still = makeMap(el, config, {
      dragging: false, touchZoom: false, scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false,
      keyboard: false, zoomControl: false, tap: false
    });
    addMarker(still, single).bindTooltip(single.name);
    still.setView([single.lat, single.lng], 15);
    return;
  }

  var markers = readJSON("place-markers");
  if (!markers) { return; }
  var map = null, byId = {}, meMarker = null;
  if (canMap) {
    map = makeMap(el, config, {zoomControl: true});
    markers.forEach(function (m) {
      byId[m.id] = addMarker(map, m).bindPopup(popup(m));
    });
    if (markers.length === 1) {
      map.setView([markers[0].lat, markers[0].lng], 15);
    } else if (markers.length > 1) {
      map.fitBounds(L.latLngBounds(markers.map(function (m) { return [m.lat, m.lng]; })), {padding: [20, 20]});
    } else {
      map.setView([35.0, 105.0], 4);
    }
  }

  // 离我最近
  var button = document.getElementById("nearest-button");
  var message = document.getElementById("geo-message");
  var list = document.getElementById("place-list");
  function say(text, kind) {
    message.textContent = text;
    message.className = "alert mb-2 alert-" + kind;
    message.hidden = false;
  }
  if (!button || !list) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    if (!("geolocation" in navigator)) {
      say("此浏览器不支持获取位置，无法按距离排序。", "warning");
      return;
    }
    button.disabled = true;
    say("正在获取您的位置……", "info");
    navigator.geolocation.getCurrentPosition(function (pos) {
      button.disabled = false;
      var lat = pos.coords.latitude, lng = pos.coords.longitude;
      var items = Array.prototype.slice.call(list.querySelectorAll(".place-item"));
      items.forEach(function (li) {
        var d = haversine(lat, lng, parseFloat(li.dataset.lat), parseFloat(li.dataset.lng));
        li.dataset.distance = String(Math.round(d));
        var label = li.querySelector(".place-distance");
        label.textContent = distanceLabel(d);
        label.hidden = false;
      });
      items.sort(function (a, b) { return Number(a.dataset.distance) - Number(b.dataset.distance); });
      items.forEach(function (li) { list.appendChild(li); });
      list.classList.add("sorted-by-distance");
      say("已按与您的距离由近到远排序（位置只在本机使用，不会发送到服务器）。", "success");
      if (map) {
        if (meMarker) { meMarker.remove(); }
        meMarker = L.circleMarker([lat, lng], {
          radius: 7, color: "#d63939", weight: 3, fillColor: "#ffffff", fillOpacity: 1, className: "sifa-me-marker"
        }).addTo(map).bindTooltip("您的位置");
        var nearest = items.slice(0, 3).map(function (li) { return [parseFloat(li.dataset.lat), parseFloat(li.dataset.lng)]; });
        map.fitBounds(L.latLngBounds(nearest.concat([[lat, lng]])), {padding: [30, 30], maxZoom: 15});
      }
    }, function (err) {
      button.disabled = false;
      if (err.code === 1) {
        say("您未允许本网站获取位置，无法按距离排序。请在浏览器设置中允许使用位置后重试" +
            (window.isSecureContext ? "。" : "（获取位置须通过 HTTPS 访问本网站）。"), "warning");
      } else if (err.code === 3) {
        say("获取位置超时，请到信号较好的地方重试。", "warning");
      } else {
        say("暂时无法获取您的位置，请稍后重试。", "warning");
      }
    }, {enableHighAccuracy: false, timeout: 15000, maximumAge: 60000});
  });
})();
