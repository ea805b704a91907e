// Wiki pages. Everything here is an extra: without JavaScript the wiki works the same.
(function () {
  "use strict";

  // Task lists: a member ticks "- [ ]" directly on the page (the server saves a new revision).
  var taskForm = document.getElementById("task-form");
  var text = document.getElementById("page-text");
  if (taskForm && text) {
    var boxes = text.querySelectorAll(".task-list-item input[type=checkbox]");
    Array.prototype.forEach.call(boxes, function (box, index) {
      box.disabled = false;
      box.classList.add("task-live");
      box.setAttribute("aria-label", box.parentNode.textContent.trim());
      box.addEventListener("change", function () {
        taskForm.elements.index.value = String(index);
        taskForm.elements.done.value = box.checked ? "1" : "0";
        Array.prototype.forEach.call(boxes, function (b) { b.disabled = true; });
        taskForm.submit();
      });
    });
  }

  // Editor: keep the soft notice "en cours de modification par …" alive while the form is open.
  var editForm = document.getElementById("edit-form");
  if (editForm && editForm.dataset.editingUrl && window.fetch) {
    var ping = function () {
      var body = new FormData();
      body.append("csrf_token", editForm.elements.csrf_token.value);
      fetch(editForm.dataset.editingUrl, { method: "POST", body: body, credentials: "same-origin" })
        .catch(function () { /* offline: the notice simply expires */ });
    };
    window.setInterval(ping, 5 * 60 * 1000);
  }
})();
