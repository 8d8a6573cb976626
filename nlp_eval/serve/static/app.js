// nlp-eval review pages: the only script (served from this server; the CSP forbids inline code).
// Pages work without it; it adds drag-and-drop upload, an upload bar and live run progress.
"use strict";

(function () {
  function walk(entry, path, out) {
    // Files of a dropped folder, recursively (webkitGetAsEntry is the only directory API).
    return new Promise(function (resolve) {
      if (entry.isFile) {
        entry.file(function (file) { out.push([file, path + file.name]); resolve(); }, resolve);
      } else if (entry.isDirectory) {
        var reader = entry.createReader();
        var all = [];
        (function more() {
          reader.readEntries(function (batch) {
            if (!batch.length) {
              Promise.all(all.map(function (e) { return walk(e, path + entry.name + "/", out); })).then(resolve);
            } else { all = all.concat(Array.prototype.slice.call(batch)); more(); }
          }, resolve);
        })();
      } else { resolve(); }
    });
  }

  function send(form, pairs) {
    var data = new FormData();
    pairs.forEach(function (p) { data.append("files", p[0], p[1]); });
    var bar = document.getElementById("upload-progress");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/runs");
    xhr.setRequestHeader("X-CSRF-Token", form.getAttribute("data-csrf"));
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { bar.hidden = false; bar.value = 100 * e.loaded / e.total; }
    };
    xhr.onload = function () {
      if (xhr.status < 400) { window.location = xhr.responseURL; }
      else { document.open(); document.write(xhr.responseText); document.close(); }
    };
    xhr.send(data);
  }

  var form = document.getElementById("upload");
  if (form) {
    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (e) { e.preventDefault(); form.classList.add("over"); });
    });
    form.addEventListener("dragleave", function () { form.classList.remove("over"); });
    form.addEventListener("drop", function (e) {
      e.preventDefault();
      form.classList.remove("over");
      var out = [];
      var items = Array.prototype.slice.call(e.dataTransfer.items || []);
      var entries = items.map(function (i) { return i.webkitGetAsEntry && i.webkitGetAsEntry(); });
      if (entries.length && entries.every(Boolean)) {
        Promise.all(entries.map(function (en) { return walk(en, "", out); })).then(function () { send(form, out); });
      } else {
        Array.prototype.forEach.call(e.dataTransfer.files, function (f) { out.push([f, f.name]); });
        send(form, out);
      }
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var out = [];
      ["files", "folder"].forEach(function (id) {
        Array.prototype.forEach.call(document.getElementById(id).files, function (f) {
          out.push([f, f.webkitRelativePath || f.name]);
        });
      });
      send(form, out);
    });
  }

  var progress = document.getElementById("progress");
  if (progress && progress.getAttribute("data-status") && document.getElementById("bar")) {
    var stages = { "": "排队中", read: "读取文件", lint: "检查", score: "评分", save: "保存" };
    (function poll() {
      fetch(progress.getAttribute("data-status"), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.status === "done" || s.status === "failed") { window.location.reload(); return; }
          var bar = document.getElementById("bar");
          bar.max = s.total || 1;
          bar.value = s.done;
          document.getElementById("stage").textContent = stages[s.stage] || s.stage;
          document.getElementById("count").textContent = s.done + " / " + s.total;
          setTimeout(poll, 500);
        })
        .catch(function () { setTimeout(poll, 2000); });
    })();
  }
})();
