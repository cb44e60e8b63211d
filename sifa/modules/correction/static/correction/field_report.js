// 现场报告 phone page: browser location (Geolocation API) and a preview of the chosen photo.
// No third-party code. The form works without location: the hidden fields stay empty (未获取定位).
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var form = document.getElementById("field-report-form");
    if (!form) { return; }
    var status = document.getElementById("location-status");
    var button = document.getElementById("locate-btn");
    var field = function (name) { return form.querySelector("input[name='" + name + "']"); };

    function show(text, css) {
      status.textContent = text;
      status.className = "badge " + css;
    }
    function locate() {
      if (!("geolocation" in navigator)) { show("未获取定位（浏览器不支持）", "bg-secondary-lt"); return; }
      show("正在获取定位…", "bg-blue-lt");
      navigator.geolocation.getCurrentPosition(function (pos) {
        field("latitude").value = pos.coords.latitude.toFixed(6);
        field("longitude").value = pos.coords.longitude.toFixed(6);
        field("accuracy_m").value = Math.round(pos.coords.accuracy);
        show("已定位（精度约 " + Math.round(pos.coords.accuracy) + " 米）", "bg-green-lt");
      }, function (err) {
        field("latitude").value = ""; field("longitude").value = ""; field("accuracy_m").value = "";
        show(err.code === 1 ? "未获取定位（未允许定位）" : "未获取定位", "bg-secondary-lt");
      }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
    }
    if (button) { button.addEventListener("click", locate); }
    locate();

    var chosen = document.getElementById("photo-chosen");
    var preview = document.getElementById("photo-preview");
    form.querySelectorAll("[data-photo-input]").forEach(function (input) {
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        if (!file) { return; }
        // one photo per report: choosing in one input clears the other
        form.querySelectorAll("[data-photo-input]").forEach(function (other) { if (other !== input) { other.value = ""; } });
        field("captured_at").value = new Date(file.lastModified || Date.now()).toISOString();
        chosen.textContent = "已选择：" + file.name;
        if (preview && window.URL && file.type.indexOf("image/") === 0) {
          preview.src = URL.createObjectURL(file);
          preview.classList.remove("d-none");
        }
      });
    });
    form.addEventListener("submit", function () {
      if (!field("captured_at").value) { field("captured_at").value = new Date().toISOString(); }
      var submit = document.getElementById("submit-report");
      if (submit) { submit.disabled = true; submit.textContent = "正在提交…"; }
    });
  });
})();
