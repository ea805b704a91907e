/* Suggestions as you type for structure names in every search box (progressive:
   without JavaScript the search page itself lists the structures first). */
(function () {
  "use strict";
  var inputs = document.querySelectorAll('form[role="search"] input[name="q"]');
  if (!inputs.length || !window.fetch) { return; }
  var list = document.createElement("datalist");
  list.id = "search-names";
  document.body.appendChild(list);
  var urls = {};
  var timer = null;
  var last = "";

  function fill(items) {
    list.textContent = "";
    urls = {};
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.title;
      urls[item.title] = item.url;
      list.appendChild(option);
    });
  }

  function ask(input) {
    var q = input.value.trim();
    if (q.length < 2 || q === last) { return; }
    last = q;
    var base = input.form.getAttribute("action") || "/recherche";
    fetch(base.replace(/\/$/, "") + "/suggestions?q=" + encodeURIComponent(q), {
      headers: { "Accept": "application/json" }, credentials: "same-origin"
    }).then(function (r) { return r.ok ? r.json() : []; })
      .then(fill)
      .catch(function () { fill([]); });
  }

  Array.prototype.forEach.call(inputs, function (input) {
    input.setAttribute("list", list.id);
    input.addEventListener("input", function (event) {
      // A name picked from the list opens its sheet directly.
      if (event.inputType === "insertReplacementText" || event.inputType === undefined) {
        var url = urls[input.value];
        if (url) { window.location.assign(url); return; }
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { ask(input); }, 150);
    });
  });
}());
