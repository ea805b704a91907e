// Task lists: a member ticks "- [ ]" directly on the page (the server saves a new revision).
// Without JavaScript the boxes stay read-only and the page is edited as text.
(function () {
  "use strict";
  var form = document.getElementById("task-form");
  var text = document.getElementById("page-text");
  if (!form || !text) { return; }
  var boxes = text.querySelectorAll(".task-list-item input[type=checkbox]");
  Array.prototype.forEach.call(boxes, function (box, index) {
    box.disabled = false;
    box.classList.add("task-live");
    box.setAttribute("aria-label", box.parentNode.textContent.trim());
    box.addEventListener("change", function () {
      form.elements.index.value = String(index);
      form.elements.done.value = box.checked ? "1" : "0";
      Array.prototype.forEach.call(boxes, function (b) { b.disabled = true; });
      form.submit();
    });
  });
})();
