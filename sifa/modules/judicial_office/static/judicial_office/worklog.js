// Work-log day grid: the +/− steppers. Without JavaScript the number fields work on their own.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-step]");
  if (!button) {
    return;
  }
  var input = document.getElementById(button.getAttribute("data-target"));
  if (!input || input.disabled) {
    return;
  }
  var value = parseInt(input.value, 10);
  if (isNaN(value)) {
    value = 0;
  }
  value = Math.max(0, value + parseInt(button.getAttribute("data-step"), 10));
  input.value = String(value);
  var item = input.closest(".jo-item");
  if (item) {
    item.classList.toggle("jo-item-on", value > 0);
  }
});
document.addEventListener("input", function (event) {
  var input = event.target;
  if (input.classList && input.classList.contains("jo-count")) {
    var item = input.closest(".jo-item");
    if (item) {
      item.classList.toggle("jo-item-on", parseInt(input.value, 10) > 0);
    }
  }
});
