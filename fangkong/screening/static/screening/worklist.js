// 全选本页: a checkbox with data-check-all="<selector>" ticks or clears every box it names.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("[data-check-all]")) return;
  document.querySelectorAll(box.getAttribute("data-check-all")).forEach(function (b) { b.checked = box.checked; });
});
