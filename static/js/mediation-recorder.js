// Voice recorder for workshops: record with MediaRecorder, upload right after "Arrêter",
// keep the recording in memory and offer "Réessayer" when the network drops.
(function () {
  "use strict";

  function extensionFor(type) {
    if (type.indexOf("ogg") >= 0) return "ogg";
    if (type.indexOf("mp4") >= 0 || type.indexOf("aac") >= 0) return "m4a";
    return "webm";
  }

  function setup(box) {
    if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return; // the file field stays: nothing is lost
    }
    box.hidden = false;
    var button = box.querySelector("[data-record]");
    var label = box.querySelector("[data-label]");
    var status = box.querySelector("[data-status]");
    var player = box.querySelector("[data-player]");
    var retry = box.querySelector("[data-retry]");
    var next = box.querySelector("[data-next]");
    var recorder = null;
    var stream = null;
    var chunks = [];
    var pending = null;

    function say(text) { status.textContent = text; }

    function upload(blob) {
      pending = blob;
      retry.hidden = true;
      button.disabled = true;
      say(box.dataset.msgSending);
      var form = new FormData();
      form.append("csrf_token", box.dataset.csrf);
      form.append("fichier", blob, "voix." + extensionFor(blob.type || ""));
      fetch(box.dataset.upload, {
        method: "POST", body: form, credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().catch(function () {
          return { ok: false, message: box.dataset.msgNetwork };
        });
      }).then(function (answer) {
        button.disabled = false;
        say(answer.message || "");
        if (answer.ok) {
          pending = null;
          label.textContent = box.dataset.labelAgain;
          player.src = URL.createObjectURL(blob);
          player.hidden = false;
          if (answer.next) { next.href = answer.next; next.hidden = false; }
        }
      }).catch(function () {
        button.disabled = false;
        say(box.dataset.msgNetwork);
        retry.hidden = false;
      });
    }

    retry.addEventListener("click", function () { if (pending) upload(pending); });

    button.addEventListener("click", function () {
      if (recorder && recorder.state === "recording") {
        recorder.stop();
        return;
      }
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) {
        stream = s;
        chunks = [];
        recorder = new MediaRecorder(stream);
        recorder.addEventListener("dataavailable", function (event) {
          if (event.data && event.data.size) chunks.push(event.data);
          box.dataset.seconds = String(chunks.length); // one chunk a second: tests wait on it
        });
        recorder.addEventListener("stop", function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          button.classList.remove("recording");
          label.textContent = box.dataset.labelStart;
          upload(new Blob(chunks, { type: recorder.mimeType || "audio/webm" }));
        });
        recorder.start(1000);
        button.classList.add("recording");
        label.textContent = box.dataset.labelStop;
        next.hidden = true;
        say(box.dataset.msgListening);
      }).catch(function () {
        say(box.dataset.msgDenied);
      });
    });
  }

  document.querySelectorAll("[data-recorder]").forEach(setup);

  // A photo or video chosen is sent at once (one step less); its name is shown meanwhile.
  document.querySelectorAll("input[data-autosend]").forEach(function (input) {
    input.addEventListener("change", function () {
      var shown = input.parentNode.querySelector("[data-file-name]");
      if (!input.files || !input.files.length) return;
      if (shown) shown.textContent = input.files[0].name + " …";
      if (input.form && input.form.requestSubmit) input.form.requestSubmit();
    });
  });
}());
